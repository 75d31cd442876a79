"""A campaign's figures for one reader, over the members that reader may see.

The one function every path calls that shows a campaign's size, countries, cross-border flag,
losses, scam type, payment methods, timeline, victims' states, elderly count or priority: the
API (list, detail, search), the campaign list, the campaign page, the dashboard and search.
Members come from ``agencies.permissions.visible_q``; victims' states and age bands only where
the complaint's redaction for the reader (``complaints.redaction.Reader``) keeps those fields.
Everything is computed at read time with one "now", so the same campaign shows the same figures
on every path for the same reader. The figures stored on ``Campaign`` cover every member and only
serve linking (which campaign absorbs which) and the operator's ``campaigns export --json``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, QuerySet, TextField, Value, When
from django.db.models.fields.json import KT
from django.utils import timezone

from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import visible_q
from tracebridge.campaigns import scoring
from tracebridge.campaigns.models import Campaign, CampaignStatus
from tracebridge.campaigns.services import FACT_FIELDS, facts_of
from tracebridge.complaints.bulk import paused_gc
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.redaction import Reader, reader

# The narrative is read only where the structured scam type says nothing (scoring classifies it).
_VAGUE_TYPES = ("", "unknown", "other")
_FACTS = [f for f in FACT_FIELDS if f not in ("narrative", "victim")]
_COLUMNS = ("campaign_member__campaign_id", "agency_id", "tlp", *_FACTS)
# The victim fields the figures use, read as text (no JSON to decode per member).
_VICTIM = ("state", "age_band")


@dataclass(frozen=True)
class Figures:
    """One campaign as one reader may see it."""

    campaign: Campaign
    summary: dict[str, Any]

    @property
    def code(self) -> str:
        return self.campaign.code

    @property
    def size(self) -> int:
        return int(self.summary["size"])

    @property
    def priority(self) -> float:
        return float(self.summary["priority"])

    @property
    def countries(self) -> list[str]:
        return list(self.summary.get("countries") or {})

    @property
    def cross_border(self) -> bool:
        return bool(self.summary.get("cross_border"))

    @property
    def scam_type(self) -> str:
        return str(self.summary.get("scam_type") or "")

    @property
    def first_seen(self) -> datetime | None:
        return _when(self.summary.get("first_seen"))

    @property
    def last_seen(self) -> datetime | None:
        return _when(self.summary.get("last_seen"))

    @property
    def losses(self) -> dict[str, str]:
        return dict(self.summary.get("losses") or {})

    @property
    def loss_usd(self) -> float:
        """All currencies at the scoring rates, to sort by loss."""
        return scoring.usd({cur: Decimal(amount) for cur, amount in self.losses.items()})

    def matches(
        self, cross_border: bool | None = None, scam_type: str = "", since: datetime | None = None
    ) -> bool:
        """The list filters, applied to what this reader sees."""
        if cross_border is not None and self.cross_border != cross_border:
            return False
        if scam_type and self.scam_type != scam_type:
            return False
        if since is not None:
            last = self.last_seen
            return self.campaign.created_at > since or (last is not None and last > since)
        return True


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _rows(user: User, campaigns: QuerySet[Campaign]) -> Iterator[dict[str, Any]]:
    cue = Case(
        When(scam_type__in=_VAGUE_TYPES, then=F("narrative")),
        default=Value(""),
        output_field=TextField(),
    )
    rows = (
        Complaint.objects.filter(visible_q(user, "complaint"))
        .filter(campaign_member__campaign__in=campaigns)
        .order_by()
        .values(*_COLUMNS, cue=cue, **{f"v_{k}": KT(f"victim__{k}") for k in _VICTIM})
    )
    yield from rows.iterator(chunk_size=2000)


def _facts(row: dict[str, Any], read: Reader) -> scoring.Facts:
    """One member's facts, its victim fields cut to what the reader may see."""
    fields = read.fields_of(row["agency_id"], row["tlp"])
    victim = {k: row[f"v_{k}"] for k in _VICTIM if fields is None or k in fields}
    return facts_of({**row, "narrative": row["cue"], "victim": victim})


def for_reader(user: User, campaigns: QuerySet[Campaign] | None = None) -> list[Figures]:
    """Each active campaign (of ``campaigns``) over the members ``user`` may see, by the
    reader's priority then code. A campaign with no visible member is left out."""
    if campaigns is None:
        campaigns = Campaign.objects.all()
    campaigns = campaigns.filter(status=CampaignStatus.ACTIVE)
    read = reader(user)
    grouped: dict[int, list[scoring.Facts]] = defaultdict(list)
    with paused_gc():  # tens of thousands of young objects, no cycles
        for row in _rows(user, campaigns):
            grouped[row["campaign_member__campaign_id"]].append(_facts(row, read))
        now = timezone.now()
        by_id = Campaign.objects.only("code", "created_at").in_bulk(list(grouped))
        out = [Figures(by_id[pk], scoring.summarize(facts, now)) for pk, facts in grouped.items()]
    return sorted(out, key=lambda f: (-f.priority, f.code))


def of_campaign(user: User, campaign: Campaign) -> Figures:
    """One campaign for ``user`` (size 0 when they may see none of its members)."""
    found = for_reader(user, Campaign.objects.filter(pk=campaign.pk))
    return found[0] if found else Figures(campaign, scoring.summarize([], timezone.now()))
