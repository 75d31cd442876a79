"""The same robocall detection on Apache Spark (``tracebridge cdr analyze --engine spark``).

Spark SQL runs the grouping and scoring of ``analytics`` (the same features, rules and campaign
ids, with the few function names that differ swapped); the flagged groups, the calls in them
(a small share of the input) and the carriers come back as Arrow and go through the same
merge into campaigns and the same writer as the DuckDB engine, so both engines write identical
CSV files and the same call labels (in no particular row order). Needs Java (OpenJDK 17) and
the ``spark`` extra (pyspark).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tracebridge import duck
from tracebridge.telecom import analytics
from tracebridge.telecom.analytics import AnalysisSummary, AnalyticsError, Params

_SPARK_TYPES = {"VARCHAR": "string", "TIMESTAMPTZ": "timestamp", "INTEGER": "int"}
_SPARK_TYPES |= {"BOOLEAN": "boolean"}


def java_available() -> bool:
    return shutil.which("java") is not None


def session() -> Any:
    """A local Spark session (both cores), UTC, quiet."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("tracebridge-cdr")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def stop(spark: Any) -> None:
    """Stop the session and the JVM, closing py4j's sockets (a later session starts anew)."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    spark.stop()
    if gateway is not None:
        gateway.shutdown()
        SparkContext._gateway = None
        SparkContext._jvm = None


def _spark_sql(sql: str) -> str:
    return sql.replace("//", " div ")


def _load(spark: Any, files: Sequence[Path]) -> Any:
    """One DataFrame with every DESIGN.md column, typed as the DuckDB engine reads them."""
    frames = []
    for path in files:
        if path.suffix.lower() == ".csv":
            frame = spark.read.option("header", "true").csv(str(path))
        else:
            frame = spark.read.option("mergeSchema", "true").parquet(str(path))
        present = set(frame.columns)
        cols = [
            f"CAST(`{name}` AS {_SPARK_TYPES[kind]}) AS {name}"
            if name in present
            else f"CAST(NULL AS {_SPARK_TYPES[kind]}) AS {name}"
            for name, kind in analytics.COLUMNS.items()
        ]
        frames.append(frame.selectExpr(*cols))
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out


def _prepare(spark: Any) -> None:
    """Views ``carriers``, ``records`` (one row per usable record, numbers parsed, route bits)
    and ``calls`` (folded per call by the same SQL as the DuckDB engine)."""
    cli = analytics.number_sql("calling_number", analytics.SPARK)
    callee = analytics.number_sql("called_number", analytics.SPARK)
    cli_ok, callee_ok = analytics.number_in_range("cli"), analytics.number_in_range("callee")
    names = f"({analytics.CARRIER_NAMES})"
    spark.sql(analytics.carriers_sql(names, analytics.SPARK)).cache().createOrReplaceTempView(
        "carriers"
    )
    obit, ebit = analytics.record_bits("co", "ct")
    spark.sql(f"""
        SELECT call_id, rep, ts, day, dur, ans, {cli_ok} AS cli, {callee_ok} AS callee, att, oid,
               obit, ebit, CAST(oid IS NOT NULL AS INT) AS signed
        FROM (SELECT call_id, coalesce(reporting_carrier, '') AS rep,
                     CAST(unix_timestamp(start_time) AS BIGINT) AS ts,
                     CAST(unix_timestamp(start_time) AS BIGINT) div 86400 AS day,
                     coalesce(duration_s, 0) AS dur,
                     coalesce(answered, duration_s > 0, false) AS ans,
                     {cli} AS cli, {callee} AS callee,
                     {analytics.attestation_code("attestation")} AS att,
                     nullif(trim(origid), '') AS oid, {obit} AS obit, {ebit} AS ebit
              FROM cdr_raw r
              LEFT JOIN carriers co ON co.name = r.orig_carrier
              LEFT JOIN carriers ct ON ct.name = r.term_carrier
              WHERE start_time IS NOT NULL AND call_id IS NOT NULL)
    """).createOrReplaceTempView("records")  # noqa: S608
    fold = analytics.fold_sql(
        "SELECT * FROM records", dense=False, day=analytics.ORIGIN_DAY, dialect=analytics.SPARK
    )
    spark.sql(_spark_sql(fold)).cache().createOrReplaceTempView("calls")


def _score(spark: Any, p: Params) -> None:
    """Views ``features`` and ``flagged_groups`` (the DuckDB engine's columns; route groups'
    keys are named later, from ``carriers``)."""
    spark.sql(analytics.candidates_sql(p)).createOrReplaceTempView("candidates")
    spark.sql(_spark_sql(analytics.route_candidates(p))).createOrReplaceTempView("route_candidates")
    spark.sql(_spark_sql(analytics.exchange_candidates(p))).createOrReplaceTempView(
        "exchange_candidates"
    )
    spark.sql(_spark_sql(analytics.features_sql(p))).createOrReplaceTempView("features")
    score, reasons = analytics.score_sql(p), analytics.reasons_sql(p)
    key = (
        "CASE key_kind WHEN 'origin' THEN oid || '@' || "
        "date_format(to_timestamp(day * 86400), 'yyyy-MM-dd') "
        "WHEN 'caller' THEN '+' || CAST(cli AS STRING) "
        "WHEN 'exchange' THEN '+' || CAST(exchange AS STRING) || 'xxxx, ' || "
        "date_format(to_timestamp(day * 86400), 'yyyy-MM-dd') END"
    )
    spark.sql(f"""
        SELECT key_kind, oid, day, cli, path, hour, exchange, uniq, calls, oid AS origin,
               {key} AS key,
               {score} AS score, {analytics.PATTERN} AS pattern,
               array_join(filter(array({reasons}), r -> r IS NOT NULL), '; ') AS reasons
        FROM features
    """).createOrReplaceTempView("scored")  # noqa: S608
    spark.sql(f"""
        SELECT CAST(row_number() OVER (ORDER BY key_kind, oid, day, cli, path, hour, exchange)
                   AS INT) AS gid, *
        FROM scored WHERE score >= {p.threshold} AND pattern
    """).cache().createOrReplaceTempView("flagged_groups")  # noqa: S608


def _summary(spark: Any, summary: AnalysisSummary) -> None:
    bad = analytics.bad_caller_sql("cli", analytics.SPARK)
    row = spark.sql(
        _spark_sql(f"""
        SELECT (SELECT count(*) FROM cdr_raw), count(DISTINCT call_id), count(*),
               count_if({bad}), count_if(att IS NULL),
               count_if(oid IS NULL)
        FROM records""")  # noqa: S608
    ).collect()[0]
    summary.rows, summary.calls = int(row[0]), int(row[1])
    summary.hop_records, summary.unusable_rows = (
        int(row[2]) - int(row[1]),
        int(row[0]) - int(row[2]),
    )
    summary.invalid_caller_ids, summary.missing_attestation = int(row[3]), int(row[4])
    summary.null_origid = int(row[5])


def _run(spark: Any, paths: list[Path], p: Params, summary: AnalysisSummary) -> dict[str, Any]:
    """The flagged groups, the calls in them and the carriers, as Arrow tables."""
    _load(spark, paths).createOrReplaceTempView("cdr_raw")
    _prepare(spark)
    _summary(spark, summary)
    _score(spark, p)
    tables = {
        "members": spark.sql(_spark_sql(analytics.members_sql(p))).toArrow(),
        "flagged_groups": spark.sql(
            "SELECT gid, key_kind, key, origin, oid, path, hour, uniq, calls, score, reasons "
            "FROM flagged_groups"
        ).toArrow(),
        "carriers": spark.sql("SELECT * FROM carriers").toArrow(),
    }
    spark.catalog.clearCache()
    return tables


def analyze_in_subprocess(
    files: Sequence[Path], out_dir: Path, params: Params | None = None
) -> AnalysisSummary:
    """``analyze`` in a child Python process (what ``cdr analyze --engine spark`` runs)."""
    import json
    import subprocess
    import sys

    p = params or Params()
    argv = [sys.executable, "-m", "tracebridge.telecom.spark", *map(str, files), "--out"]
    argv += [str(out_dir), "--min-calls", str(p.min_calls), "--threshold", str(p.threshold)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines else {"error": done.stderr.strip()[-500:]}
    if "error" in result:
        raise AnalyticsError(str(result["error"]))
    return AnalysisSummary(**result)


def analyze(
    files: Sequence[Path], out_dir: Path, params: Params | None = None, spark: Any = None
) -> AnalysisSummary:
    """Detect campaigns with Spark; writes the same files as ``analytics.analyze``."""
    if not java_available():
        raise AnalyticsError("the Spark engine needs Java: apt-get install openjdk-17-jre-headless")
    started = time.perf_counter()
    p = params or Params()
    summary = AnalysisSummary()
    paths = [Path(f) for f in files]
    analytics.open_source(duck.connect(), paths, summary)  # same checks, same errors
    own = spark is None
    spark = spark or session()
    try:
        tables = _run(spark, paths, p, summary)
    finally:
        if own:
            stop(spark)
    con = duck.connect()
    for name, table in tables.items():
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")  # noqa: S608
    analytics.merge(con)
    analytics.write_outputs(con, out_dir, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tracebridge.telecom.spark FILE... --out DIR``: prints the summary as JSON.

    Running Spark in its own process keeps the JVM and py4j's sockets out of the caller's.
    """
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m tracebridge.telecom.spark")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--min-calls", type=int, default=Params.min_calls)
    parser.add_argument("--threshold", type=int, default=Params.threshold)
    args = parser.parse_args(argv)
    params = Params(min_calls=args.min_calls, threshold=args.threshold)
    try:
        summary = analyze(args.files, args.out, params)
    except AnalyticsError as exc:
        print(json.dumps({"error": str(exc)}))
        return 2
    print(json.dumps(summary.__dict__))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
