"""The analyst's own things: follows, alerts, saved searches, the last dashboard visit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tracebridge import identifiers
from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import can_view, visible_q
from tracebridge.campaigns.models import (
    Alert,
    Campaign,
    CampaignMember,
    Follow,
    SavedSearch,
    Visit,
)
from tracebridge.complaints.models import Complaint, Sighting
from tracebridge.errors import Invalid


def normalise_target(kind: str, target: str, region: str | None) -> str:
    """The canonical key of an identifier (any spelling), or a campaign code."""
    target = (target or "").strip()
    if kind == Follow.CAMPAIGN:
        if not target:
            raise Invalid("Give a campaign code.", field="target")
        return target.upper()
    if kind != Follow.IDENTIFIER:
        raise Invalid(f"Follow an identifier or a campaign, not {kind!r}.", field="target")
    found = identifiers.parse_any(target, region)
    if not isinstance(found, identifiers.Identifier):
        raise Invalid(found.reason, field="target")
    return found.key


def follow(user: User, kind: str, target: str) -> Follow:
    region = getattr(user.agency, "country", None)
    key = normalise_target(kind, target, region)
    item, _ = Follow.objects.get_or_create(user=user, target_kind=kind, target=key)
    return item


def unfollow(user: User, follow_id: int) -> bool:
    deleted, _ = Follow.objects.filter(user=user, pk=follow_id).delete()
    return bool(deleted)


def is_following(user: User, kind: str, target: str) -> Follow | None:
    return Follow.objects.filter(user=user, target_kind=kind, target=target).first()


def save_search(user: User, name: str, query: str) -> SavedSearch:
    name, query = (name or "").strip()[:100], (query or "").strip()[:300]
    if not name or not query:
        raise Invalid("A saved search needs a name and a query.", field="name")
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(user=user, name=name, query=query)
    except IntegrityError:
        raise Invalid(f"You already have a saved search called {name!r}.", field="name") from None


def delete_search(user: User, search_id: int) -> bool:
    deleted, _ = SavedSearch.objects.filter(user=user, pk=search_id).delete()
    return bool(deleted)


def raise_alerts(complaint_ids: Iterable[int]) -> int:
    """Alert followers of any identifier or campaign these complaints touch, if they may see them.

    A fixed number of queries per batch (a bulk import or a federation pull saves thousands).
    """
    ids = list(complaint_ids)
    keys: dict[int, set[str]] = {}
    for cid, key in Sighting.objects.filter(complaint_id__in=ids).values_list(
        "complaint_id", "key"
    ):
        keys.setdefault(cid, set()).add(key)
    campaign_of = {
        m.complaint_id: m.campaign
        for m in CampaignMember.objects.filter(complaint_id__in=ids).select_related("campaign")
    }
    wanted = Q(target_kind=Follow.IDENTIFIER, target__in={k for ks in keys.values() for k in ks})
    wanted |= Q(target_kind=Follow.CAMPAIGN, target__in={c.code for c in campaign_of.values()})
    follows = list(Follow.objects.filter(wanted).select_related("user", "user__agency"))
    if not follows:
        return 0
    hits: dict[tuple[int, int], tuple[Follow, Complaint, Campaign | None]] = {}
    for complaint in Complaint.objects.filter(pk__in=ids):
        campaign = campaign_of.get(complaint.pk)
        for item in follows:
            if item.target_kind == Follow.IDENTIFIER:
                hit = item.target in keys.get(complaint.pk, ())
            else:
                hit = campaign is not None and item.target == campaign.code
            if hit and can_view(item.user, complaint):
                hits[(item.pk, complaint.pk)] = (item, complaint, campaign)
    return _store_alerts(hits)


def _store_alerts(hits: dict[tuple[int, int], tuple[Follow, Complaint, Campaign | None]]) -> int:
    """One alert per follow and complaint: new ones in one insert; earlier ones get the campaign
    if they were raised before linking (a federation pull links at its end)."""
    earlier = Alert.objects.filter(
        follow_id__in={f for f, _ in hits}, complaint_id__in={c for _, c in hits}
    ).values_list("pk", "follow_id", "complaint_id", "campaign_id")
    if not hits:
        return 0
    attach: dict[Campaign, list[int]] = {}
    for pk, follow_id, complaint_id, campaign_id in earlier:
        hit = hits.pop((follow_id, complaint_id), None)
        if hit is not None and campaign_id is None and hit[2] is not None:
            attach.setdefault(hit[2], []).append(pk)
    for campaign, pks in attach.items():
        Alert.objects.filter(pk__in=pks).update(campaign=campaign)
    Alert.objects.bulk_create(
        [
            Alert(user=item.user, follow=item, complaint=complaint, campaign=campaign)
            for item, complaint, campaign in hits.values()
        ],
        ignore_conflicts=True,  # raised meanwhile by a concurrent save
    )
    return len(hits)


def _unread(user: User) -> Any:
    """Unread alerts about complaints the user may see now. Visibility is decided at read time:
    an alert stays stored but hidden while its complaint is out of reach (a raised marking, a
    revoked agreement), and is neither shown nor counted."""
    return Alert.objects.filter(user=user, read_at__isnull=True).filter(
        visible_q(user, "complaint", "complaint__")
    )


def unread_alerts(user: User) -> Any:
    return (
        _unread(user)
        .select_related("follow", "complaint", "campaign")
        .order_by("-created_at", "-id")
    )


def mark_read(user: User, alert_ids: Iterable[int] | None = None) -> int:
    alerts = _unread(user)
    if alert_ids is not None:
        alerts = alerts.filter(pk__in=list(alert_ids))
    return alerts.update(read_at=timezone.now())


def last_visit(user: User, touch: bool = True) -> datetime | None:
    """When the user last opened the dashboard (before now); records this visit."""
    visit = Visit.objects.filter(user=user).first()
    previous = visit.dashboard_at if visit else None
    if touch:
        Visit.objects.update_or_create(user=user, defaults={"dashboard_at": timezone.now()})
    return previous
