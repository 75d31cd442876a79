"""What the witness page and API show: the logs witnessed, the split views, our witnesses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string

from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.permissions import has_role
from tracebridge.witness.models import SplitView, WitnessedLog, WitnessPeer, WitnessReset


def split_views() -> QuerySet[SplitView]:
    return SplitView.objects.select_related("log__partner").order_by("-detected_at", "-id")


def split_view_row(alert: SplitView) -> dict[str, Any]:
    return {
        "origin": alert.log.origin,
        "partner": alert.log.partner.name,
        "size": alert.size,
        "held_root": alert.held_root,
        "held_checkpoint": alert.held_note,
        "other_root": alert.other_root,
        "other_checkpoint": alert.other_note,
        "reported_by": alert.reported_by,
        "detected_at": alert.detected_at.isoformat(),
    }


def logs() -> QuerySet[WitnessedLog]:
    """The logs witnessed now (those reset are kept, retired, behind ``resets``)."""
    return WitnessedLog.objects.filter(retired_at=None).select_related("partner").order_by("origin")


def resets() -> QuerySet[WitnessReset]:
    return WitnessReset.objects.select_related("log__partner").order_by("-reset_at", "-id")


def reset_row(reset: WitnessReset) -> dict[str, Any]:
    return {
        "origin": reset.log.origin,
        "partner": reset.log.partner.name,
        "size": reset.size,
        "root": reset.root,
        "old_key": reset.old_key,
        "new_key": reset.new_key,
        "reason": reset.reason,
        "by": reset.by,
        "reset_at": reset.reset_at.isoformat(),
    }


def peers() -> QuerySet[WitnessPeer]:
    return WitnessPeer.objects.select_related("partner").order_by("partner__name")


def alerts_panel(request: SignedInRequest, _obj: object) -> str | None:
    """Split views on the dashboard's alerts card, for agency admins (registered in ready())."""
    if not has_role(request.user, "agency_admin"):
        return None
    count = SplitView.objects.count()
    if not count:
        return None
    return render_to_string("witness/alerts.html", {"count": count}, request=request)
