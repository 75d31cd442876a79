"""Campaign membership as CSV (one row per complaint) and campaign summaries as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracebridge import csvsafe
from tracebridge.campaigns.models import Campaign, CampaignStatus
from tracebridge.complaints.models import Complaint

HEADER = ("complaint_ref", "campaign_id")


def write_csv(out: Path, progress: Callable[[int], None] | None = None) -> int:
    """Every complaint, with its campaign code or an empty cell when it stands alone."""
    rows = (
        Complaint.objects.order_by("pk")
        .values_list("ref", "campaign_member__campaign__code")
        .iterator(chunk_size=5000)
    )
    count = 0
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csvsafe.writer(f)
        writer.writerow(HEADER)
        for ref, code in rows:
            writer.writerow((ref, code or ""))
            count += 1
            if progress and count % 5000 == 0:
                progress(5000)
    if progress:
        progress(count % 5000)
    return count


def summaries() -> list[dict[str, Any]]:
    return [
        {"code": c.code, "priority": c.priority, **c.summary}
        for c in Campaign.objects.filter(status=CampaignStatus.ACTIVE).order_by("-priority", "code")
    ]


def write_json(out: Path) -> int:
    items = summaries()
    out.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(items)
