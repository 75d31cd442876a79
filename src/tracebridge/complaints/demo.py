"""Demo: import the simulated world's complaints and FTC DNC rows, each owned as in real life."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracebridge.agencies.models import Agency
from tracebridge.complaints import reports
from tracebridge.complaints.importers import import_file
from tracebridge.demo import DemoContext

# source -> owning agency; PORTAL reports belong to the victim's country's intake agency
OWNERS = {"FTC": "US-FTC", "IC3": "US-FBI", "NCRP": "IN-I4C"}
FILES = ("complaints.jsonl", "ftc_dnc.csv")


def owner_code(fields: dict[str, Any]) -> str:
    """Owner of a complaint from its model field values (source, country)."""
    if fields["source"] in OWNERS:
        return str(OWNERS[fields["source"]])
    return reports.OWNERS.get(fields["country"], "US-FTC")


def _ensure_world(ctx: DemoContext) -> Path:
    world = Path(ctx.world_dir)
    if not all((world / name).exists() for name in FILES):
        from tracebridge.simulate import generate

        generate(world, ctx.seed, scale="small")
    return world


def load(ctx: DemoContext) -> None:
    world = _ensure_world(ctx)
    agencies = ctx.agencies

    def route(fields: dict[str, Any]) -> Agency:
        return agencies[owner_code(fields)]

    canonical = import_file(
        world / "complaints.jsonl", agencies["IN-I4C"], "canonical", route=route
    )
    dnc = import_file(world / "ftc_dnc.csv", agencies["US-FTC"], "ftc-dnc")
    ctx.note("complaints", f"{canonical.created + canonical.unchanged} canonical, "
                           f"{dnc.created + dnc.unchanged} FTC DNC")  # fmt: skip
    rejected = canonical.rejected + dnc.rejected
    if rejected:
        ctx.note("complaint rows rejected", f"{rejected} (see {canonical.rejects_path})")
