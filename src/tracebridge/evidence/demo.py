"""Demo: evidence files for the demo case, a partner-cosigned checkpoint and a ready package."""

from __future__ import annotations

import datetime as dt
import io
import struct
import time
import zlib

from django.utils import timezone

from tracebridge.cases.models import Case
from tracebridge.demo import DemoContext
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence import keys, ledger, zones
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.services import add_evidence

PARTNER_WITNESS = "in-cbi-node/witness"  # the simulated partner node's cosigner


def wav_silence(seconds: int = 3, rate: int = 8000) -> bytes:
    """A mono 16-bit PCM WAV of silence: what a recorded scam call's container looks like."""
    data = bytes(seconds * rate * 2)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(data))
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )


def png_screenshot(width: int = 320, height: int = 200) -> bytes:
    """A grey PNG with a dark bar, standing in for a screenshot of the scam chat."""
    rows = b"".join(b"\x00" + (b"\x30" if 20 <= y < 40 else b"\xd0") * width for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def cdr_extract(case: Case) -> bytes:
    lines = ["call_id,start_time,duration_s,calling_number,called_number,orig_carrier"]
    for n, complaint in enumerate(case.complaints.all()[:20], start=1):
        phones = (complaint.suspect or {}).get("phones") or ["+911140000000"]
        victim = (complaint.victim or {}).get("phone", "")
        lines.append(
            f"C{n:05d},{complaint.received_at:%Y-%m-%dT%H:%M:%SZ},{60 + n * 7},{phones[0]},{victim},VoIP-GW-{n % 3}"
        )
    return ("\n".join(lines) + "\n").encode()


def _partner_cosignature(ctx: DemoContext) -> None:
    """Cosign the latest checkpoint with a simulated partner witness key kept in the demo world."""
    checkpoint = ledger.sign_checkpoint()
    path = ctx.world_dir / "partner-witness.key"
    if path.exists():
        partner = notes.parse_signer(path.read_text())
    else:
        partner = notes.generate_signer(PARTNER_WITNESS, notes.ALG_COSIGNATURE_V1)
        ctx.world_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(partner.encode() + "\n")
        path.chmod(0o600)
    body = notes.parse_note(checkpoint.note.encode()).body
    line = notes.cosign(body, partner, int(time.time())).line()
    ledger.add_cosignature(
        checkpoint.note.encode() + line.encode() + b"\n", partner.verifier.encode()
    )


def load(ctx: DemoContext) -> None:
    # The cases demo opened the FBI's first case; evidence is a later stage.
    case = Case.objects.filter(agency=ctx.agencies["US-FBI"]).order_by("id").first()
    if case is None:
        return
    keys.init_keys()
    analyst = ctx.users["fbi.analyst"]
    files = [
        (
            "victim-call-recording.wav",
            wav_silence(),
            "Recording of the scam call, supplied by the victim",
            "Victim's Android phone, Samsung Galaxy A52, IMEI 356789104567891",
        ),
        (
            "whatsapp-screenshot.png",
            png_screenshot(),
            "Screenshot of the 'digital arrest' video-call chat",
            "Victim's phone, screenshot taken by the investigating officer",
        ),
        (
            "cdr-extract.csv",
            cdr_extract(case),
            "Call detail records extract from the terminating carrier",
            "Carrier CDR export system",
        ),
    ]
    # Collected by the case agent in Washington at 10:30 local time two days ago: the
    # certificates and the custody timeline show that time in that zone, beside UTC.
    eastern = zones.parse_zone("America/New_York")
    day = (timezone.now() - dt.timedelta(days=2)).astimezone(eastern)
    collected = day.replace(hour=10, minute=30, second=0, microsecond=0)
    for name, data, what, device in files:
        add_evidence(
            case,
            io.BytesIO(data),
            name,
            by=analyst,
            description=what,
            device=device,
            collected_by=f"SA {analyst.signature_name}",
            collected_at=collected,
            collected_zone="America/New_York",
            place="Washington, DC",
            legal_authority="18 U.S.C. 2703(d) order / victim consent",
        )
    _partner_cosignature(ctx)
    out = ctx.world_dir / f"{case.reference}-evidence.zip"
    make_package(case, out, by=ctx.users["fbi.supervisor"], place="Washington, DC")
    ctx.note("evidence package", f"{out} (check: tracebridge verify {out.name})")
