"""Mule scoring over the whole store with DuckDB: who receives from victims and passes it on.

One aggregate scan computes each account's features (credits, debits, victims, senders, how fast
money leaves); a few small scans then follow money from flagged accounts one layer on, so that
collector accounts and consolidation wallets, which never see a victim, are found through the
mules that pay them. Signals and their weights:

- victims: credits tagged with distinct complaints (strongest), from several countries;
- pass-through: most of what arrives leaves again, within hours;
- cash-out: the money leaves by ATM or to a crypto exchange;
- fed by mules: most of the inflow comes from already flagged accounts;
- many first-time senders, fan-in and fan-out: weak alone (merchants have them too).

A merchant or utility (many senders, nearly no victims, money does not leave again) is kept out
by a guard. Scores run 0-100; levels are Medium (≥ 40), High (≥ 60) and Very High (≥ 80).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from tracebridge.money.accounts import account_form
from tracebridge.money.trace import RATES_INR

LEVELS = ((80, "very_high"), (60, "high"), (40, "medium"))
PASS_HOURS = 48.0  # mean time between money in and money out for a pass-through account
FED_SHARE = 0.5  # share of the inflow from flagged accounts that makes a collector
MAX_ROUNDS = 4  # layers followed from the victims' first hop

_FEATURES = """
CREATE TEMP TABLE feat AS
WITH t AS (
    SELECT x.from_id, x.to_id, epoch(x.time) AS ts, x.complaint_ref, x.channel, x.to_bank,
           x.amount * r.inr AS inr
    FROM txns x JOIN rates r ON r.currency = x.currency
), cr AS (
    SELECT to_id AS id, count(*) AS n_in, sum(inr) AS in_inr, sum(inr * ts) / sum(inr) AS t_in,
           count(DISTINCT complaint_ref) AS victims, approx_count_distinct(from_id) AS senders,
           min(ts) AS first_ts, max(ts) AS last_in
    FROM t WHERE to_id IS NOT NULL GROUP BY to_id
), de AS (
    SELECT from_id AS id, count(*) AS n_out, sum(inr) AS out_inr,
           sum(inr * ts) / sum(inr) AS t_out, approx_count_distinct(to_id) AS receivers,
           sum(CASE WHEN to_id IS NULL OR (channel = 'crypto' AND to_bank IS NOT NULL)
                    THEN inr ELSE 0 END) AS cash_inr,
           min(ts) AS first_out, max(ts) AS last_out
    FROM t GROUP BY from_id
)
SELECT coalesce(cr.id, de.id) AS id, coalesce(n_in, 0) AS n_in, coalesce(in_inr, 0) AS in_inr,
       coalesce(n_out, 0) AS n_out, coalesce(out_inr, 0) AS out_inr,
       coalesce(cash_inr, 0) AS cash_inr, coalesce(victims, 0) AS victims,
       coalesce(senders, 0) AS senders, coalesce(receivers, 0) AS receivers,
       (t_out - t_in) / 3600.0 AS dwell_h,
       least(first_ts, first_out) AS first_ts, greatest(last_in, last_out) AS last_ts
FROM cr FULL JOIN de ON cr.id = de.id
"""

_VICTIM_COUNTRIES = """
SELECT x.to_id AS id, count(DISTINCT a.country) AS countries
FROM txns x JOIN accounts a ON a.id = x.from_id
WHERE x.complaint_ref IS NOT NULL AND x.to_id IS NOT NULL AND a.country <> ''
GROUP BY x.to_id
"""

_FED = """
SELECT x.to_id AS id, count(DISTINCT x.from_id) AS mules, sum(x.amount * r.inr) AS fed_inr
FROM txns x JOIN rates r ON r.currency = x.currency
WHERE x.to_id IS NOT NULL AND x.from_id IN (SELECT id FROM flagged)
GROUP BY x.to_id
"""


@dataclass
class Score:
    id: int
    key: str
    score: int
    spelling: str = ""  # the account as the trail first wrote it
    reasons: list[str] = field(default_factory=list)
    victims: int = 0
    in_inr: float = 0.0
    out_inr: float = 0.0
    first_ts: int = 0
    last_ts: int = 0

    @property
    def account(self) -> str:
        return self.spelling or account_form(self.key)

    @property
    def level(self) -> str:
        return level_of(self.score)


def level_of(score: float) -> str:
    return next((name for floor, name in LEVELS if score >= floor), "")


def scan(
    con: duckdb.DuckDBPyConnection,
    rates: Mapping[str, float] = RATES_INR,
    progress: Callable[[str], None] | None = None,
) -> list[Score]:
    """Score every account in ``con``'s ``txns``; returns those at Medium or above."""
    step = progress or (lambda _: None)
    con.register("rates", pa.table({"currency": list(rates), "inr": list(rates.values())}))
    step("features")
    con.execute(_FEATURES)
    countries = dict(con.execute(_VICTIM_COUNTRIES).fetchall())
    step("victims")
    rows = _rows(con, "SELECT * FROM feat WHERE victims > 0")
    scores = {int(r["id"]): _direct(r, int(countries.get(r["id"], 0))) for r in rows}
    flagged = {i for i, s in scores.items() if s.score >= 40}
    for round_no in range(MAX_ROUNDS):
        step(f"layer {round_no + 2}")
        added = _feed(con, flagged, scores)
        if not added:
            break
        flagged |= added
    found = [s for s in scores.values() if s.score >= 40]
    _name(con, found)
    return sorted(found, key=lambda s: (-s.score, s.key))


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = con.execute(query).to_arrow_table().to_pylist()
    return rows


def _direct(row: Mapping[str, Any], countries: int) -> Score:
    victims = int(row["victims"])
    score = Score(id=int(row["id"]), key="", score=0, victims=victims)
    _fill(score, row)
    points = 40 if victims == 1 else 55 if victims == 2 else 70
    reasons = [f"receives from {victims} victim{'s' if victims > 1 else ''} who complained"]
    if countries > 1:
        points += 10
        reasons.append(f"victims in {countries} countries")
    points += _behaviour(row, reasons)
    if _merchant_like(row):
        points = min(points, 30)
        reasons.append("looks like a merchant or utility: kept below Medium")
    score.score, score.reasons = min(points, 100), reasons
    return score


def _behaviour(row: Mapping[str, Any], reasons: list[str]) -> int:
    """Points for how money moves through the account (shared by every layer)."""
    points = 0
    in_inr, out_inr = float(row["in_inr"] or 0), float(row["out_inr"] or 0)
    dwell = row["dwell_h"]
    if in_inr > 0 and out_inr >= 0.8 * in_inr and dwell is not None and dwell <= PASS_HOURS:
        points += 20
        reasons.append(f"passes money through: {out_inr / in_inr:.0%} out within {dwell:.0f} h")
    if out_inr > 0 and float(row["cash_inr"] or 0) >= 0.5 * out_inr:
        points += 10
        reasons.append("cashes out (ATM or crypto exchange)")
    senders, n_in = int(row["senders"] or 0), int(row["n_in"] or 0)
    if senders >= 5 and senders >= 0.9 * n_in:
        points += 5
        reasons.append(f"{senders} first-time senders")
    if senders >= 5 and int(row["receivers"] or 0) >= 5:
        points += 5
        reasons.append("fans in and out")
    return points


def _merchant_like(row: Mapping[str, Any]) -> bool:
    n_in, victims = int(row["n_in"] or 0), int(row["victims"] or 0)
    in_inr, out_inr = float(row["in_inr"] or 0), float(row["out_inr"] or 0)
    return n_in >= 50 and victims <= 0.02 * n_in and out_inr < 0.5 * in_inr


def _feed(con: duckdb.DuckDBPyConnection, flagged: set[int], scores: dict[int, Score]) -> set[int]:
    """Accounts fed mainly by flagged accounts that move the money on: the next layer."""
    con.register("flagged", pa.table({"id": pa.array(sorted(flagged), pa.int32())}))
    fed = {int(i): (int(m), float(v)) for i, m, v in con.execute(_FED).fetchall()}
    con.unregister("flagged")
    candidates = [i for i in fed if i not in flagged]
    if not candidates:
        return set()
    con.register("cand", pa.table({"id": pa.array(candidates, pa.int32())}))
    rows = _rows(con, "SELECT f.* FROM feat f JOIN cand USING (id)")
    con.unregister("cand")
    added = set()
    for row in rows:
        score = _layered(row, *fed[int(row["id"])])
        if score is not None:
            scores[score.id] = score
            added.add(score.id)
    return added


def _layered(row: Mapping[str, Any], mules: int, fed_inr: float) -> Score | None:
    in_inr = float(row["in_inr"] or 0)
    share = fed_inr / in_inr if in_inr else 0.0
    if share < FED_SHARE or int(row["n_out"] or 0) == 0:
        return None  # a merchant a mule paid once, or a wallet the money rests in
    reasons = [f"{share:.0%} of its money comes from {mules} flagged account(s)"]
    points = 30 + min(20, 5 * mules) + _behaviour(row, reasons)
    if points < 40:
        return None
    score = Score(id=int(row["id"]), key="", score=min(points, 100), reasons=reasons)
    _fill(score, row)
    return score


def _fill(score: Score, row: Mapping[str, Any]) -> None:
    score.in_inr = float(row["in_inr"] or 0)
    score.out_inr = float(row["out_inr"] or 0)
    score.first_ts = int(row["first_ts"] or 0)
    score.last_ts = int(row["last_ts"] or 0)


def _name(con: duckdb.DuckDBPyConnection, scores: list[Score]) -> None:
    if not scores:
        return
    con.register("named", pa.table({"id": pa.array([s.id for s in scores], pa.int32())}))
    names = {
        int(i): (str(k), str(sp or ""))
        for i, k, sp in con.execute(
            "SELECT a.id, a.key, a.spelling FROM accounts a JOIN named USING (id)"
        ).fetchall()
    }
    con.unregister("named")
    for s in scores:
        s.key, s.spelling = names.get(s.id, ("", ""))
