"""Quality on a small simulated world with ground truth, against the networkx baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracebridge.campaigns import quality
from tracebridge.campaigns.evaluate import evaluate
from tracebridge.simulate import generate


def test_pairwise_scores_count_pairs_through_the_contingency_table() -> None:
    truth = {"a": 1, "b": 1, "c": 1, "d": None}
    assert quality.pairwise(truth, truth).f1 == 1.0
    split = quality.pairwise({"a": 1, "b": 1, "c": 2, "d": 2}, truth)
    assert (split.precision, split.recall) == (0.5, pytest.approx(1 / 3))
    assert quality.pairwise({}, truth).precision == 1.0
    assert quality.ceiling(truth, {"c"}).recall == pytest.approx(1 / 3)


def test_small_world_beats_the_baseline_and_nears_the_ceiling(tmp_path: Path) -> None:
    generate(tmp_path, 11, "small", calls=200, txns=200)
    report = evaluate(tmp_path)
    print(
        f"\nours {report.ours.line()}  baseline {report.baseline.line()}  "
        f"ceiling {report.ceiling.line()}  {report.of_ceiling:.1%} of ceiling"
    )
    assert report.ours.precision >= 0.98
    assert report.of_ceiling >= 0.95
    assert report.baseline.precision < report.ours.precision
