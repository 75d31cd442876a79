"""Attribution: flagged groups become campaigns, and each call of a flagged group is labelled
with one campaign.

A campaign is not one group: a robodialer shows up as origin groups on several days (one
origid), as caller groups (its own numbers), as route groups (its calls without origid, by
route and hour) and as exchange groups (the same calls by the exchange dialled and the day).
Flagged groups are joined into one campaign when they share an origid (origin groups, or at
least LINK_CALLS signed calls of one origid in each), when at least LINK_CALLS calls lie in
both (a number's calls signed with the origid; calls without origid from the number; signed
calls on the same route in the same hour or into the same exchange on the same day; calls
without origid in a route and an exchange group), or when they are route groups of one route
in consecutive hours (one burst). The joining is a union-find over the flagged groups (a few
thousand, not calls), shared by both engines (see ``merge``). Each call is labelled with the
campaign of its origin group first, then its caller group, then (calls without origid) its
route group, then its exchange group."""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa

from tracebridge.telecom.analytics.core import Params
from tracebridge.telecom.analytics.keys import keys_of
from tracebridge.telecom.analytics.routes import CALL_DAY, EXCHANGE, HOUR, ROUTE, route_key_sql
from tracebridge.telecom.numbers import NANP

LINK_CALLS = 3  # calls two flagged groups must have in common to be one campaign


def attribute(con: duckdb.DuckDBPyConnection, p: Params) -> None:
    """Tables ``flagged_groups`` and ``members`` from ``groups`` and ``calls``, then
    ``merge``: table ``flagged`` (the campaigns) and view ``labels``."""
    # The origin key shows the origid itself: look it up for the flagged groups only.
    names = keys_of(con).names("SELECT oid FROM f WHERE key_kind = 'origin'")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE flagged_groups AS
        WITH f AS (SELECT * EXCLUDE (pattern) FROM groups
                   WHERE score >= {p.threshold} AND pattern),
        names AS ({names})
        SELECT CAST(row_number() OVER (ORDER BY key_kind, oid, day, cli, path, hour, exchange)
                    AS INTEGER) AS gid,
               f.*, names.origid AS origin,
               CASE key_kind
                   WHEN 'origin' THEN names.origid || '@'
                        || strftime(to_timestamp(day * 86400), '%Y-%m-%d')
                   WHEN 'caller' THEN '+' || CAST(cli AS VARCHAR)
                   WHEN 'exchange' THEN {EXCHANGE_KEY} END AS key
        FROM f LEFT JOIN names USING (oid)""")  # noqa: S608
    con.execute(f"CREATE OR REPLACE TEMP TABLE members AS {members_sql(p)}")
    merge(con)


# An exchange group's key: the exchange as a number with its last four digits open, and the day
# ('+1646555xxxx, 2025-06-15'). Both engines.
EXCHANGE_KEY = (
    "'+' || CAST(exchange AS VARCHAR) || 'xxxx, ' "
    "|| strftime(to_timestamp(day * 86400), '%Y-%m-%d')"
)


# A route or exchange group holds every call without origid on its route in its hour (in its
# exchange on its day): a conversation there (answered, at least this long) is ordinary traffic beside the burst, not labelled
# (nor, as routes.ROUTED says, a call showing a foreign caller ID).
CONVERSATION_S = 60
# One scan of the per-call rows, four hash probes (pure equi-joins: a non-equality condition
# turns a LEFT JOIN into a nested loop in DuckDB). A signed call's route or exchange group is a
# link only. Calls too few for a group of their own follow a flagged group they share a burst
# with (``lg``, ``lo``; see members_sql). Both engines: over ``calls``, ``candidates`` and
# ``flagged_groups``.
_MEMBERS = f"""
    m AS (
        SELECT c.call_id, fo.gid AS og, fc.gid AS cg,
               CASE WHEN c.ordinary THEN NULL ELSE fr.gid END AS rg,
               CASE WHEN c.ordinary THEN NULL ELSE fx.gid END AS xg, c.signed, c.reps, c.ts0,
               c.dur_max, c.ans_any, c.callee, c.cli, c.att, c.n, c.oid, c.day, c.exchange,
               c.xday, c.ordinary, c.answered, c.dur_sum
        FROM (SELECT *, {ROUTE} AS path, {HOUR} AS hour, {EXCHANGE} AS exchange,
                     {CALL_DAY} AS xday,
                     (ans_any AND dur_max >= {CONVERSATION_S})
                     OR coalesce(cli // {NANP}, 1) <> 1 AS ordinary
              FROM calls) c
        LEFT JOIN (SELECT oid, day, gid FROM flagged_groups WHERE key_kind = 'origin') fo
          ON fo.oid = c.oid AND fo.day = c.day
        LEFT JOIN (SELECT cli, gid FROM flagged_groups WHERE key_kind = 'caller') fc
          ON fc.cli = c.cli
        LEFT JOIN (SELECT path, hour, gid FROM flagged_groups WHERE key_kind = 'route') fr
          ON fr.path = c.path AND fr.hour = c.hour
        LEFT JOIN (SELECT exchange, day, gid FROM flagged_groups WHERE key_kind = 'exchange') fx
          ON fx.exchange = c.exchange AND fx.day = c.xday)"""  # noqa: S608


def members_sql(p: Params) -> str:
    """Table ``members``: one row per call of a flagged group (og, cg, rg, xg: its groups),
    and the calls that follow one:

    - ``lg``: calls without origid (not ordinary, in no route or exchange group) into an
      exchange on a day when at least LINK_CALLS calls of one flagged origin or caller group
      went into it, and whose calls without origid there have poor completion or short calls:
      the burst's unsigned calls, too few for an exchange group of their own (the flagged calls
      are joined to the poor exchange-days before they are grouped by exchange, day and
      group: 12M calls into 5.6M groups at 100M calls, 242k rows after the join);
    - ``lo``: the calls of an origin-day that passed the gate (``candidates``) but holds too
      few calls for a group, when at least LINK_CALLS of them lie in one flagged route or
      exchange group: the burst's few signed calls.
    """
    poor = f"sum(answered) / sum(n) < {p.low_answer} OR sum(dur_sum) / sum(n) < {p.short_avg_s}"
    return f"""
    WITH {_MEMBERS},
    poor AS (SELECT exchange, xday FROM m WHERE signed = 0
             GROUP BY exchange, xday HAVING {poor}),
    lx AS (SELECT exchange, xday, min(g) AS lg FROM (
               SELECT exchange, xday, coalesce(og, cg) AS g
               FROM m JOIN poor USING (exchange, xday)
               WHERE coalesce(og, cg) IS NOT NULL AND callee // {NANP} = 1
               GROUP BY exchange, xday, coalesce(og, cg) HAVING count(*) >= {LINK_CALLS}) a
           GROUP BY exchange, xday),
    lod AS (SELECT oid, day, min(g) AS lo FROM (
                SELECT oid, day, coalesce(xg, rg) AS g FROM m
                WHERE oid IS NOT NULL AND og IS NULL AND cg IS NULL
                  AND coalesce(xg, rg) IS NOT NULL
                GROUP BY oid, day, coalesce(xg, rg) HAVING count(*) >= {LINK_CALLS}) a
            JOIN (SELECT DISTINCT oid, day FROM candidates WHERE key_kind = 'origin') b
              USING (oid, day)
            GROUP BY oid, day)
    SELECT * FROM (
        SELECT m.call_id, m.og, m.cg, m.rg, m.xg,
               CASE WHEN m.signed = 0 AND NOT m.ordinary THEN lx.lg END AS lg,
               CASE WHEN m.og IS NULL AND m.cg IS NULL AND NOT m.ordinary THEN lod.lo END AS lo,
               m.signed, m.reps, m.ts0, m.dur_max, m.ans_any, m.callee, m.cli, m.att, m.n, m.oid
        FROM m LEFT JOIN lx ON lx.exchange = m.exchange AND lx.xday = m.xday
        LEFT JOIN lod ON lod.oid = m.oid AND lod.day = m.day)
    WHERE og IS NOT NULL OR cg IS NOT NULL OR lo IS NOT NULL
       OR ((rg IS NOT NULL OR xg IS NOT NULL) AND (signed = 0 OR oid IS NOT NULL))
       OR (lg IS NOT NULL AND signed = 0)"""  # noqa: S608


EDGES_SQL = f"""
    SELECT a, b FROM (
        SELECT og AS a, cg AS b FROM members WHERE og IS NOT NULL AND cg IS NOT NULL
        UNION ALL SELECT og, rg FROM members WHERE og IS NOT NULL AND rg IS NOT NULL
        UNION ALL SELECT cg, rg FROM members WHERE cg IS NOT NULL AND rg IS NOT NULL
        UNION ALL SELECT og, xg FROM members WHERE og IS NOT NULL AND xg IS NOT NULL
        UNION ALL SELECT cg, xg FROM members WHERE cg IS NOT NULL AND xg IS NOT NULL
        UNION ALL SELECT rg, xg FROM members WHERE rg IS NOT NULL AND xg IS NOT NULL)
    GROUP BY a, b HAVING count(*) >= {LINK_CALLS}
    UNION ALL
    SELECT gid, min(gid) OVER (PARTITION BY origin) FROM flagged_groups
    WHERE key_kind = 'origin'
    UNION ALL
    SELECT g, min(g) OVER (PARTITION BY oid) FROM (
        SELECT oid, g FROM (SELECT oid, rg AS g FROM members WHERE oid IS NOT NULL
                            UNION ALL SELECT oid, xg FROM members WHERE oid IS NOT NULL)
        WHERE g IS NOT NULL GROUP BY oid, g HAVING count(*) >= {LINK_CALLS}
        UNION ALL SELECT oid, gid FROM flagged_groups WHERE key_kind = 'origin')
    UNION ALL
    SELECT a.gid, b.gid FROM flagged_groups a JOIN flagged_groups b
      ON a.path = b.path AND b.hour = a.hour + 1
    WHERE a.key_kind = 'route' AND b.key_kind = 'route'"""  # noqa: S608


def merge(con: duckdb.DuckDBPyConnection) -> None:
    """From ``flagged_groups`` (gid, key_kind, key, origin, oid, path, hour, uniq, calls, score,
    reasons; route keys are filled here from ``carriers``), ``members`` (one row per call of a
    flagged group: og, cg, rg, signed and the label columns) and ``carriers``: table
    ``flagged`` (one row per campaign, with its ``cix``) and view ``labels``."""
    gids = [int(g) for (g,) in con.execute("SELECT gid FROM flagged_groups").fetchall()]
    edges = [(int(a), int(b)) for a, b in con.execute(EDGES_SQL).fetchall()]
    roots = components(gids, edges)
    con.register("group_roots", pa.table({"gid": pa.array(gids, pa.int32()), "comp": roots}))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE grouped AS
        SELECT f.*, coalesce(f.key, r.key) AS gkey, g.comp
        FROM flagged_groups f JOIN group_roots g USING (gid)
        LEFT JOIN ({route_key_sql()}) r USING (gid)""")  # noqa: S608
    con.unregister("group_roots")
    con.execute(CAMPAIGNS_SQL)
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW labels AS
        SELECT m.call_id, m.reps, x.cix, m.ts0, m.dur_max, m.ans_any, m.callee, m.cli, m.att,
               m.n, m.og IS NULL AND m.cg IS NULL AND (m.signed = 1 OR m.rg IS NULL)
                    AND (m.signed = 1 OR m.xg IS NULL) AS follower, m.signed
        FROM members m JOIN (SELECT gid, cix FROM grouped JOIN flagged USING (comp)) x
          ON x.gid = {LABEL_GROUP}""")  # noqa: S608
    con.execute(FOLLOWERS_SQL)


# The group whose campaign a member call takes (see members_sql).
LABEL_GROUP = (
    "coalesce(m.og, m.cg, CASE WHEN m.signed = 0 THEN coalesce(m.rg, m.xg, m.lg) END, m.lo)"
)
# A campaign's reasons say how many of its calls follow it without a group of their own.
FOLLOWERS_SQL = """
    UPDATE flagged SET reasons = flagged.reasons || printf(
        '; %d calls too few for a group of their own follow its bursts: %d without origid '
        || 'into its exchanges on their days, %d of origin-days with 3+ calls in its groups',
        f.unsigned + f.signed, f.unsigned, f.signed)
    FROM (SELECT cix, count(*) FILTER (signed = 0) AS unsigned,
                 count(*) FILTER (signed = 1) AS signed
          FROM labels WHERE follower GROUP BY cix) f
    WHERE flagged.cix = f.cix"""


# One campaign per component, named by its largest group; its score is the highest of its
# groups, its reasons those of the largest group and, when it joins several, what joined them.
# Campaigns are numbered within one analysis: per-call rows carry the small number, not the
# campaign id (a 15-character string costs more to group and to store), until the files.
CAMPAIGN_INDEX = "CAST(row_number() OVER (ORDER BY campaign_id) AS INTEGER) AS cix"
CAMPAIGNS_SQL = f"""
    CREATE OR REPLACE TEMP TABLE flagged AS
    SELECT *, {CAMPAIGN_INDEX} FROM (
        SELECT r.comp, r.key_kind, r.gkey AS key,
               'RC-' || substr(md5(r.key_kind || ':' || r.gkey), 1, 12) AS campaign_id,
               CASE WHEN s.groups = 1 AND r.key_kind = 'origin' THEN r.uniq END AS uniq,
               s.score,
               r.reasons || CASE WHEN s.groups > 1 THEN printf(
                   '; one campaign of %d groups sharing an origid, calls, or route and hour: '
                   || '%d origin-days, %d caller numbers, %d route-hours, %d exchange-days',
                   s.groups, s.origins, s.callers, s.routes, s.exchanges) ELSE '' END AS reasons
        FROM (SELECT *, row_number() OVER (PARTITION BY comp
                                           ORDER BY calls DESC, key_kind, gkey) AS rank
              FROM grouped) r
        JOIN (SELECT comp, count(*) AS groups, max(score) AS score,
                     count(*) FILTER (key_kind = 'origin') AS origins,
                     count(*) FILTER (key_kind = 'caller') AS callers,
                     count(*) FILTER (key_kind = 'route') AS routes,
                     count(*) FILTER (key_kind = 'exchange') AS exchanges
              FROM grouped GROUP BY comp) s USING (comp)
        WHERE r.rank = 1)"""  # noqa: S608


def components(nodes: list[int], edges: list[tuple[int, int]]) -> list[int]:
    """The smallest node of each node's connected component (union-find), in node order."""
    parent = {n: n for n in nodes}

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(n) for n in nodes]


def campaign_id_for(key_kind: str, key: str) -> str:
    """The id analysis gives a group, computed the same way in Python (for Spark and tests)."""
    return "RC-" + hashlib.md5(f"{key_kind}:{key}".encode(), usedforsecurity=False).hexdigest()[:12]
