"""The cases and evidence demo hooks produce a case, evidence and a package that verifies."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from tracebridge.agencies import demo as agencies_demo
from tracebridge.cases import demo as cases_demo
from tracebridge.cases.models import Case
from tracebridge.demo import DemoContext
from tracebridge.evidence import demo as evidence_demo
from tracebridge.evidence import keys
from tracebridge.evidence.models import Cosignature
from tracebridge.evidence.verifier import verify_package


def test_demo_case_evidence_and_package(db: None, _home: Path) -> None:
    ctx = DemoContext(home=_home, console=Console(quiet=True), world_dir=_home / "demo-world")
    agencies_demo.load(ctx)
    cases_demo.load(ctx)
    evidence_demo.load(ctx)
    case = Case.objects.get()
    assert case.status == "investigating" and case.tasks.count() == 2
    assert [e.filename for e in case.evidence.all()] == [
        "victim-call-recording.wav",
        "whatsapp-screenshot.png",
        "cdr-extract.csv",
    ]
    wav = case.evidence.first()
    assert wav is not None and wav.size == 44 + 3 * 8000 * 2
    assert Cosignature.objects.get().cosigner_key.startswith("in-cbi-node/witness+")
    package = ctx.world_dir / f"{case.reference}-evidence.zip"
    report = verify_package(package, keys.verifier_key("node"))
    assert report.ok and any(c.step == "partner cosignature" for c in report.checks)
    assert (
        "evidence package",
        f"{package} (check: tracebridge verify {package.name})",
    ) in ctx.summary


def test_png_is_valid() -> None:
    png = evidence_demo.png_screenshot(4, 2)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
