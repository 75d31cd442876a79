"""The family of worlds: each knob changes what it says, and only that."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tracebridge.simulate import Knobs, generate
from tracebridge.simulate import world as world_module
from tracebridge.simulate.catalog import FOREIGN_CARRIERS as FOREIGN

SIZES = {"complaints": 600, "calls": 200, "txns": 200}


def _world(tmp_path: Path, knobs: Knobs, seed: int = 5) -> tuple[dict[str, Any], list[Any]]:
    generate(tmp_path, seed, knobs=knobs, **SIZES)  # type: ignore[arg-type]
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    with open(tmp_path / "complaints.jsonl", encoding="utf-8") as f:
        return truth, [json.loads(line) for line in f]


def test_the_share_naming_no_identifier_follows_the_knob(tmp_path: Path) -> None:
    truth, complaints = _world(tmp_path, Knobs(no_identifier_share=0.2))
    share = len(truth["no_identifier_refs"]) / len(complaints)
    assert 0.16 <= share <= 0.24
    truth_none, _ = _world(tmp_path / "none", Knobs(no_identifier_share=0.0))
    assert truth_none["no_identifier_refs"] == []


def test_shared_host_links_are_named_and_are_campaign_identifiers(tmp_path: Path) -> None:
    truth, complaints = _world(tmp_path, Knobs(shared_link_share=0.5))
    own = {k for c in truth["campaigns"] for k in c["identifiers"] if k.startswith("url:")}
    assert {k.split("/")[2] for k in own} <= {"t.me", "bit.ly", "wa.me"}
    assert len({k.split("/")[2] for k in own}) == 3
    named = sum(
        1 for c in complaints if any(h in json.dumps(c) for h in ("t.me/", "bit.ly/", "wa.me/"))
    )
    assert named >= 100


def test_narrative_only_puts_contacts_in_the_text_alone(tmp_path: Path) -> None:
    _, complaints = _world(tmp_path, Knobs(narrative_only_share=1.0, both_share=0.0))
    fields = {k for c in complaints for k in c.get("suspect", {})}
    assert fields <= {"names", "upi_ids", "crypto_wallets", "bank_accounts"}  # payees stay


def test_rotations_carry_over_as_many_items_as_asked() -> None:
    for carry, overlap in ((0, False), (2, True)):
        built = world_module.build(3, 600, Knobs(carry_over=carry))
        shared = [
            set(a.phones) & set(b.phones)
            for c in built.campaigns
            for a, b in zip(c.epochs, c.epochs[1:], strict=False)
        ]
        assert any(shared) is overlap


def test_campaign_count_and_sizes() -> None:
    built = world_module.build(3, 600, Knobs(campaigns=30, size_shape=3.0, size_cap=2.0))
    assert len(built.campaigns) == 30
    assert max(c.weight for c in built.campaigns) <= 2.0


def test_more_contacts_per_complaint(tmp_path: Path) -> None:
    def named(knobs: Knobs, where: Path) -> int:
        _, complaints = _world(where, knobs)
        return sum(len(v) for c in complaints for k, v in c.get("suspect", {}).items())

    assert named(Knobs(extra_contacts=3.0), tmp_path / "a") > named(Knobs(), tmp_path / "b")


def _robocalls(tmp_path: Path, knobs: Knobs) -> tuple[float, float]:
    """Share of robocalls with no origid, and distinct caller IDs per robocall."""
    generate(tmp_path, 5, complaints=200, calls=20_000, txns=100, knobs=knobs)
    row = duckdb.execute(
        """SELECT avg((c.origid IS NULL)::INT), count(DISTINCT c.calling_number) / count(*)
           FROM read_parquet(?) c JOIN read_parquet(?) t USING (call_id)
           WHERE t.kind = 'robocall' AND c.reporting_carrier = c.term_carrier""",
        [str(tmp_path / "cdrs.parquet"), str(tmp_path / "truth_calls.parquet")],
    ).fetchone()
    assert row is not None
    return float(row[0]), float(row[1])


def test_unsigned_robocalls_and_the_spoofing_mix(tmp_path: Path) -> None:
    unsigned, _ = _robocalls(tmp_path / "a", Knobs(unsigned_share=0.6))
    assert 0.55 <= unsigned <= 0.65
    assert _robocalls(tmp_path / "b", Knobs())[0] == 0.0
    _, own = _robocalls(tmp_path / "c", Knobs(spoof_mix=(1.0, 0.0, 0.0)))
    _, spoofed = _robocalls(tmp_path / "d", Knobs(spoof_mix=(0.0, 0.0, 1.0)))
    assert own < 0.05 < 0.25 < spoofed  # own numbers repeat; random ones rarely (but "anonymous")


def _routes(tmp_path: Path, knobs: Knobs) -> dict[str | None, int]:
    """Distinct entries into the US (foreign carrier, gateway) per campaign (None: ordinary
    calls from abroad), from the gateways' records."""
    generate(tmp_path, 5, complaints=200, calls=20_000, txns=100, knobs=knobs)
    rows = duckdb.execute(
        """SELECT t.campaign_id, count(DISTINCT (c.orig_carrier, c.term_carrier))
           FROM read_parquet(?) c JOIN read_parquet(?) t USING (call_id)
           WHERE c.term_carrier = c.reporting_carrier AND c.orig_carrier IN ?
           GROUP BY ALL""",
        [str(tmp_path / "cdrs.parquet"), str(tmp_path / "truth_calls.parquet"), list(FOREIGN)],
    ).fetchall()
    return {campaign: int(n) for campaign, n in rows}


def test_campaigns_keep_their_own_route_and_ordinary_calls_share_the_gateways(
    tmp_path: Path,
) -> None:
    before = _routes(tmp_path / "a", Knobs())
    assert None not in before  # no ordinary calls from abroad by default
    assert max(before.values()) > 1  # each robocall's route drawn on its own
    own = _routes(tmp_path / "b", Knobs(own_route_share=1.0, gateway_legit_share=0.05))
    assert {n for c, n in own.items() if c is not None} == {1}
    assert own[None] > 1  # ordinary calls from abroad come through several gateways


def test_ordinary_calls_from_abroad_show_foreign_numbers(tmp_path: Path) -> None:
    generate(tmp_path, 5, complaints=200, calls=20_000, txns=100,
             knobs=Knobs(gateway_legit_share=0.1))  # fmt: skip
    row = duckdb.execute(
        """SELECT count(DISTINCT call_id), avg((calling_number NOT LIKE '+1%')::INT),
                  avg((origid IS NULL)::INT), avg(coalesce(attestation = 'C', false)::INT)
           FROM read_parquet(?) c JOIN read_parquet(?) t USING (call_id)
           WHERE t.kind = 'legit' AND c.orig_carrier IN ?""",
        [str(tmp_path / "cdrs.parquet"), str(tmp_path / "truth_calls.parquet"), list(FOREIGN)],
    ).fetchone()
    assert row is not None
    calls, foreign, unsigned, c_attested = int(row[0]), *map(float, row[1:])
    assert 0.08 * 17_000 < calls < 0.12 * 17_600
    assert 0.7 < foreign < 0.9 and 0.4 < unsigned < 0.6 and abs(unsigned + c_attested - 1) < 1e-9


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"no_identifier_share": 1.5}, "no_identifier_share"),
        ({"narrative_only_share": 0.9, "both_share": 0.2}, "narrative_only_share + both_share"),
        ({"campaigns": 0}, "campaigns"),
        ({"unsigned_share": -0.1}, "unsigned_share"),
        ({"own_route_share": 1.2}, "own_route_share must be between 0 and 1"),
        ({"gateway_legit_share": -0.1}, "gateway_legit_share must be between 0 and 1"),
        ({"spoof_mix": (0.5, 0.5, 0.5)}, "spoof_mix"),
        ({"carry_over": -1}, "carry_over must be at least 0"),
        ({"extra_contacts": -0.5}, "extra_contacts must be at least 0"),
        ({"size_shape": 0.0}, "size_shape must be above 0"),
        ({"size_cap": 0.0}, "size_cap must be above 0"),  # was no error: every weight 0
        ({"ordinary_mule_share": 1.1}, "ordinary_mule_share must be between 0 and 1"),
        ({"ordinary_volume": -1.0}, "ordinary_volume must be at least 0"),
        ({"lookalike_share": -0.2}, "lookalike_share must be between 0 and 1"),
    ],
)
def test_bad_knobs_are_refused_naming_the_knob(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field.replace("+", r"\+")):
        Knobs(**change)


def _money(tmp_path: Path, knobs: Knobs) -> tuple[dict[str, Any], duckdb.DuckDBPyConnection]:
    generate(tmp_path, 5, complaints=1000, calls=100, txns=8000, knobs=knobs)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    con.read_parquet(str(tmp_path / "transactions.parquet")).create_view("raw")
    con.execute("CREATE VIEW t AS SELECT *, amount * IF(currency = 'USD', 83, 1) AS inr FROM raw")
    return truth, con


def _credits(con: duckdb.DuckDBPyConnection, mules: list[str]) -> tuple[float, float, int]:
    """Into the mules: ordinary money (not a victim's, not a mule's), fraud money, and how
    many mules are paid a salary (NEFT, or a wire in the US, from outside the operation)."""
    row = con.execute(
        """SELECT coalesce(sum(inr) FILTER (complaint_ref IS NULL AND from_account NOT IN ?), 0),
                  sum(inr) FILTER (complaint_ref IS NOT NULL OR from_account IN ?),
                  count(DISTINCT to_account) FILTER (channel IN ('neft', 'wire')
                      AND complaint_ref IS NULL AND from_account NOT IN ?)
           FROM t WHERE to_account IN ?""",
        [mules, mules, mules, mules],
    ).fetchone()
    assert row is not None
    return float(row[0]), float(row[1]), int(row[2])


def test_mules_live_an_ordinary_life_as_large_as_asked(tmp_path: Path) -> None:
    truth, con = _money(tmp_path, Knobs(ordinary_mule_share=1.0, ordinary_volume=2.0))
    mules = [m for m in truth["mule_accounts"] if not m.startswith("WALLET:")]
    ordinary, fraud, salaried = _credits(con, mules)
    assert 1.8 <= ordinary / fraud <= 2.6  # a life's months round up
    reached = con.execute(
        "SELECT count(DISTINCT to_account) FROM t WHERE to_account IN ? "
        "AND (complaint_ref IS NOT NULL OR from_account IN ?)",
        [mules, mules],
    ).fetchone()
    assert reached is not None and salaried == reached[0]  # every mule the fraud reached
    spent = con.execute(
        "SELECT count(*) FROM t WHERE from_account IN ? AND complaint_ref IS NULL "
        "AND channel IN ('upi', 'card')",
        [mules],
    ).fetchone()
    assert spent is not None and spent[0] >= 8 * salaried  # rent, bills, shops, people: monthly
    truth, plain = _money(tmp_path / "plain", Knobs())
    assert _credits(plain, mules)[::2] == (0.0, 0)


def test_lookalikes_are_honest_accounts_that_pass_money_through(tmp_path: Path) -> None:
    truth, con = _money(tmp_path, Knobs(lookalike_share=0.3))
    plain, _ = _money(tmp_path / "plain", Knobs())
    lookalikes = set(truth["legit_accounts"]) - set(plain["legit_accounts"])
    assert not lookalikes & set(truth["mule_accounts"])
    assert 10 <= len(lookalikes) <= 0.3 * len(truth["mule_accounts"])
    rows = con.execute(
        """SELECT a, sum(i), sum(o) FROM (
               SELECT to_account AS a, inr AS i, 0 AS o FROM t UNION ALL
               SELECT from_account, 0, inr FROM t) WHERE a IN ? GROUP BY a""",
        [sorted(lookalikes)],
    ).fetchall()
    assert len(rows) == len(lookalikes)
    assert all(0.8 * float(i) <= float(o) <= float(i) for _, i, o in rows)
