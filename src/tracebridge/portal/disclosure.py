"""The one gate every published cell of the public statistics passes (no Django).

A cell is a row of a public table: labels (month, country, scam type, payment method, currency)
and figures (``reports``, and ``total`` for losses). A row that counts fewer than the minimum
number of reports keeps its labels but loses its figures and is marked ``suppressed``, so no
amount or count of one report (or of a handful) is ever shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FIGURES = ("reports", "total")

Row = dict[str, Any]


def suppress(rows: Sequence[Row], min_count: int, *, sums_to_total: bool = False) -> list[Row]:
    """Rows with fewer than ``min_count`` reports lose their figures and come last.

    ``sums_to_total``: the table's counts add up to a figure published elsewhere (the monthly
    table and the total), so one hidden cell could be recovered by subtraction; then the
    smallest shown cell is hidden with it. Hidden rows come last, sorted by their labels, so
    their place among rows sorted by size tells nothing either.
    """
    hidden = {i for i, row in enumerate(rows) if row["reports"] < min_count}
    shown = [i for i in range(len(rows)) if i not in hidden]
    if sums_to_total and len(hidden) == 1 and shown:
        hidden.add(min(shown, key=lambda i: (rows[i]["reports"], i)))
    published = [{**rows[i], "suppressed": False} for i in range(len(rows)) if i not in hidden]
    withheld = sorted((_withhold(rows[i]) for i in hidden), key=_labels)
    return published + withheld


def _withhold(row: Row) -> Row:
    return {**row, **{k: None for k in FIGURES if k in row}, "suppressed": True}


def _labels(row: Row) -> list[str]:
    return [str(value) for key, value in sorted(row.items()) if key not in FIGURES]
