"""Run one import: pick the reader, batch its rows into ``ingest``, write the rejects."""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from tracebridge import jsonlimits
from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, User
from tracebridge.complaints.bulk import paused_gc
from tracebridge.complaints.importers import canonical, ftc_dnc, misp, stix
from tracebridge.complaints.importers.base import (
    ImportFormatError,
    Parsed,
    RejectsFile,
    Skip,
    bounded_lines,
)
from tracebridge.complaints.prepare import Prepared, prepare, prepare_lines
from tracebridge.complaints.services import ingest_prepared

Reader = Callable[[IO[bytes], str], Iterator[Parsed | Skip]]
FORMATS: dict[str, Reader] = {
    "canonical": canonical.read,
    "ftc-dnc": ftc_dnc.read,
    "stix": stix.read,
    "misp": misp.read,
}
MISP_KEYS = ("Attribute", "Object", "Orgc", "info", "threat_level_id")
_MISP_KEY = re.compile(rb'^\s{1,8}"(%s)"\s*:' % "|".join(MISP_KEYS).encode(), re.MULTILINE)
SKIP_EXAMPLES = 3  # ids of skipped items kept per kind and reason, for the audit
SKIP_LINES = 20  # kinds and reasons the summary lists; the audit keeps them all
BATCH = 1000
CHUNK = 500  # lines per task for a worker process
GC_EVERY = 100  # batches between full garbage collections
NOTES_KEPT = 20  # marking notes copied into the audit event (the summary counts them all)
PARALLEL_FROM = 4 << 20  # bytes: below this, starting a worker costs more than it saves
Progress = Callable[[int], None]  # called with the bytes read so far
Route = Callable[[dict[str, Any]], Agency]  # owner from the model field values (a hub node)


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
    rejects_path: Path = Path()
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    skipped_items: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    marking_notes: int = 0  # unknown or conflicting markings (agencies.markings)
    notes: list[str] = field(default_factory=list)  # the first NOTES_KEPT of them

    def skip(self, skips: Iterable[Skip]) -> None:
        for one in skips:
            group = (one.kind, one.reason)
            self.skipped[group] += 1
            examples = self.skipped_items.setdefault(group, [])
            if one.item and len(examples) < SKIP_EXAMPLES and one.item not in examples:
                examples.append(one.item)

    def note(self, row: Parsed) -> None:
        """Count a row's marking notes; keep the first few with the row's item or line."""
        where = row.item or f"line {row.line}"
        self.marking_notes += len(row.notes)
        self.notes += [f"{where}: {n}" for n in row.notes][: NOTES_KEPT - len(self.notes)]

    def skipped_kinds(self) -> list[dict[str, Any]]:
        """What was skipped, by kind and reason, most frequent first (the audit's detail)."""
        return [
            {"kind": kind, "reason": reason, "count": count,
             "items": self.skipped_items.get((kind, reason), [])}
            for (kind, reason), count in self.skipped.most_common()
        ]  # fmt: skip

    def line(self) -> str:
        where = f"; rejects in {self.rejects_path}" if self.rejected else ""
        rate = self.rows / self.seconds if self.seconds else 0.0
        count, notes = self.marking_notes, self.notes
        noted = f"; {count} marking notes (audited), first: {notes[0]}" if notes else ""
        return (
            f"{self.path.name} ({self.format}): {self.rows} rows, {self.created} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.duplicates} repeated, "
            f"{self.rejected} rejected, {self.sightings} sightings, "
            f"{self.skipped.total()} skipped in {self.seconds:.1f}s ({rate:,.0f} rows/s){where}"
            + noted
            + self._skipped_text()
        )

    def _skipped_text(self) -> str:
        lines = [
            f"\n  skipped {count} {kind}: {reason}"
            for (kind, reason), count in self.skipped.most_common(SKIP_LINES)
        ]
        rest = len(self.skipped) - SKIP_LINES
        if rest > 0:
            lines.append(f"\n  … and {rest} more kinds (all in the audit log)")
        return "".join(lines)


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
    if b'"Event"' in head[:400] or _bare_event(head):
        return "misp"
    if head.startswith(b"{"):
        return "canonical"
    if head.startswith(b"Company_Phone_Number"):
        return "ftc-dnc"
    raise ImportFormatError(
        f"cannot tell the format of {path.name}; pass --format canonical|ftc-dnc|stix|misp"
    )


def _bare_event(head: bytes) -> bool:
    """A MISP event without its {"Event": …} wrapper (PyMISP's ``to_json()``), on one line or
    pretty-printed; a canonical record has none of these keys."""
    first = head.split(b"\n", 1)[0]
    try:
        data = jsonlimits.loads(first, "the first line")
    except ValueError:
        return _MISP_KEY.search(head) is not None
    return isinstance(data, dict) and "ref" not in data and any(k in data for k in MISP_KEYS)


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
    workers: int | None = None,
) -> ImportSummary:
    """Import ``path`` owned by ``agency`` (or by ``route(record)`` when given).

    ``workers`` processes validate and extract for JSON Lines while this one writes; None picks
    one per spare core for files over a few MB, 0 does everything here.
    """
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt not in FORMATS:
        raise ImportFormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    summary = ImportSummary(path, fmt, rejects_path=rejects_path or default_rejects_path(path))
    rejects = RejectsFile(summary.rejects_path, path.name)
    started = time.perf_counter()
    try:
        with path.open("rb") as stream:
            count = _worker_count(workers, path) if fmt == "canonical" else 0
            rows = (
                _parallel(stream, count, batch)
                if count
                else _read(FORMATS[fmt](stream, agency.country), summary)
            )
            owner = route or (lambda _fields: agency)
            with paused_gc():
                _pump(rows, stream, summary, rejects, owner, user, progress, batch)
    finally:
        rejects.close()
        summary.seconds = time.perf_counter() - started
    _audit(summary, agency, user)
    return summary


def _audit(summary: ImportSummary, agency: Agency, user: User | None) -> None:
    """One event for the file: its counts, everything skipped (kinds, reasons, ids) and the
    marking notes (unknown or conflicting markings, the first NOTES_KEPT with their item)."""
    audit.record(
        "complaint.import.file",
        user=user,
        agency=agency,
        object_type="complaint",
        object_id=summary.path.name[:64],
        format=summary.format,
        rows=summary.rows,
        created=summary.created,
        updated=summary.updated,
        rejected=summary.rejected,
        skipped=summary.skipped.total(),
        skipped_kinds=summary.skipped_kinds(),
        marking_notes=summary.marking_notes,
        markings=summary.notes,
    )


def _worker_count(workers: int | None, path: Path) -> int:
    if workers is not None:
        return max(0, workers)
    spare = min((os.cpu_count() or 1) - 1, 4)
    return spare if path.stat().st_size >= PARALLEL_FROM else 0


def _read(rows: Iterator[Parsed | Skip], summary: ImportSummary) -> Iterator[Prepared | Parsed]:
    """Rows ready to write; what the reader skipped goes to the summary on the way."""
    for row in rows:
        if isinstance(row, Skip):
            summary.skip([row])
            continue
        if row.notes:
            summary.note(row)
        if row.record is None:
            yield row
        else:
            summary.skip(row.skipped)
            yield prepare(row.record, row.line, False)


def _chunks(lines: Iterator[tuple[int, bytes | None]]) -> Iterator[list[tuple[int, bytes | None]]]:
    chunk: list[tuple[int, bytes | None]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parallel(stream: IO[bytes], workers: int, batch: int) -> Iterator[Prepared | Parsed]:
    """Lines in order through worker processes, with a bounded window (memory stays flat).

    The window holds two write batches' worth, so the workers keep parsing the next batch while
    this process writes the current one.
    """
    window = 2 * max(1, batch // CHUNK) + 2 * workers
    # spawn, not fork: the workers must not inherit this process's database connection
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        pending: deque[Any] = deque()
        for chunk in _chunks(bounded_lines(stream)):
            pending.append(pool.apply_async(prepare_lines, (chunk,)))
            if len(pending) >= window:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _pump(
    rows: Iterator[Prepared | Parsed],
    stream: IO[bytes],
    summary: ImportSummary,
    rejects: RejectsFile,
    owner: Route,
    user: User | None,
    progress: Progress | None,
    batch: int,
) -> None:
    pending: list[Prepared] = []
    flushed = 0
    for row in rows:
        summary.rows += 1
        if isinstance(row, Parsed):
            rejects.write(row)
            summary.rejected += 1
        else:
            pending.append(row)
        if len(pending) >= batch:
            _flush(pending, summary, rejects, owner, user)
            flushed += 1
            if flushed % GC_EVERY == 0:
                gc.collect()  # the collector is paused (bulk.paused_gc); tidy up now and then
            if progress:
                progress(stream.tell())
    _flush(pending, summary, rejects, owner, user)
    if progress:
        progress(stream.tell())


def _flush(
    pending: list[Prepared],
    summary: ImportSummary,
    rejects: RejectsFile,
    owner: Route,
    user: User | None,
) -> None:
    groups: dict[int, tuple[Agency, list[Prepared]]] = {}
    for item in pending:
        agency = owner(item.fields)
        groups.setdefault(agency.pk, (agency, []))[1].append(item)
    for agency, items in groups.values():
        result = ingest_prepared(items, agency, user=user)
        summary.created += result.created
        summary.updated += result.updated
        summary.unchanged += result.unchanged
        summary.duplicates += result.duplicates
        summary.sightings += result.sightings
        for conflict in result.conflicts:
            rejects.write(Parsed(conflict.index, reason=conflict.reason))
            summary.rejected += 1
    pending.clear()
