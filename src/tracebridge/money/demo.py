"""Demo: the world's transaction trail, its banks as agencies, a mule scan, and hold requests
for a complaint of the biggest campaign."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from tracebridge import duck
from tracebridge.agencies.services import create_agency, create_user
from tracebridge.complaints.models import Complaint
from tracebridge.demo import DEMO_PASSWORD, DemoContext
from tracebridge.money import holds, registry, services
from tracebridge.money.trace import Tracer

HUB = "IN-I4C"  # India's CFCFRMS hub collects the banks' trails
US_BANKS = {"Bank of America", "JPMorgan Chase Bank", "Wells Fargo Bank", "Truist Bank",
            "Citibank N.A.", "U.S. Bank", "PNC Bank", "Capital One", "Coinbase", "Kraken"}  # fmt: skip


def load(ctx: DemoContext) -> None:
    trail = Path(ctx.world_dir) / "transactions.parquet"
    if not trail.exists():
        ctx.note("money", "no transactions.parquet in the demo world")
        return
    banks = _bank_agencies(ctx, trail)
    _, report = services.import_trail(trail, ctx.agencies[HUB], tlp="AMBER")
    summary = registry.scan(ctx.agencies[HUB])
    ctx.note("transactions", f"{report.stored} stored, {report.rejected_total} rejected")
    ctx.note("mule registry", f"{summary.found} accounts " + _levels(summary.by_level))
    ctx.note("bank agencies", f"{banks} (sign in as e.g. sbin.officer)")
    complaint, created = _holds_for_biggest_campaign(ctx)
    if complaint is not None:
        ctx.note("hold requests", f"{created} for {complaint.reference} (biggest campaign)")


def _levels(by_level: dict[str, int]) -> str:
    return ", ".join(f"{n} {level.replace('_', ' ')}" for level, n in sorted(by_level.items()))


def _bank_agencies(ctx: DemoContext, trail: Path) -> int:
    """Every bank and exchange that receives money in the trail answers hold requests."""
    con = duck.connect()
    rows = con.execute(
        "SELECT DISTINCT to_bank, to_account FROM read_parquet(?) WHERE to_bank IS NOT NULL",
        [str(trail)],
    ).fetchall()
    codes: dict[str, str] = {}
    for name, account in rows:
        key = f"bank:{account}" if str(account or "").startswith("IN:") else ""
        code = holds.bank_code(key, str(name))
        if code:
            codes.setdefault(code, str(name))
    for code, name in sorted(codes.items()):
        country = "US" if name in US_BANKS else "IN"
        ctx.agencies[code] = create_agency(code, country, name)
        username = f"{code.removeprefix(holds.BANK_PREFIX).lower()}.officer"
        user, _ = create_user(username, code, "analyst", password=DEMO_PASSWORD)
        ctx.users[username] = user
    return len(codes)


def _holds_for_biggest_campaign(ctx: DemoContext) -> tuple[Complaint | None, int]:
    truth_path = Path(ctx.world_dir) / "truth.json"
    if not truth_path.exists():
        return None, 0
    truth = json.loads(truth_path.read_text(encoding="utf-8")).get("complaints", {})
    sizes = Counter(c for c in truth.values() if c)
    if not sizes:
        return None, 0
    biggest = sizes.most_common(1)[0][0]
    refs = [ref for ref, campaign in truth.items() if campaign == biggest]
    analyst = ctx.users.get("i4c.analyst")
    tracer = Tracer(services.trail_index())
    for complaint in Complaint.objects.filter(ref__in=refs).order_by("-loss_amount")[:50]:
        result = services.trace_complaint(complaint, tracer)
        if result.trail.holdable > 0 and analyst is not None:
            if complaint.agency_id != analyst.agency_id:
                analyst = _owner_analyst(ctx, complaint) or analyst
            return complaint, len(holds.create_holds(complaint, analyst, result.trail))
    return None, 0


def _owner_analyst(ctx: DemoContext, complaint: Complaint) -> Any:
    """The analyst of the agency that owns the complaint (its hold requests carry its name)."""
    for user in ctx.users.values():
        if user.agency_id == complaint.agency_id and user.role == "analyst":
            return user
    return None
