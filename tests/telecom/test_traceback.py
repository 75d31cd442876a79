"""Hop-by-hop traceback over carriers' records (pure)."""

from __future__ import annotations

from tracebridge.telecom import traceback as tb
from tracebridge.telecom.traceback import HopRecord

T = 1_750_000_000.0


def rec(reporter: str, orig: str, term: str, dt: float = 0.0, **kw: object) -> HopRecord:
    calling = str(kw.pop("calling", "+12125551234"))
    called = str(kw.pop("called", "+14155550000"))
    return HopRecord(f"{reporter}-1", T + dt, calling, called, orig, term, reporter)


def test_domestic_path_to_the_originating_provider() -> None:
    records = [
        rec("Verizon", "Inteliquent", "Verizon"),
        rec("Inteliquent", "Bandwidth", "Inteliquent", 1.5),
        rec(
            "Bandwidth", "Bandwidth", "Inteliquent", 2.0, calling="2125551234", called="14155550000"
        ),
    ]
    hops = tb.trace(records[0], records)
    assert [(h.carrier, h.role) for h in hops] == [
        ("Verizon", "terminating"),
        ("Inteliquent", "transit"),
        ("Bandwidth", "originating"),
    ]
    assert tb.outcome(hops) == "originated by Bandwidth"


def test_stops_at_the_us_entry_gateway() -> None:
    records = [
        rec("AT&T", "Lumen Transit", "AT&T"),
        rec("Lumen Transit", "Telx Wholesale", "Lumen Transit"),
        rec("Telx Wholesale", "Foreign Telecom", "Telx Wholesale"),
    ]
    hops = tb.trace(records[0], records, gateways=frozenset({"Telx Wholesale"}))
    assert hops[-1].role == "gateway"
    assert tb.outcome(hops) == "entered the US at Telx Wholesale from Foreign Telecom"


def test_missing_record_is_a_non_responder() -> None:
    records = [rec("AT&T", "Lumen Transit", "AT&T")]
    hops = tb.trace(records[0], records)
    assert [h.role for h in hops] == ["terminating", "no_record"]
    assert hops[-1].carrier == "Lumen Transit"
    assert "non-responder" in tb.outcome(hops)


def test_time_tolerance_and_numbers_must_match() -> None:
    records = [
        rec("AT&T", "Lumen Transit", "AT&T"),
        rec("Lumen Transit", "X", "Lumen Transit", 30.0),  # too late
        rec("Lumen Transit", "Y", "Lumen Transit", 1.0, called="+14155550001"),  # other callee
    ]
    hops = tb.trace(records[0], records)
    assert hops[-1].role == "no_record"
    loose = tb.trace(records[0], records, tolerance=60)
    assert loose[1].upstream == "X"


def test_terminating_record_is_found_from_any_record() -> None:
    records = [
        rec("Inteliquent", "Bandwidth", "Inteliquent", 1.0),
        rec("Verizon", "Inteliquent", "Verizon"),
        rec("Bandwidth", "Bandwidth", "Inteliquent", 2.0),
    ]
    assert tb.terminating_record(records[0], records).reporting_carrier == "Verizon"


def test_loops_end() -> None:
    records = [rec("A", "B", "A"), rec("B", "A", "B", 1.0)]
    hops = tb.trace(records[0], records)
    assert [(h.carrier, h.role) for h in hops] == [
        ("A", "terminating"),
        ("B", "transit"),
        ("A", "no_record"),
    ]


def test_outcome_of_nothing() -> None:
    assert tb.outcome([]) == "no record of the call"
