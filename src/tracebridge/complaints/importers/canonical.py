"""Canonical complaints as JSON Lines: one object a line (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from pydantic import ValidationError

from tracebridge.complaints.importers.base import MAX_LINE, RAW_KEPT, Parsed, bounded_lines, decode
from tracebridge.complaints.schema import error_text, parse_line


def read(stream: IO[bytes], default_country: str) -> Iterator[Parsed]:
    for number, line in bounded_lines(stream):
        if line is None:
            yield Parsed(number, reason=f"line longer than the limit of {MAX_LINE} bytes")
            continue
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]  # a byte-order mark some Windows tools write
        if not line.strip():
            continue
        text, problem = decode(line)
        if text is None:
            yield Parsed(number, reason=problem, raw=line[:RAW_KEPT].decode("utf-8", "replace"))
            continue
        try:
            yield Parsed(number, parse_line(text))
        except ValidationError as exc:
            yield Parsed(number, reason=error_text(exc), raw=text.rstrip("\n"))
