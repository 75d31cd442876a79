"""Bulk importers: canonical JSON Lines, the FTC DNC CSV, STIX 2.1 bundles and MISP events.

``import_file`` streams any of them through ``services.ingest`` one batch (one transaction) at a
time: a file killed midway and imported again ends with nothing lost and nothing duplicated.
The names below load lazily so that worker processes can import the pure readers without
setting Django up.
"""

from __future__ import annotations

from typing import Any

from tracebridge.complaints.importers.base import ImportFormatError, Parsed

__all__ = [
    "FORMATS",
    "ImportFormatError",
    "ImportSummary",
    "Parsed",
    "detect_format",
    "import_file",
]


def __getattr__(name: str) -> Any:
    if name in ("FORMATS", "ImportSummary", "detect_format", "import_file"):
        from tracebridge.complaints.importers import run

        return getattr(run, name)
    raise AttributeError(name)
