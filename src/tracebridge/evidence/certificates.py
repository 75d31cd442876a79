"""Court certificates for a package, as text and as PDF (fpdf2).

- India: Bharatiya Sakshya Adhiniyam 2023, section 63(4)(c), the certificate in the Schedule:
  Part A (filled by the party producing the record) and Part B (filled by the expert).
- United States: Federal Rules of Evidence 902(14) (data copied from an electronic device,
  authenticated by a process of digital identification: the hash) with the 902(11) elements
  for the business-records foundation, as a declaration under 28 U.S.C. § 1746.

The certificates fill in every fact the node knows (device, hash algorithm and values, date
and time in IST, place) and leave the signature to a person: the node cannot swear.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from tracebridge.evidence import zones

IST = dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")  # no daylight saving in India


@dataclass(frozen=True)
class CertItem:
    path: str
    filename: str
    sha256: str
    size: int
    device: str
    collected_by: str
    collected_at: str
    place: str
    legal_authority: str
    description: str
    collected_zone: str = ""


@dataclass(frozen=True)
class CertContext:
    case_reference: str
    case_title: str
    agency: str
    signer: str
    signer_role: str
    place: str
    at: dt.datetime
    origin: str
    items: Sequence[CertItem]


def _item_lines(items: Sequence[CertItem]) -> list[str]:
    lines = []
    for n, item in enumerate(items, start=1):
        lines += [
            f"  {n}. {item.filename}  (package file {item.path}, {item.size} bytes)",
            f"     SHA-256: {item.sha256}",
            f"     Device / source: {item.device or 'not recorded'}",
            f"     Collected by {item.collected_by or 'not recorded'} at "
            f"{zones.describe(item.collected_at, item.collected_zone) or 'not recorded'}, "
            f"place: {item.place or 'not recorded'}",
            f"     Legal authority: {item.legal_authority or 'not recorded'}",
        ]
    return lines


def bsa_s63(ctx: CertContext) -> str:
    when = ctx.at.astimezone(IST)
    date, time = when.strftime("%d/%m/%Y"), when.strftime("%H:%M")
    devices = sorted({i.device for i in ctx.items if i.device}) or ["not recorded"]
    return "\n".join(
        [
            "CERTIFICATE UNDER SECTION 63(4)(c) OF THE BHARATIYA SAKSHYA ADHINIYAM, 2023",
            "(The Schedule)",
            f"Case: {ctx.case_reference} - {ctx.case_title}",
            "",
            "PART A (to be filled by the Party)",
            f"I, {ctx.signer} ({ctx.signer_role}, {ctx.agency}), do hereby solemnly affirm and",
            "sincerely state and submit as follows:",
            "I have produced the electronic records listed below, obtained from the following",
            "device(s) / digital record source(s):",
            *[f"  - {d}" for d in devices],
            "The device(s) and records were under the lawful control of the agency named above",
            "for regularly carrying out its activities; the records were kept in the ordinary",
            "course of that activity and the device(s) operated properly.",
            "Hash value(s) of the electronic records, obtained through the SHA-256 algorithm:",
            *_item_lines(ctx.items),
            "",
            f"Date (DD/MM/YYYY): {date}    Time (IST): {time} hrs    Place: {ctx.place}",
            f"Name and signature: {ctx.signer}  ______________________",
            "",
            "PART B (to be filled by the Expert)",
            "I, ______________________ (name, designation), do hereby solemnly affirm and",
            "sincerely state and submit as follows:",
            "I have examined the electronic records listed in Part A. Their hash values,",
            "computed with the SHA-256 algorithm, are as stated in Part A and in the package",
            "manifest; each record is included in the append-only ledger of",
            f"{ctx.origin} and the package carries an inclusion proof of each against a",
            "checkpoint signed with the node's Ed25519 key, which anyone can check offline with",
            "`python -m tracebridge.evidence.verifier` (see README.txt in the package).",
            "",
            f"Date (DD/MM/YYYY): {date}    Time (IST): {time} hrs    Place: {ctx.place}",
            "Name and signature of the Expert: ______________________",
            "",
        ]
    )


def fre_902(ctx: CertContext) -> str:
    when = ctx.at.astimezone(dt.UTC)
    body = [
        "CERTIFICATION OF AUTHENTICITY OF DATA COPIED FROM AN ELECTRONIC DEVICE,",
        "STORAGE MEDIUM, OR FILE, AND OF RECORDS OF A REGULARLY CONDUCTED ACTIVITY",
        "(Federal Rules of Evidence 902(14) and 902(11))",
        f"Case: {ctx.case_reference} - {ctx.case_title}",
        "",
        f"I, {ctx.signer}, am employed by {ctx.agency} as {ctx.signer_role} and am a",
        "qualified person by reason of my training and my position, with knowledge of the",
        "process by which the data below were copied and are kept.",
        "1. Each file listed below is a true duplicate of the data collected. Its SHA-256",
        "   hash value, a process of digital identification, was computed when it was",
        "   recorded and again when this package was made, and the two are identical:",
        *_item_lines(ctx.items),
        "2. The records were made at or near the time of the acts they record, by, or from",
        "   information transmitted by, someone with knowledge; they were kept in the course",
        "   of a regularly conducted activity; and making them was a regular practice of",
        "   that activity (FRE 803(6)(A)-(C)).",
        f"3. Each record is entered in the append-only ledger of {ctx.origin}; the package",
        "   carries inclusion proofs against a signed checkpoint that can be verified offline.",
        "",
        "I declare under penalty of perjury under the laws of the United States of America",
        "that the foregoing is true and correct (28 U.S.C. § 1746).",
        "",
        f"Executed on {when:%Y-%m-%d} at {when:%H:%M} UTC, at {ctx.place}.",
        f"Signature: ______________________   {ctx.signer}",
        "",
    ]
    return "\n".join(body)


# Debian's fonts-dejavu-core and fonts-noto-core (installed by .ci/run; docs/evidence.md):
# DejaVu Sans Mono keeps the certificate's columns and has the en dash and the section sign;
# Noto Sans Devanagari prints Hindi names and file names, shaped by HarfBuzz.
FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts"))
MONO_FONT = "dejavu/DejaVuSansMono.ttf"
DEVANAGARI_FONT = "noto/NotoSansDevanagari-Regular.ttf"


def font_path(relative: str) -> Path | None:
    """A font file of the machine (FONT_DIRS), or None; the request letters use it too."""
    return next((d / relative for d in FONT_DIRS if (d / relative).is_file()), None)


def _set_font(pdf: FPDF) -> bool:
    """Unicode fonts when the machine has them; True when it does (else Latin-1 Courier)."""
    mono, devanagari = font_path(MONO_FONT), font_path(DEVANAGARI_FONT)
    if mono is None or devanagari is None:
        pdf.set_font("Courier", size=8.5)
        return False
    pdf.add_font("mono", fname=str(mono))
    pdf.add_font("devanagari", fname=str(devanagari))
    pdf.set_font("mono", size=8.5)
    pdf.set_fallback_fonts(["devanagari"])
    pdf.set_text_shaping(True)
    return True


def to_pdf(text: str, title: str) -> bytes:
    """A plain, printable PDF of the certificate text, in every script it holds.

    Without the Unicode fonts (a machine lacking fonts-dejavu-core and fonts-noto-core) it
    falls back to the core Courier font and replaces what Latin-1 cannot print.
    """
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("TraceBridge")
    pdf.add_page()
    unicode = _set_font(pdf)
    for line in text.split("\n"):
        safe = line if unicode else line.encode("latin-1", "replace").decode("latin-1")
        for part in textwrap.wrap(safe, 95, subsequent_indent="     ") or [""]:
            pdf.cell(0, 4.2, part, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
