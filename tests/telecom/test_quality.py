"""Detection quality on a simulated world with ground truth, against the per-number rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracebridge.simulate import generate
from tracebridge.telecom import analytics


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(out, 4242, scale="small", calls=150_000, complaints=200, txns=500)
    return out


def test_precision_and_recall_beat_the_per_number_rule(world: Path, tmp_path: Path) -> None:
    con = analytics.connect()
    summary = analytics.analyze([world / "cdrs.parquet"], tmp_path, con=con)
    truth = world / "truth_calls.parquet"
    ours = analytics.evaluate(tmp_path / "call_labels.parquet", truth)
    baseline = analytics.evaluate(analytics.baseline_labels(con, analytics.Params()), truth)
    assert ours.robocalls > 10_000
    assert ours.precision >= 0.97, ours
    assert ours.recall >= 0.9, ours
    assert ours.precision > baseline.precision and ours.recall > baseline.recall, baseline
    assert summary.hop_records > 0  # traced calls repeat under the same call id


def test_legitimate_reminder_lines_stay_out(world: Path, tmp_path: Path) -> None:
    import duckdb

    analytics.analyze([world / "cdrs.parquet"], tmp_path)
    row = duckdb.execute(
        "SELECT count(*) FROM read_parquet(?) l JOIN read_parquet(?) t USING (call_id) "
        "WHERE t.kind = 'reminder'",
        [str(tmp_path / "call_labels.parquet"), str(world / "truth_calls.parquet")],
    ).fetchone()
    assert row is not None and row[0] == 0
