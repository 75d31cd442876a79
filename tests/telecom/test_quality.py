"""Detection quality on a simulated world with ground truth, against the per-number rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracebridge.simulate import Knobs, generate
from tracebridge.telecom import analytics, robocall_accuracy


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


# A small version of bench/quality.py's matrix for robocalls (issue 19): calls without origid
# and with a new caller ID on most calls, campaigns entering through their own gateway beside
# ordinary calls from abroad. Precision and grouping (B-cubed F1) are held to the issue's
# targets, and so is recall (0.994, 0.963 and 1.000 measured; docs/telecom.md, "Calls without
# origid").
FAMILY = (
    (1931, Knobs(unsigned_share=0.8, own_route_share=0.9, gateway_legit_share=0.03,
                 spoof_mix=(0.1, 0.45, 0.45), campaigns=12), 0.95),
    (1932, Knobs(unsigned_share=0.4, own_route_share=0.7, gateway_legit_share=0.05,
                 campaigns=25, size_shape=1.1), 0.95),
    (1933, Knobs(spoof_mix=(0.8, 0.1, 0.1)), 0.95),
)  # fmt: skip


@pytest.mark.parametrize(("seed", "knobs", "recall"), FAMILY, ids=[str(s) for s, *_ in FAMILY])
def test_a_family_of_small_worlds(tmp_path: Path, seed: int, knobs: Knobs, recall: float) -> None:
    generate(tmp_path, seed, "small", complaints=50, calls=40_000, txns=100, knobs=knobs)
    analytics.analyze([tmp_path / "cdrs.parquet"], tmp_path / "out")
    labels, truth = tmp_path / "out" / "call_labels.parquet", tmp_path / "truth_calls.parquet"
    ours = analytics.evaluate(labels, truth)
    grouping = robocall_accuracy.b_cubed(labels, truth)
    print(f"\nworld {seed}: P {ours.precision:.3f} R {ours.recall:.3f} B3 F1 {grouping:.3f}")
    assert ours.precision >= 0.98
    assert ours.recall >= recall
    assert grouping >= 0.85
