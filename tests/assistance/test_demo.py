"""The demo loads a preserved DOJ-CPB request to the CBI (open) and a production request the
CBI answered with a verified evidence package (finished)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from tracebridge.agencies import demo as agencies_demo
from tracebridge.assistance import demo as assistance_demo
from tracebridge.assistance.models import Request
from tracebridge.demo import DemoContext
from tracebridge.evidence.models import CustodyEvent, EvidenceItem


def test_demo_requests(db: None, _home: Path) -> None:
    ctx = DemoContext(home=_home, console=Console(quiet=True), world_dir=_home / "demo-world")
    agencies_demo.load(ctx)
    assistance_demo.load(ctx)
    kept, wanted = Request.objects.order_by("reference")
    assert (kept.kind, kept.status, kept.from_code, kept.to_code) == (
        "preservation",
        "preserved",
        "US-DOJ-CPB",
        "IN-CBI",
    )
    assert [m.action for m in kept.messages.all()] == [
        "create",
        "submit",
        "approve",
        "acknowledge",
        "preserve",
    ]
    assert (kept.preserved_until - kept.created_at).days in (59, 60)
    assert (wanted.kind, wanted.status) == ("production", "verified")
    assert [m.action for m in wanted.messages.all()][-3:] == ["execute", "return", "verify"]
    received = EvidenceItem.objects.filter(case=wanted.case).order_by("id")
    assert [i.filename for i in received] == [
        "subscriber-913340001234.csv",
        "cdr-913340001234-2026q1.csv",
        f"certificate-of-authenticity-{wanted.reference}.txt",
    ]
    assert all(i.needs_consent for i in received)
    assert CustodyEvent.objects.filter(action="shared", case__agency__code="IN-CBI").count() == 1
    assert CustodyEvent.objects.filter(action="received", case=wanted.case).count() == 3
    notes = dict(ctx.summary)
    assert (
        f"{wanted.reference} answered by the CBI with a package, verified"
        in notes["formal requests"]
    )
    assert notes["request file"].endswith("(one node: 3 messages already here)")
    assert (_home / f"{kept.reference}.json").exists()
