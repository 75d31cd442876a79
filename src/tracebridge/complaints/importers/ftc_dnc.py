"""The FTC's published Do Not Call complaint CSV.

Header: Company_Phone_Number, Created_Date, Violation_Date, Consumer_City, Consumer_State,
Consumer_Area_Code, Subject, Recorded_Message_Or_Robocall. The file has no complaint id, so the
ref is a hash of the row: re-importing the same file matches the same complaints. The data is
published by the FTC, hence TLP:CLEAR. Dates carry no zone; the FTC is in Washington, so they
are read as US Eastern time.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from tracebridge.complaints.importers.base import ImportFormatError, Parsed, validated

COLUMNS = (
    "Company_Phone_Number", "Created_Date", "Violation_Date", "Consumer_City", "Consumer_State",
    "Consumer_Area_Code", "Subject", "Recorded_Message_Or_Robocall",
)  # fmt: skip
EASTERN = ZoneInfo("America/New_York")
MAX_FIELD = 10_000
# The FTC's subject categories -> our scam types (anything else: "other").
SUBJECTS = {
    "computer & technical support": "tech_support",
    "imposters": "government_impersonation",
    # the FTC's name for imposters since 2020 (also business and family impostors)
    "calls pretending to be government, businesses, or family and friends": (
        "government_impersonation"
    ),
    "reducing your debt (credit cards, mortgage, student loans)": "debt_relief",
    "lotteries, prizes & sweepstakes": "lottery_prize",
    "energy, solar, & utilities": "utility",
    "warranties & protection plans": "other",
    "medical & prescriptions": "other",
    "vacation & timeshares": "other",
    "home security & alarms": "other",
    "dropped call or no message": "unknown",
    "no subject provided": "unknown",
    "work from home": "job_offer",
    "other": "other",
}


def read(stream: IO[bytes], default_country: str) -> Iterator[Parsed]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        yield from _rows(csv.reader(text))
    finally:
        text.detach()  # the caller owns the binary stream (and reads its position)


def _rows(reader: Any) -> Iterator[Parsed]:
    csv.field_size_limit(MAX_FIELD)
    header = _header(reader)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a field over the size limit
            yield Parsed(reader.line_num, reason=f"unreadable CSV row: {exc}")
            continue
        if row and any(cell.strip() for cell in row):
            yield _parsed(reader.line_num, header, row)


def _header(reader: Any) -> list[str]:
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFormatError("the file is empty: expected the FTC DNC header") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportFormatError(
            f"not an FTC Do Not Call CSV: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(header[:10])})"
        )
    return header


def _parsed(line: int, header: list[str], row: list[str]) -> Parsed:
    raw = ",".join(row)
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        return Parsed(line, reason="not UTF-8 text", raw=raw.encode("utf-8", "replace").decode())
    if len(row) != len(header):
        return Parsed(line, reason=f"expected {len(header)} fields, found {len(row)}", raw=raw)
    fields = {name: value.strip() for name, value in zip(header, row, strict=True)}
    received = _when(fields["Created_Date"])
    if received is None:
        return Parsed(line, reason=f"Created_Date: not a date {fields['Created_Date']!r}", raw=raw)
    return validated(line, _record(fields, received), raw=raw)


def _when(text: str) -> datetime | None:
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%m/%d/%Y %H:%M", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=EASTERN)
        except ValueError:
            continue
    return None


def _record(fields: dict[str, str], received: datetime) -> dict[str, Any]:
    subject = fields["Subject"]
    phone = fields["Company_Phone_Number"]
    victim = {"city": fields["Consumer_City"] or None, "state": fields["Consumer_State"] or None}
    identity = "|".join(fields[c] for c in COLUMNS)
    return {
        "ref": "DNC-" + hashlib.sha256(identity.encode()).hexdigest()[:24],
        "source": "FTC",
        "country": "US",
        "received_at": received,
        "incident_at": _when(fields["Violation_Date"]),
        "channel": "robocall"
        if fields["Recorded_Message_Or_Robocall"].upper() == "Y"
        else "phone_call",
        "scam_type": SUBJECTS.get(subject.lower(), "other" if subject else "unknown"),
        "narrative": subject,
        "victim": {k: v for k, v in victim.items() if v} or None,
        "suspect": {"phones": [phone]} if phone else {},
        "tlp": "CLEAR",
    }
