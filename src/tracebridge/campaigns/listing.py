"""The campaigns table: sorted by the reader's figures, and the same rows as CSV."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tracebridge import csvsafe
from tracebridge.campaigns.figures import Figures

_EPOCH = datetime.min.isoformat()
SORTS: dict[str, Callable[[Figures], Any]] = {
    "priority": lambda f: f.priority,
    "size": lambda f: f.size,
    "loss": lambda f: f.loss_usd,
    "date": lambda f: f.last_seen.isoformat() if f.last_seen else _EPOCH,
}
CSV_COLUMNS = (
    "campaign", "priority", "complaints", "scam_type", "countries", "cross_border", "losses",
    "first_seen", "last_seen",
)  # fmt: skip


def sorted_figures(rows: list[Figures], sort: str) -> tuple[list[Figures], str]:
    """Largest first by ``sort`` (priority when unknown); ties keep the priority order."""
    key = sort if sort in SORTS else "priority"
    return sorted(rows, key=SORTS[key], reverse=True), key


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def as_csv(rows: list[Figures]) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(CSV_COLUMNS)
    for f in rows:
        losses = "; ".join(f"{amount} {cur}" for cur, amount in f.losses.items())
        writer.writerow([
            f.code, f"{f.priority:.1f}", f.size, f.scam_type, " ".join(f.countries),
            "yes" if f.cross_border else "no", losses, _iso(f.first_seen), _iso(f.last_seen),
        ])  # fmt: skip
    return out.getvalue()
