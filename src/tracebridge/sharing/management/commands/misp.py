from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency
from tracebridge.agencies.services import get_agency
from tracebridge.commands import SubcommandCommand, console
from tracebridge.progress import console_progress
from tracebridge.sharing import misp
from tracebridge.sharing.exports import OWN_EXPORT_TLP, misp_events
from tracebridge.sharing.services import agreement_between


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, type=Path, help="directory to write")
    p.add_argument("--feed", action="store_true", help="also manifest.json and hashes.csv")
    p.add_argument("--agency", default="", help="only this agency (default: every agency)")
    p.add_argument("--partner", default="", help="what each agreement to this agency allows")


class Command(SubcommandCommand):
    help = "MISP events and feeds of shareable complaints."
    verbs = {"export": ("Write MISP event JSON (and a MISP feed with --feed).", _export_args)}

    def do_export(self, out: Path, feed: bool, agency: str, partner: str, **_: Any) -> None:
        started = time.perf_counter()
        owners = [get_agency(agency)] if agency else list(Agency.objects.all())
        target = get_agency(partner) if partner else None

        def markings_for(owner: Agency) -> tuple[Any, Any]:
            if target is None:
                return OWN_EXPORT_TLP, ()
            agreement = agreement_between(owner, target)
            if agreement is None:
                return frozenset(), ()
            return agreement.effective_tlp(), agreement.fields

        if target is not None and all(markings_for(o)[0] == frozenset() for o in owners):
            raise CommandError(f"no agreement lets {target.code} receive anything")
        with console_progress(console(), transient=True) as progress:
            task = progress.add_task("MISP events", total=None)

            def events() -> Any:
                for event in misp_events(owners, markings_for):
                    progress.advance(task)
                    yield event

            count = misp.write_events(out, events(), feed=feed)
        audit.record("misp.export", object_type="feed" if feed else "events", events=count,
                     partner=partner, agency=None)  # fmt: skip
        self.stdout.write(
            f"{count} MISP events -> {out}{' (feed)' if feed else ''} "
            f"in {time.perf_counter() - started:.1f}s"
        )
