"""Calls without origid, a new caller ID on every call: grouped by their route into the network
and the hour, and by the exchange they dial and the day (issue 19.5), one campaign however many
numbers it shows, ordinary calls through the same gateway or into the same exchange left
alone."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tracebridge.telecom import analytics

from .conftest import DAY0, cdr_row, write_cdrs

ABROAD, GATEWAY, TRANSIT, TERMINATING = (
    "IN-VoIP Wholesale Pvt",
    "Telx Wholesale",
    "Inteliquent",
    "Verizon",
)
AREA_CODES = (201, 212, 305, 312, 415, 617, 713, 818)


def through_gateway(row: dict[str, Any], hops: bool = True) -> list[dict[str, Any]]:
    """A call's records: the terminating carrier's, and (``hops``) the transit carrier's and
    the gateway's, which took it from a foreign carrier."""
    path = [(ABROAD, GATEWAY), (GATEWAY, TRANSIT), (TRANSIT, TERMINATING)]
    if not hops:
        path = path[-1:]
    return [dict(row, orig_carrier=o, term_carrier=t, reporting_carrier=t) for o, t in path]


def robocalls(
    n: int = 120, hops: bool = True, every_s: int = 50, exchanges: int = 1
) -> list[dict[str, Any]]:
    """A burst of ``n`` unsigned calls, one each ``every_s`` seconds (120 calls: 100 minutes),
    each from another (valid) US number, dialling one exchange in order (or a list spread over
    ``exchanges`` of them); one in ten answered, for 8 seconds."""
    rows = []
    for i in range(n):
        callee = f"+1{AREA_CODES[i % exchanges]}555{i:04d}" if exchanges > 1 else f"+1646555{i:04d}"
        caller = f"+1{AREA_CODES[i % 8]}{200 + i * 53 % 700:03d}{i * 97 % 10000:04d}"
        answered = i % 10 == 0
        row = cdr_row(
            f"RB{i:04d}",
            caller,
            callee,
            DAY0 + i * every_s,
            attestation=None,
            duration_s=8 if answered else 0,
            answered=answered,
            sip_code=200 if answered else 480,
        )
        rows += through_gateway(row, hops)
    return rows


def ordinary(n: int, first: int = 0, spread_s: int = 7200) -> list[dict[str, Any]]:
    """Ordinary calls from abroad on the same route: foreign numbers (every fifth a US number
    roaming, answered), two in three answered for minutes, half C-attested with the gateway's
    origid. (An unanswered call from a US number on the route, in a burst's hour, looks like
    the burst's calls and would join it.)"""
    rows = []
    for i in range(first, first + n):
        caller = f"+1{2125550000 + i}" if i % 5 == 0 else f"+44207946{i:04d}"
        answered = i % 3 != 0 or i % 5 == 0
        row = cdr_row(
            f"OR{i:04d}",
            caller,
            f"+1{7185550000 + i * 13}",
            DAY0 + i * spread_s // max(n, 1),
            attestation="C" if i % 2 else None,
            origid="9d1e5c6a-1111-4000-8000-0000000000aa" if i % 2 else None,
            duration_s=60 + i * 37 % 600 if answered else 0,
            answered=answered,
            sip_code=200 if answered else 486,
        )
        rows += through_gateway(row)
    return rows


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def _labels(out: Path) -> dict[str, str]:
    rows = duckdb.execute(
        "SELECT call_id, campaign_id FROM read_parquet(?)", [str(out / "call_labels.parquet")]
    ).fetchall()
    return dict(rows)


def test_a_campaign_without_origid_through_one_gateway_is_one_campaign(tmp_path: Path) -> None:
    rows = robocalls(exchanges=8) + ordinary(20)  # no exchange holds 20 calls: routes alone
    summary = analytics.analyze([write_cdrs(tmp_path / "c.parquet", rows)], tmp_path / "out")
    (campaign,) = _read(tmp_path / "out" / "campaigns.csv")
    assert campaign["key_kind"] == "route"
    assert campaign["key"] == f"from {ABROAD} via {GATEWAY}, 2025-06-15 14:00Z"
    assert campaign["calls"] == "120" and campaign["unique_called"] == "120"
    reasons = campaign["reasons"]
    for flag in (
        "low completion: ",
        "many unique callees",
        "no origid: grouped by the route into the network and the hour",
        "one campaign of 2 groups sharing an origid, calls, or route and hour: "
        "0 origin-days, 0 caller numbers, 2 route-hours, 0 exchange-days",
    ):
        assert flag in reasons, (flag, reasons)
    labels = _labels(tmp_path / "out")
    assert set(labels) == {f"RB{i:04d}" for i in range(120)}  # no ordinary call
    assert set(labels.values()) == {campaign["campaign_id"]}
    assert summary.campaigns == 1 and summary.null_origid > 0
    groups = _read(tmp_path / "out" / "campaign_groups.csv")
    assert [(g["key_kind"], g["key"][-6:]) for g in groups] == [
        ("route", "14:00Z"),
        ("route", "15:00Z"),
    ]
    assert all("no origid" in g["reasons"] and "low completion" in g["reasons"] for g in groups)
    assert all("many unique callees" in g["reasons"] for g in groups)
    # a new number on every call is what a route group of ordinary calls shows too: no flag
    assert all("rotating caller IDs" not in g["reasons"] for g in groups)
    numbers = _read(tmp_path / "out" / "campaign_numbers.csv")
    assert len(numbers) == 100  # the top 100 of its 120 caller numbers


def test_ordinary_traffic_through_the_same_gateway_is_not_flagged(tmp_path: Path) -> None:
    rows = ordinary(400)  # 200 calls an hour on the campaign's route, none of them a campaign
    summary = analytics.analyze([write_cdrs(tmp_path / "o.parquet", rows)], tmp_path / "out")
    assert summary.campaigns == 0 and summary.labelled_calls == 0
    assert _read(tmp_path / "out" / "campaigns.csv") == []


@pytest.mark.parametrize("hops", [True, False])
def test_the_route_is_the_entry_or_else_the_carrier_that_handed_the_calls_on(
    tmp_path: Path, hops: bool
) -> None:
    """Without hop records the entry is not known: the route is the carrier the terminating
    carrier's record names (here a transit carrier whose own records are in the node: one
    call it terminated)."""
    out = tmp_path / "out"
    own = cdr_row("T0001", "+12125550000", "+13125550000", DAY0, term_carrier=TRANSIT,
                  reporting_carrier=TRANSIT, orig_carrier="AT&T", duration_s=60, answered=True)  # fmt: skip
    rows = [*robocalls(60, hops), own]
    analytics.analyze([write_cdrs(tmp_path / "r.parquet", rows)], out)
    (campaign,) = _read(out / "campaigns.csv")
    assert campaign["calls"] == "60"  # its route group and its exchange group: one campaign
    route = f"from {ABROAD} via {GATEWAY}" if hops else f"via {TRANSIT}"
    (group,) = [g for g in _read(out / "campaign_groups.csv") if g["key_kind"] == "route"]
    assert group["key"] == f"{route}, 2025-06-15 14:00Z" and group["calls"] == "60"
    assert "sequential dialing: 60 callees within 60 numbers" in group["reasons"]


def test_a_campaign_seen_signed_and_unsigned_on_one_route_is_one_campaign(
    tmp_path: Path,
) -> None:
    """A third of a burst signed with the campaign's origid, the rest unsigned with random
    numbers on the same route in the same hour: one campaign, not two."""
    rows = robocalls(90, every_s=30)
    for row in rows:
        if int(row["call_id"][2:]) % 3 == 0:
            row.update(origid="3c8422f6-e606-4ffe-b246-f7fff7249a9b", attestation="C")
    analytics.analyze([write_cdrs(tmp_path / "s.parquet", rows)], tmp_path / "out")
    (campaign,) = _read(tmp_path / "out" / "campaigns.csv")
    assert campaign["calls"] == "90"
    kinds = sorted(g["key_kind"] for g in _read(tmp_path / "out" / "campaign_groups.csv"))
    assert kinds == ["exchange", "origin", "route"]


def _on_many_routes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each call handed over by another foreign carrier to another gateway: no route holds 20."""
    for row in rows:
        i = int(row["call_id"][2:])
        if row["orig_carrier"] == ABROAD:
            row.update(orig_carrier=f"Foreign {i % 30}", term_carrier=f"Gateway {i % 7}")
        elif row["orig_carrier"] == GATEWAY:
            row.update(orig_carrier=f"Gateway {i % 7}", reporting_carrier=f"Gateway {i % 7}")
    return rows


def test_a_burst_into_one_exchange_on_many_routes_is_one_campaign(tmp_path: Path) -> None:
    rows = _on_many_routes(robocalls()) + ordinary(20)
    analytics.analyze([write_cdrs(tmp_path / "x.parquet", rows)], tmp_path / "out")
    (campaign,) = _read(tmp_path / "out" / "campaigns.csv")
    assert campaign["key_kind"] == "exchange"
    assert campaign["key"] == "+1646555xxxx, 2025-06-15" and campaign["calls"] == "120"
    for flag in (
        "low completion: ",
        "sequential dialing: 120 callees within 120 numbers",
        "no origid: grouped by the exchange dialled (NPA-NXX) and the day",
    ):
        assert flag in campaign["reasons"], (flag, campaign["reasons"])
    assert set(_labels(tmp_path / "out")) == {f"RB{i:04d}" for i in range(120)}
    groups = _read(tmp_path / "out" / "campaign_groups.csv")
    assert [g["key_kind"] for g in groups] == ["exchange"]


def test_a_burst_on_one_route_into_one_exchange_is_one_campaign_of_both_groups(
    tmp_path: Path,
) -> None:
    analytics.analyze([write_cdrs(tmp_path / "b.parquet", robocalls())], tmp_path / "out")
    (campaign,) = _read(tmp_path / "out" / "campaigns.csv")
    assert campaign["key_kind"] == "exchange" and campaign["calls"] == "120"
    assert "0 origin-days, 0 caller numbers, 2 route-hours, 1 exchange-days" in campaign["reasons"]
    groups = _read(tmp_path / "out" / "campaign_groups.csv")
    assert sorted(g["key_kind"] for g in groups) == ["exchange", "route", "route"]


def test_ordinary_calls_into_one_exchange_are_not_flagged(tmp_path: Path) -> None:
    """A busy exchange (a call centre's numbers) called 60 times a day without origid, on many
    routes: most calls answered for minutes, so its completion is high; nothing is flagged."""
    rows = []
    for i in range(60):
        answered = i % 4 != 0
        row = cdr_row(f"OX{i:04d}", f"+1{2015550000 + i * 7}", f"+1646555{i % 40:04d}",
                      DAY0 + i * 600, attestation=None, duration_s=120 if answered else 0,
                      answered=answered, sip_code=200 if answered else 486)  # fmt: skip
        rows += through_gateway(row)
    summary = analytics.analyze(
        [write_cdrs(tmp_path / "o.parquet", _on_many_routes(rows))], tmp_path / "out"
    )
    assert summary.campaigns == 0 and summary.labelled_calls == 0


def test_a_campaign_signed_on_some_calls_is_joined_through_its_origid(tmp_path: Path) -> None:
    """Two bursts of one robodialer on two days, each into its own exchange on many routes, a
    few calls of each signed with its origid (too few for an origin group of their own): one
    campaign, joined through the origid its signed calls share; the signed calls follow the
    exchange group they lie in."""
    first = _on_many_routes(robocalls(60))
    second = _on_many_routes(robocalls(60))
    for row in second:
        row.update(call_id="S" + row["call_id"], start_time=row["start_time"] + 2 * 86400,
                   called_number=row["called_number"].replace("+1646", "+1718"))  # fmt: skip
    rows = first + second
    for row in rows:
        if int(row["call_id"][-4:]) % 7 == 3:  # 9 calls a burst, 27 records
            row.update(origid="3c8422f6-e606-4ffe-b246-f7fff7249a9b", attestation="B")
    analytics.analyze([write_cdrs(tmp_path / "t.parquet", rows)], tmp_path / "out")
    (campaign,) = _read(tmp_path / "out" / "campaigns.csv")
    assert campaign["calls"] == "120"  # with the 18 signed calls, which have no group
    assert (
        "18 calls too few for a group of their own follow its bursts: 0 without origid into its "
        "exchanges on their days, 18 of origin-days with 3+ calls in its groups"
    ) in campaign["reasons"]
    assert set(_labels(tmp_path / "out")) == {r["call_id"] for r in rows}
    kinds = [g["key_kind"] for g in _read(tmp_path / "out" / "campaign_groups.csv")]
    assert kinds == ["exchange", "exchange"]


@pytest.mark.parametrize("conversations", [False, True])
def test_a_signed_burst_takes_its_few_calls_without_origid_into_the_same_exchange(
    tmp_path: Path, conversations: bool
) -> None:
    """A burst signed with one origid, and 10 calls without origid into the same exchange on
    the same day (too few for an exchange group): one campaign of 70 calls. Conversations
    there (answered, minutes long) are ordinary calls and stay out."""
    rows = robocalls(70, every_s=40)
    for row in rows:
        i = int(row["call_id"][2:])
        if i < 60:
            row.update(origid="3c8422f6-e606-4ffe-b246-f7fff7249a9b", attestation="C")
        elif conversations:
            row.update(answered=True, duration_s=300, sip_code=200)
    analytics.analyze([write_cdrs(tmp_path / "u.parquet", rows)], tmp_path / "out")
    (campaign,) = _read(tmp_path / "out" / "campaigns.csv")
    assert campaign["key_kind"] == "origin"
    assert campaign["calls"] == ("60" if conversations else "70")
    follow = "10 calls too few for a group of their own follow its bursts: 10 without origid"
    assert (follow in campaign["reasons"]) is not conversations
    labels = _labels(tmp_path / "out")
    assert all(f"RB{i:04d}" in labels for i in range(60))
    assert any(f"RB{i:04d}" in labels for i in range(60, 70)) is not conversations
