"""The CPU-heavy half of intake, with no Django: validate, hash, extract sightings.

``prepare_lines`` is what import worker processes run on chunks of a JSON Lines file, so that
on a machine with two cores the parsing and identifier extraction of one chunk overlaps the
database writes of the previous one.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from tracebridge.complaints.importers.base import MAX_LINE, RAW_KEPT, Parsed, decode
from tracebridge.complaints.schema import CanonicalComplaint, error_text, parse_line
from tracebridge.complaints.sightings import SightingRow, sightings_of


@dataclass(slots=True)
class Prepared:
    """A valid complaint ready to write: model field values, content hash, maybe sightings."""

    position: int  # where the caller had it (index in a batch, or line in a file)
    digest: str
    fields: dict[str, Any]
    record: CanonicalComplaint | None = None  # kept when sightings are left for later
    sightings: list[SightingRow] | None = None

    @property
    def identity(self) -> tuple[str, str]:
        return (self.fields["source"], self.fields["ref"])

    def sighting_rows(self) -> list[SightingRow]:
        if self.sightings is None:
            assert self.record is not None
            self.sightings = sightings_of(self.record)
        return self.sightings


def complaint_fields(record: CanonicalComplaint) -> dict[str, Any]:
    """Model field values of a canonical record (without agency, pk and hash)."""
    loss = record.loss
    suspect = {k: v for k, v in record.suspect.model_dump(exclude_none=True).items() if v}
    return {
        "source": record.source,
        "ref": record.ref,
        "country": record.country,
        "received_at": record.received_at,
        "incident_at": record.incident_datetime(),
        "channel": record.channel,
        "scam_type": record.scam_type,
        "narrative": record.narrative,
        "loss_amount": loss.amount if loss else None,
        "loss_currency": loss.currency if loss else "",
        "payment_method": (loss.payment_method or "") if loss else "",
        "victim": record.victim.model_dump(exclude_none=True) if record.victim else {},
        "suspect": suspect,
        "transactions": [
            t.model_dump(mode="json", exclude_none=True) for t in record.transactions or []
        ],
        "ncrp_ack": record.ncrp_ack or "",
        "tlp": record.tlp,
        "pap": record.pap or "",
    }


def prepare(record: CanonicalComplaint, position: int, with_sightings: bool) -> Prepared:
    prepared = Prepared(position, record.content_hash(), complaint_fields(record), record)
    if with_sightings:
        prepared.sightings = sightings_of(record)
        prepared.record = None  # not needed any more; keeps what crosses processes small
    return prepared


def parse_numbered(number: int, line: bytes | None) -> Parsed | None:
    """One line of a JSON Lines file; None for a blank line (not a row)."""
    if line is None:
        return Parsed(number, reason=f"line longer than the limit of {MAX_LINE} bytes")
    if number == 1 and line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]  # a byte-order mark some Windows tools write
    if not line.strip():
        return None
    text, problem = decode(line)
    if text is None:
        return Parsed(number, reason=problem, raw=line[:RAW_KEPT].decode("utf-8", "replace"))
    try:
        return Parsed(number, parse_line(text))
    except ValidationError as exc:
        return Parsed(number, reason=error_text(exc), raw=text.rstrip("\n"))


def prepare_lines(chunk: list[tuple[int, bytes | None]]) -> list[Prepared | Parsed]:
    """Worker entry point: each line becomes a Prepared complaint or a rejected Parsed row."""
    out: list[Prepared | Parsed] = []
    gc.disable()  # a worker holds nothing cyclic; see bulk.paused_gc for why
    for number, line in chunk:
        parsed = parse_numbered(number, line)
        if parsed is None:
            continue
        out.append(parsed if parsed.record is None else prepare(parsed.record, number, True))
    return out
