"""What every importer yields, and the pieces they share: bounded line reading, rejects."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from tracebridge.complaints.schema import CanonicalComplaint, error_text

MAX_LINE = 1 << 20  # bytes; a canonical record is a few kB, so a longer line is not one record
RAW_KEPT = 2000  # characters of a bad row copied into the rejects file


class ImportFormatError(ValueError):
    """The file as a whole cannot be read in this format (say which, and what to do)."""


@dataclass(frozen=True, slots=True)
class Skip:
    """Something in the file that was not read: its type, why, and which one (an id, no value).

    Readers yield these beside rows (an object no complaint refers to) or attach them to the row
    they belong to (an attribute of an event); the summary and the audit count them by kind and
    reason, so nothing is dropped silently.
    """

    kind: str
    reason: str
    item: str = ""


@dataclass(frozen=True, slots=True)
class Parsed:
    """One row of an input file: a valid record, or the reason it is not one.

    ``line`` is the 1-based line number for line formats (JSON Lines, CSV) and the position of
    the object for whole-document formats (STIX bundle, MISP events), where ``item`` names it.
    """

    line: int
    record: CanonicalComplaint | None = None
    reason: str = ""
    raw: str = ""
    item: str = ""
    skipped: tuple[Skip, ...] = ()
    notes: tuple[str, ...] = ()  # unknown or conflicting markings (agencies.markings)


def validated(
    line: int,
    data: dict[str, Any],
    raw: str = "",
    item: str = "",
    skipped: Iterable[Skip] = (),
    notes: tuple[str, ...] = (),
) -> Parsed:
    skips = tuple(skipped)
    try:
        return Parsed(
            line, CanonicalComplaint.model_validate(data), item=item, skipped=skips, notes=notes
        )
    except ValidationError as exc:
        return Parsed(line, reason=error_text(exc), raw=raw or _dump(data), item=item, notes=notes)


def suspect_entry(target: str, value: str | dict[str, str]) -> tuple[str, Any]:
    """(suspect list, entry) for a selector: an IBAN or account number becomes a bank account,
    a dict is a whole bank account, anything else goes to its own list as it is."""
    if target in ("iban", "account"):
        return "bank_accounts", {target: str(value)}
    if isinstance(value, dict):
        return "bank_accounts", value
    return target, value


def add_selector(suspect: dict[str, list[Any]], target: str, value: str | dict[str, str]) -> None:
    """Put one selector into a canonical suspect dict, once."""
    name, entry = suspect_entry(target, value)
    if entry not in suspect.setdefault(name, []):
        suspect[name].append(entry)


def _dump(data: Any) -> str:
    try:
        return json.dumps(data, ensure_ascii=False, default=str)[:RAW_KEPT]
    except (TypeError, ValueError):
        return repr(data)[:RAW_KEPT]


def bounded_lines(stream: IO[bytes], limit: int = MAX_LINE) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; bytes is None for a line over ``limit``.

    An over-long line is skipped in chunks, so one runaway line cannot exhaust memory.
    """
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 16)
            yield number, None
            continue
        yield number, line


def decode(line: bytes) -> tuple[str | None, str]:
    """(text, "") or (None, reason) when the bytes are not UTF-8."""
    try:
        return line.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (bad byte 0x{line[exc.start]:02x} at column {exc.start + 1})"


class RejectsFile:
    """JSON Lines of rejected rows: file, line, reason and the start of the raw row.

    Opened on the first reject, so a clean import leaves no empty file behind.
    """

    def __init__(self, path: Path, source_name: str) -> None:
        self.path, self.source_name, self.count = path, source_name, 0
        self._out: IO[str] | None = None

    def write(self, row: Parsed) -> None:
        if self._out is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.path.open("w", encoding="utf-8")
        entry = {"file": self.source_name, "line": row.line, "reason": row.reason}
        if row.item:
            entry["item"] = row.item
        entry["raw"] = row.raw[:RAW_KEPT]
        self._out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
