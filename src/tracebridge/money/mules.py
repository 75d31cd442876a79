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

LEVELS = ((80, "very_high"), (60, "high"), (40, "medium"))
PASS_HOURS = 48.0  # mean time between money in and money out for a pass-through account
FED_SHARE = 0.5  # share of the inflow from flagged accounts that makes a collector
TRACE_HOURS = 48.0  # a flagged account's payment within this of its own dirty credit is traced
TRACED_SHARE = 0.8  # share of what flagged accounts paid that must be traced money
SEVERAL_PAYERS = 3  # flagged payers that make a collection point without pass-through or cash-out
MAX_ROUNDS = 4  # layers followed from the victims' first hop

# Only accounts that matter are aggregated: one scan finds the accounts victims paid, and each
# round copies the rows touching the new candidates into ``sub`` (a filtered scan of integers)
# and computes their features there. Aggregating every account of the store would cost several
# full hash aggregations over all rows; this costs a few filtered scans.
_VICTIMS = """
CREATE TEMP TABLE vic AS
SELECT x.to_id AS id, count(DISTINCT x.complaint_ref) AS victims,
       count(DISTINCT nullif(a.country, '')) AS countries
FROM txns x JOIN accounts a ON a.id = x.from_id
WHERE x.complaint_ref IS NOT NULL AND x.to_id IS NOT NULL
GROUP BY x.to_id
"""

_SUB = """
CREATE TEMP TABLE sub (layer INTEGER, from_id INTEGER, to_id INTEGER, ts DOUBLE, inr DOUBLE,
                       cash BOOLEAN, victim BOOLEAN)
"""

# Every row touching a candidate, tagged with the round: a row between two candidates of
# different rounds is copied twice, but each round's features read only its own rows.
_GROW = """
INSERT INTO sub
SELECT {layer}, from_id, to_id, ts, inr, cash, complaint_ref IS NOT NULL
FROM txns
WHERE to_id IN (SELECT id FROM cand) OR from_id IN (SELECT id FROM cand)
"""

# Before copying a next layer's candidates: their whole inflow, and whether they pay anyone.
# A merchant a mule paid once has a huge inflow of which the mule's part is a sliver; an
# exchange deposit address never pays on. Neither is worth copying.
_PRUNE = """
SELECT id, sum(cin) AS in_inr, sum(nout) AS n_out FROM (
    SELECT to_id AS id, inr AS cin, 0 AS nout
    FROM txns WHERE to_id IN (SELECT id FROM cand)
    UNION ALL
    SELECT from_id, 0.0, 1 FROM txns WHERE from_id IN (SELECT id FROM cand)
) GROUP BY id
"""

_FEATURES = """
WITH cr AS (
    SELECT to_id AS id, count(*) AS n_in, sum(inr) AS in_inr, sum(inr * ts) / sum(inr) AS t_in,
           count(DISTINCT from_id) AS senders, min(ts) AS first_in, max(ts) AS last_in
    FROM sub WHERE layer = {layer} AND to_id IN (SELECT id FROM cand) GROUP BY to_id
), de AS (
    SELECT from_id AS id, count(*) AS n_out, sum(inr) AS out_inr,
           sum(inr * ts) / sum(inr) AS t_out, count(DISTINCT to_id) AS receivers,
           sum(CASE WHEN cash THEN inr ELSE 0 END) AS cash_inr, min(ts) AS first_out,
           max(ts) AS last_out
    FROM sub WHERE layer = {layer} AND from_id IN (SELECT id FROM cand) GROUP BY from_id
)
SELECT c.id, coalesce(n_in, 0) AS n_in, coalesce(in_inr, 0) AS in_inr,
       coalesce(n_out, 0) AS n_out, coalesce(out_inr, 0) AS out_inr,
       coalesce(cash_inr, 0) AS cash_inr, coalesce(vic.victims, 0) AS victims,
       coalesce(vic.countries, 0) AS countries,
       coalesce(senders, 0) AS senders, coalesce(receivers, 0) AS receivers,
       (t_out - t_in) / 3600.0 AS dwell_h,
       least(first_in, first_out)::BIGINT AS first_ts,
       greatest(last_in, last_out)::BIGINT AS last_ts
FROM cand c LEFT JOIN cr ON cr.id = c.id LEFT JOIN de ON de.id = c.id
LEFT JOIN vic ON vic.id = c.id
"""

# Edges from flagged accounts to accounts not yet scored: each was copied once, in the round
# of the flagged account that paid it. An edge is traced when its payer had received at least
# as much from victims, or from scored accounts, in the TRACE_HOURS before it: the money moves
# on down the layers. A mule's rent, bills or family transfers fall there only by chance.
_FED = """
WITH dirty AS (
    SELECT DISTINCT from_id, to_id, ts, inr FROM sub
    WHERE to_id IN (SELECT id FROM flagged) AND (victim OR from_id IN (SELECT id FROM scored))
), edges AS (
    SELECT e.to_id, e.from_id, e.inr, coalesce((
        SELECT sum(c.inr) FROM dirty c
        WHERE c.to_id = e.from_id AND c.ts BETWEEN e.ts - {window} AND e.ts
    ), 0) AS cover
    FROM sub e
    WHERE e.to_id IS NOT NULL AND e.from_id IN (SELECT id FROM flagged)
      AND e.to_id NOT IN (SELECT id FROM seen)
)
SELECT to_id AS id, count(DISTINCT from_id) AS mules, sum(inr) AS fed_inr,
       sum(CASE WHEN cover >= inr THEN inr ELSE 0 END) AS traced_inr
FROM edges GROUP BY to_id
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
    con: duckdb.DuckDBPyConnection, progress: Callable[[str], None] | None = None
) -> list[Score]:
    """Score the accounts of ``con``'s ``txns``; returns those at Medium or above.

    Layer 1 is every account a victim who complained paid; each next layer is the accounts
    the flagged ones pay, until a round flags nobody new.
    """
    step = progress or (lambda _: None)
    step("victims")
    con.execute(_VICTIMS)
    con.execute(_SUB)
    candidates = {int(i) for (i,) in con.execute("SELECT id FROM vic").fetchall()}
    fed: dict[int, Fed] = {}
    scores: dict[int, Score] = {}
    seen: set[int] = set()
    for layer in range(1, MAX_ROUNDS + 2):
        if layer > 1:
            candidates = _prune(con, candidates, fed)
        if not candidates:
            break
        step(f"layer {layer}")
        new = _round(con, layer, candidates, fed)
        scores.update(new)
        seen |= candidates
        _register(con, "flagged", set(new))
        _register(con, "scored", set(scores))
        _register(con, "seen", seen)
        fed = {
            int(i): Fed(int(m), float(v), float(t))
            for i, m, v, t in con.execute(_FED.format(window=TRACE_HOURS * 3600)).fetchall()
        }
        candidates = set(fed)
    found = [s for s in scores.values() if s.score >= 40]
    _name(con, found)
    return sorted(found, key=lambda s: (-s.score, s.key))


@dataclass(frozen=True)
class Fed:
    """What flagged accounts paid an account not yet scored: payers, money, traced money."""

    mules: int = 0
    inr: float = 0.0
    traced_inr: float = 0.0

    def traced(self) -> bool:
        """Most of it moved on from a victim or a flagged account within TRACE_HOURS."""
        return self.inr > 0 and self.traced_inr >= TRACED_SHARE * self.inr


def _prune(con: duckdb.DuckDBPyConnection, candidates: set[int], fed: dict[int, Fed]) -> set[int]:
    """Keep the next layer's candidates that pay money on and were fed mainly by flagged
    accounts or with money traced from victims (the rest of its inflow may be a life)."""
    _register(con, "cand", candidates)
    kept = set()
    for ident, in_inr, n_out in con.execute(_PRUNE).fetchall():
        got = fed[int(ident)]
        if n_out and in_inr and (got.inr >= FED_SHARE * float(in_inr) or got.traced()):
            kept.add(int(ident))
    return kept


def _round(
    con: duckdb.DuckDBPyConnection,
    layer: int,
    candidates: set[int],
    fed: dict[int, Fed],
) -> dict[int, Score]:
    """Copy the candidates' rows into ``sub``, compute their features, score them."""
    _register(con, "cand", candidates)
    con.execute(_GROW.format(layer=layer))
    found = {}
    for row in _rows(con, _FEATURES.format(layer=layer)):
        ident = int(row["id"])
        if int(row["victims"]) > 0:
            score: Score | None = _direct(row, int(row["countries"]))
        else:
            score = _layered(row, fed.get(ident, Fed()))
        if score is not None and score.score >= 40:
            found[ident] = score
    return found


def _register(con: duckdb.DuckDBPyConnection, name: str, ids: set[int]) -> None:
    con.register(name, pa.table({"id": pa.array(sorted(ids), pa.int32())}))


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = con.sql(query).to_arrow_table().to_pylist()
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


def _behaviour(row: Mapping[str, Any], reasons: list[str], dirty: float | None = None) -> int:
    """Points for how money moves through the account (shared by every layer). ``dirty``:
    the traced money of a layered account, which cashing out is judged against (else all
    that left)."""
    points = 0
    if _passes_through(row):
        points += 20
        share = float(row["out_inr"]) / float(row["in_inr"])
        reasons.append(_pass_through(share, float(row["dwell_h"])))
    if _cashes_out(row, dirty):
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


def _cashes_out(row: Mapping[str, Any], dirty: float | None = None) -> bool:
    """At least half of what left (or of the traced money, if less) went to cash or crypto."""
    out_inr = float(row["out_inr"] or 0)
    basis = out_inr if dirty is None else min(out_inr, dirty)
    return basis > 0 and float(row["cash_inr"] or 0) >= 0.5 * basis


def _passes_through(row: Mapping[str, Any]) -> bool:
    """Most of the money in leaves again, in and out within PASS_HOURS of each other on
    average either way round (paid out weeks before the credits arrive is an account with
    other money, not a pass-through)."""
    in_inr, out_inr, dwell = float(row["in_inr"] or 0), float(row["out_inr"] or 0), row["dwell_h"]
    return in_inr > 0 and out_inr >= 0.8 * in_inr and dwell is not None and abs(dwell) <= PASS_HOURS


def _pass_through(share: float, dwell_h: float) -> str:
    """Why pass-through scored, in words a bank reads.

    ``dwell_h`` is the amount-weighted mean time of debits minus that of credits: negative
    when the account pays out, on average, before the credits arrive (it is pre-funded and
    refilled by them), which "out within -8 h" used to print.
    """
    if dwell_h < 0:
        return (
            f"passes money through: {share:.0%} out again, paid out on average "
            f"{-dwell_h:.0f} h before the credits arrive (pre-funded)"
        )
    return f"passes money through: {share:.0%} out within {dwell_h:.0f} h on average"


def _merchant_like(row: Mapping[str, Any]) -> bool:
    n_in, victims = int(row["n_in"] or 0), int(row["victims"] or 0)
    in_inr, out_inr = float(row["in_inr"] or 0), float(row["out_inr"] or 0)
    return n_in >= 50 and victims <= 0.02 * n_in and out_inr < 0.5 * in_inr


def _layered(row: Mapping[str, Any], fed: Fed) -> Score | None:
    """An account with no victim, scored on the money flagged accounts moved on into it.

    Only traced money counts (paid on within TRACE_HOURS of the payer's own victim or mule
    credits): what a mule with an ordinary life pays its landlord, shops or family is not.
    Its share of the inflow is not required, since an ordinary life beside it dilutes it;
    cashing out is then judged against the traced money.
    """
    in_inr = float(row["in_inr"] or 0)
    if not fed.traced() or int(row["n_out"] or 0) == 0:
        return None  # a mule's rent or family, a merchant, or a wallet the money rests in
    moves = _passes_through(row) or _cashes_out(row, fed.traced_inr)
    if fed.mules < SEVERAL_PAYERS and not moves:
        return None  # paid by a flagged account or two, and keeps the money: a landlord
    reasons = [
        f"{fed.inr / in_inr:.0%} of its money comes from {fed.mules} flagged account(s), "
        f"{fed.traced_inr / fed.inr:.0%} of that within {TRACE_HOURS:.0f} h of money they "
        "received from victims or other mules"
    ]
    points = 30 + min(20, 5 * fed.mules) + _behaviour(row, reasons, fed.traced_inr)
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
