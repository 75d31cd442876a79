"""tracebridge campaigns export|list|hubs."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from tracebridge.agencies import audit
from tracebridge.campaigns import export
from tracebridge.campaigns.models import Campaign, CampaignStatus, Hub
from tracebridge.commands import SubcommandCommand, console
from tracebridge.complaints.models import Complaint
from tracebridge.progress import console_progress


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, type=Path, help="CSV: complaint_ref,campaign_id")
    p.add_argument("--json", type=Path, help="also write campaign summaries to this JSON file")


def _list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=int, default=20)


class Command(SubcommandCommand):
    help = "Export and inspect campaigns."
    verbs = {
        "export": ("Write one row per complaint with its campaign code.", _export_args),
        "list": ("List the top campaigns by priority.", _list_args),
        "hubs": ("List identifiers that never link (warninglist, hubs, bridges).", _list_args),
    }

    def do_export(self, out: Path, json: Path | None = None, **_: Any) -> None:
        started = time.perf_counter()
        with console_progress(console()) as bar:
            task = bar.add_task("exporting", total=Complaint.objects.count())
            rows = export.write_csv(out, lambda n: bar.advance(task, n))
        campaigns = export.write_json(json) if json else 0
        audit.record("campaigns.export", object_type="campaign", rows=rows, out=str(out))
        extra = f", {campaigns} campaign summaries -> {json}" if json else ""
        self.stdout.write(
            f"{rows:,} complaints -> {out}{extra} in {time.perf_counter() - started:.1f}s"
        )

    def do_list(self, limit: int, **_: Any) -> None:
        for c in Campaign.objects.filter(status=CampaignStatus.ACTIVE)[:limit]:
            countries = ",".join(c.countries)
            self.stdout.write(f"{c.code}\t{c.priority:.1f}\t{c.size}\t{c.scam_type}\t{countries}")

    def do_hubs(self, limit: int, **_: Any) -> None:
        for hub in Hub.objects.order_by("-degree", "key")[:limit]:
            self.stdout.write(f"{hub.key}\t{hub.reason}\t{hub.degree}\t{hub.detail}")
