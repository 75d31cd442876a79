"""Run one import: pick the reader, batch its rows into ``ingest``, write the rejects."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone

from tracebridge.agencies.models import Agency, User
from tracebridge.complaints.importers import canonical, ftc_dnc, misp, stix
from tracebridge.complaints.importers.base import ImportFormatError, Parsed, RejectsFile
from tracebridge.complaints.schema import CanonicalComplaint
from tracebridge.complaints.services import ingest

Reader = Callable[[IO[bytes], str], Iterator[Parsed]]
FORMATS: dict[str, Reader] = {
    "canonical": canonical.read,
    "ftc-dnc": ftc_dnc.read,
    "stix": stix.read,
    "misp": misp.read,
}
BATCH = 1000
Progress = Callable[[int], None]  # called with the bytes read so far
Route = Callable[[CanonicalComplaint], Agency]  # owner per record (a hub node's importers)


@dataclass
class ImportSummary:
    path: Path
    format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    sightings: int = 0
    seconds: float = 0.0
    rejects_path: Path | None = None

    def line(self) -> str:
        where = f"; rejects in {self.rejects_path}" if self.rejected else ""
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (
            f"{self.path.name} ({self.format}): {self.rows} rows, {self.created} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.duplicates} repeated, "
            f"{self.rejected} rejected, {self.sightings} sightings in {self.seconds:.1f}s "
            f"({rate:,.0f} rows/s){where}"
        )


def detect_format(path: Path) -> str:
    """Guess the format from the name, then from the first bytes."""
    name = path.name.lower()
    if name.endswith(".csv"):
        return "ftc-dnc"
    if name.endswith((".jsonl", ".ndjson")):
        return "canonical"
    with path.open("rb") as f:
        head = f.read(65536).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"[") or head.startswith(b'{"Event"') or b'"response"' in head[:200]:
        return "misp"
    if b'"type"' in head and b'"bundle"' in head and b'"objects"' in head:
        return "stix"
    if b'"Event"' in head[:400]:
        return "misp"
    if head.startswith(b"{"):
        return "canonical"
    if head.startswith(b"Company_Phone_Number"):
        return "ftc-dnc"
    raise ImportFormatError(
        f"cannot tell the format of {path.name}; pass --format canonical|ftc-dnc|stix|misp"
    )


def default_rejects_path(path: Path) -> Path:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.HOME) / "rejects" / f"{path.name}.{stamp}.rejects.jsonl"


def import_file(
    path: Path,
    agency: Agency,
    fmt: str = "auto",
    *,
    user: User | None = None,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
    batch: int = BATCH,
    route: Route | None = None,
) -> ImportSummary:
    """Import ``path`` owned by ``agency`` (or by ``route(record)`` when given)."""
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt not in FORMATS:
        raise ImportFormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    summary = ImportSummary(path, fmt, rejects_path=rejects_path or default_rejects_path(path))
    rejects = RejectsFile(summary.rejects_path, path.name)  # type: ignore[arg-type]
    started = time.perf_counter()
    try:
        with path.open("rb") as stream:
            rows = FORMATS[fmt](stream, agency.country)
            owner = route or (lambda _record: agency)
            _pump(rows, stream, summary, rejects, owner, user, progress, batch)
    finally:
        rejects.close()
        summary.seconds = time.perf_counter() - started
    return summary


def _pump(
    rows: Iterator[Parsed],
    stream: IO[bytes],
    summary: ImportSummary,
    rejects: RejectsFile,
    owner: Route,
    user: User | None,
    progress: Progress | None,
    batch: int,
) -> None:
    pending: list[Parsed] = []
    for row in rows:
        summary.rows += 1
        if row.record is None:
            rejects.write(row)
            summary.rejected += 1
        else:
            pending.append(row)
        if len(pending) >= batch:
            _flush(pending, summary, rejects, owner, user)
            if progress:
                progress(stream.tell())
    _flush(pending, summary, rejects, owner, user)
    if progress:
        progress(stream.tell())


def _flush(
    pending: list[Parsed],
    summary: ImportSummary,
    rejects: RejectsFile,
    owner: Route,
    user: User | None,
) -> None:
    groups: dict[int, tuple[Agency, list[Parsed]]] = {}
    for row in pending:
        assert row.record is not None
        agency = owner(row.record)
        groups.setdefault(agency.pk, (agency, []))[1].append(row)
    for agency, rows in groups.values():
        result = ingest([r.record for r in rows if r.record], agency, user=user)
        summary.created += result.created
        summary.updated += result.updated
        summary.unchanged += result.unchanged
        summary.duplicates += result.duplicates
        summary.sightings += result.sightings
        for conflict in result.conflicts:
            row = rows[conflict.index]
            rejects.write(Parsed(row.line, reason=conflict.reason, item=row.item))
            summary.rejected += 1
    pending.clear()
