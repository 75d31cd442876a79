"""--engine spark gives the same campaigns as DuckDB on the same data (local Spark, small)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tracebridge.telecom import analytics, spark

from .conftest import world_rows, write_cdrs

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="Spark needs Java: apt-get install openjdk-17-jre-headless",
)


def test_spark_and_duckdb_write_the_same_files(tmp_path: Path) -> None:
    parquet = write_cdrs(tmp_path / "a.parquet", world_rows()[:120])
    csv = write_cdrs(tmp_path / "b.csv", world_rows()[120:])
    files = [parquet, csv]
    ours = analytics.analyze(files, tmp_path / "duckdb")
    theirs = spark.analyze_in_subprocess(files, tmp_path / "spark")
    for name in ("campaigns.csv", "campaign_numbers.csv", "campaign_samples.csv"):
        assert (tmp_path / "duckdb" / name).read_text() == (tmp_path / "spark" / name).read_text()
    differ = duckdb.execute(
        "SELECT count(*) FROM (SELECT * FROM read_parquet(?) EXCEPT SELECT * FROM read_parquet(?))",
        [
            str(tmp_path / "duckdb" / "call_labels.parquet"),
            str(tmp_path / "spark" / "call_labels.parquet"),
        ],
    ).fetchone()
    assert differ == (0,)
    assert (ours.rows, ours.calls, ours.campaigns, ours.labelled_calls) == (
        theirs.rows,
        theirs.calls,
        theirs.campaigns,
        theirs.labelled_calls,
    )
    assert (ours.invalid_caller_ids, ours.null_origid, ours.duplicate_call_ids) == (
        theirs.invalid_caller_ids,
        theirs.null_origid,
        theirs.duplicate_call_ids,
    )
    with pytest.raises(analytics.AnalyticsError, match="missing columns"):
        spark.analyze(
            [write_cdrs(tmp_path / "c.csv", world_rows(), drop=("call_id",))], tmp_path / "x"
        )


def test_main_reports_unusable_files_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert spark.main([str(tmp_path / "none.parquet"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file" in capsys.readouterr().out


def test_without_java_the_engine_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spark.shutil, "which", lambda name: None)
    with pytest.raises(analytics.AnalyticsError, match="openjdk-17-jre-headless"):
        spark.analyze([tmp_path / "x.parquet"], tmp_path / "o")
