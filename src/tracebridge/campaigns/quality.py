"""Pairwise precision, recall and F1 of a clustering against ground truth. Pure.

A pair of complaints counts when both sides put them in the same campaign; ``None`` means the
complaint stands alone. Counting goes through the contingency table, never through pairs, so a
million complaints take a second.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    predicted_pairs: int
    true_pairs: int

    def line(self) -> str:
        return f"P={self.precision:.4f} R={self.recall:.4f} F1={self.f1:.4f}"


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(predicted: Mapping[str, object | None], truth: Mapping[str, object | None]) -> Scores:
    """Scores over the complaints present in ``truth`` (absent from ``predicted`` = alone)."""
    cells: Counter[tuple[object, object]] = Counter()
    pred_sizes: Counter[object] = Counter()
    true_sizes: Counter[object] = Counter()
    for ref, true_label in truth.items():
        pred_label = predicted.get(ref)
        if pred_label is not None:
            pred_sizes[pred_label] += 1
        if true_label is not None:
            true_sizes[true_label] += 1
        if pred_label is not None and true_label is not None:
            cells[(pred_label, true_label)] += 1
    both = sum(_pairs(n) for n in cells.values())
    predicted_pairs = sum(_pairs(n) for n in pred_sizes.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, predicted_pairs, true_pairs)


def ceiling(truth: Mapping[str, object | None], no_identifier: set[str]) -> Scores:
    """What perfect identifier linking reaches: complaints naming no identifier stand alone."""
    best = {ref: (None if ref in no_identifier else label) for ref, label in truth.items()}
    return pairwise(best, truth)
