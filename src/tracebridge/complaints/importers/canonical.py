"""Canonical complaints as JSON Lines: one object a line (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from tracebridge.complaints.importers.base import Parsed, bounded_lines
from tracebridge.complaints.prepare import parse_numbered


def read(stream: IO[bytes], default_country: str) -> Iterator[Parsed]:
    for number, line in bounded_lines(stream):
        parsed = parse_numbered(number, line)
        if parsed is not None:
            yield parsed
