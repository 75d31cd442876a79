"""Bulk importers: canonical JSON Lines, the FTC DNC CSV, STIX 2.1 bundles and MISP events.

``import_file`` streams any of them through ``services.ingest`` one batch (one transaction) at a
time: a file killed midway and imported again ends with nothing lost and nothing duplicated.
"""

from tracebridge.complaints.importers.base import ImportFormatError, Parsed
from tracebridge.complaints.importers.run import FORMATS, ImportSummary, detect_format, import_file

__all__ = [
    "FORMATS",
    "ImportFormatError",
    "ImportSummary",
    "Parsed",
    "detect_format",
    "import_file",
]
