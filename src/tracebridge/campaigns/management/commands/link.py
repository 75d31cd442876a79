"""tracebridge link [--full]: link complaints into campaigns."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tracebridge.campaigns import services
from tracebridge.campaigns.models import CampaignMember
from tracebridge.commands import console
from tracebridge.complaints.models import Complaint
from tracebridge.progress import console_progress


class Command(BaseCommand):
    help = (
        "Link complaints into campaigns. Without --full, links complaints that are in no "
        "campaign yet (those a missed signal left behind); --full rebuilds every campaign, "
        "keeping campaign codes when membership mostly stays."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="rebuild every campaign")

    def handle(self, *args: Any, full: bool = False, **options: Any) -> None:
        out = console()
        with console_progress(out) as bar:
            if full:
                task = bar.add_task("full link", total=4)
                report = services.full_link(
                    lambda step, done, total: bar.update(task, completed=done, description=step)
                )
                line = (
                    f"{report.campaigns} campaigns from {report.linked:,} of "
                    f"{report.complaints:,} complaints ({report.sightings:,} sightings), "
                    f"{report.hubs} identifiers refused as hubs, {report.admitted} busy ones "
                    f"linked because others corroborate them, {report.kept_codes} codes kept, "
                    f"in {report.seconds:.1f}s"
                )
            else:
                linked = CampaignMember.objects.values("complaint_id")
                ids = list(
                    Complaint.objects.exclude(pk__in=linked)
                    .filter(sightings__isnull=False)
                    .distinct()
                    .values_list("pk", flat=True)
                )
                task = bar.add_task("linking", total=len(ids))
                joined = 0
                for chunk in range(0, len(ids), services.INCREMENTAL_LIMIT):
                    part = ids[chunk : chunk + services.INCREMENTAL_LIMIT]
                    joined += sum(1 for j in services.link_complaints(part) if j.campaign)
                    bar.advance(task, len(part))
                line = f"{len(ids):,} unlinked complaints checked, {joined:,} joined a campaign"
        self.stdout.write(line)
