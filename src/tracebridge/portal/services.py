"""The public checker and public statistics: counts under the agencies' publication policies."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tracebridge.complaints.models import Sighting
from tracebridge.identifiers import Identifier, parse_any, phone_readings, social_readings
from tracebridge.portal import policy
from tracebridge.portal.disclosure import suppress
from tracebridge.portal.models import PublicIdentifierStat
from tracebridge.warninglist import helpline, legitimate_owner

MAX_INPUT = 300
CHECK_TTL = 60
STATS_TTL = 300
HIGH_RISK_REPORTS = 3
REGIONS = ("IN", "US")


def refresh_identifier_stats(keys: Iterable[str] | None = None) -> int:
    """Recompute the public counts of ``keys`` (all identifiers when None); returns rows written."""
    rules = policy.Policies()
    sightings = Sighting.objects.filter(complaint__in=policy.allowed_complaints(rules))
    if keys is not None:
        keys = sorted(set(keys))
        sightings = sightings.filter(key__in=keys)
    merged = _published(_per_agency(sightings), rules)
    with transaction.atomic():
        stale = (
            PublicIdentifierStat.objects.all()
            if keys is None
            else PublicIdentifierStat.objects.filter(key__in=keys)
        )
        stale.exclude(key__in=list(merged)).delete()
        _write_stats(merged)
    # after the write, so that no check caches the old row again meanwhile
    cache.delete_many([f"portal:check:{key}" for key in (merged if keys is None else keys)])
    return len(merged)


@dataclass
class _Tally:
    """One agency's reports of one identifier: independent reporters and their complaints."""

    kind: str
    reporters: set[str] = field(default_factory=set)
    types: Counter[str] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None


def _per_agency(sightings: Any) -> dict[tuple[str, int], _Tally]:
    """A reporter is the public-form reporter's keyed address hash when known, else the
    complaint: one person's three reports of a number are one independent report."""
    rows = sightings.values_list(
        "key",
        "kind",
        "complaint_id",
        "complaint__agency_id",
        "complaint__scam_type",
        "complaint__received_at",
        "complaint__public_report__address_digest",
    ).distinct()
    tallies: dict[tuple[str, int], _Tally] = {}
    seen: set[tuple[str, int]] = set()
    for key, kind, complaint_id, agency_id, scam_type, received, digest in rows:
        tally = tallies.setdefault((key, agency_id), _Tally(kind=kind))
        tally.reporters.add(f"r:{digest}" if digest else f"c:{complaint_id}")
        if (key, complaint_id) in seen:
            continue
        seen.add((key, complaint_id))
        tally.types[scam_type] += 1
        tally.first = min(tally.first or received, received)
        tally.last = max(tally.last or received, received)
    return tallies


def _published(tallies: dict[tuple[str, int], _Tally], rules: policy.Policies) -> dict[str, Any]:
    """Sum the agencies whose own count reaches their minimum; the others add nothing."""
    merged: dict[str, dict[str, Any]] = {}
    for (key, agency_id), tally in tallies.items():
        if len(tally.reporters) < rules.minimum(agency_id):
            continue
        stat = merged.setdefault(
            key,
            {
                "kind": tally.kind,
                "reports": 0,
                "types": Counter(),
                "first": tally.first,
                "last": tally.last,
            },
        )
        stat["reports"] += len(tally.reporters)
        stat["types"].update(tally.types)
        stat["first"] = min(stat["first"], tally.first)
        stat["last"] = max(stat["last"], tally.last)
    return merged


def _write_stats(merged: dict[str, Any]) -> None:
    PublicIdentifierStat.objects.bulk_create(
        [
            PublicIdentifierStat(
                key=key,
                kind=stat["kind"],
                reports=stat["reports"],
                scam_types=dict(stat["types"]),
                first_reported=stat["first"],
                last_reported=stat["last"],
            )
            for key, stat in merged.items()
        ],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=[
            "kind",
            "reports",
            "scam_types",
            "first_reported",
            "last_reported",
            "updated_at",
        ],
    )


def refresh_for_complaints(complaint_ids: list[int]) -> int:
    keys = Sighting.objects.filter(complaint_id__in=complaint_ids).values_list("key", flat=True)
    return refresh_identifier_stats(list(keys))


@dataclass(frozen=True)
class CheckResult:
    query: str
    status: str  # invalid | card_refused | helpline | legitimate | reported | not_reported
    kind: str = ""
    value: str = ""
    reports: int = 0
    risk: str = ""  # high | medium | unknown | none
    scam_types: list[str] = field(default_factory=list)
    last_reported: datetime | None = None
    owner: str = ""
    # the other readings tried (phone numbers written without a country code), as values
    others: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "status": self.status,
            "kind": self.kind,
            "value": self.value,
            "reports": self.reports,
            "risk": self.risk,
            "scam_types": self.scam_types,
            "owner": self.owner,
            "last_reported": self.last_reported.date().isoformat() if self.last_reported else None,
            "other_readings": self.others,
        }


_SPACED_AT = re.compile(r"\s*@\s*")
_FULL_CARD = re.compile(r"^[\d\s-]{12,}$")


def tidy(text: str) -> str:
    """One line, at most MAX_INPUT characters; "pooja.4738 @ okicici" loses its spaces."""
    query = " ".join(text.split())[:MAX_INPUT]
    joined = _SPACED_AT.sub("@", query)
    return joined if " " not in joined else query


def check(text: str, region: str | None = None) -> CheckResult:
    """What the public may learn about one identifier, in any spelling.

    ``region`` ("IN" or "US") reads national phone numbers the way the person would dial them
    first; the other country's reading is tried too, and the first one with reports wins.
    """
    query = tidy(text)
    if not query:
        return CheckResult(query="", status="invalid")
    if line := helpline(query):
        return CheckResult(query=query, status="helpline", owner=line, risk="none")
    region = region if region in REGIONS else None
    found = parse_any(query, region)
    if isinstance(found, Identifier) and found.kind == "card" and _FULL_CARD.match(query):
        # a whole card number is refused, and not echoed back (the masked form is)
        return CheckResult(query=found.value, status="card_refused", kind="card")
    readings = _readings(query, region, found)
    if not readings:
        return CheckResult(query=query, status="invalid")
    answers = [(reading, _cached(reading)) for reading in readings]
    chosen, answer = next(((r, a) for r, a in answers if a["status"] != "not_reported"), answers[0])
    others = [r.value for r in readings if r is not chosen]
    return CheckResult(query=query, others=others, **answer)


def _readings(query: str, region: str | None, found: Any) -> list[Identifier]:
    """Every plausible reading: the region's (or the only) one first."""
    readings = [found] if isinstance(found, Identifier) else []
    for extra in [*phone_readings(query), *social_readings(query)]:
        if all(extra.key != r.key for r in readings):
            readings.append(extra)
    return readings


def _cached(found: Identifier) -> dict[str, Any]:
    cached = cache.get(f"portal:check:{found.key}")
    if cached is None:
        cached = _lookup(found)
        cache.set(f"portal:check:{found.key}", cached, CHECK_TTL)
    return dict(cached)


def _lookup(found: Identifier) -> dict[str, Any]:
    base = {"kind": found.kind, "value": found.value}
    owner = legitimate_owner(found.key)
    if owner:
        return {**base, "status": "legitimate", "owner": owner, "risk": "none"}
    stat = _stat(found.key)
    if stat is None or stat.reports == 0:
        return {**base, "status": "not_reported", "risk": "unknown"}
    types = [t for t, _ in Counter(stat.scam_types).most_common(3)]
    risk = "high" if stat.reports >= HIGH_RISK_REPORTS else "medium"
    return {
        **base,
        "status": "reported",
        "reports": stat.reports,
        "risk": risk,
        "scam_types": types,
        "last_reported": stat.last_reported,
    }


@dataclass(frozen=True)
class _Stat:
    reports: int
    scam_types: dict[str, int]
    last_reported: datetime | None


def _stat(key: str) -> _Stat | None:
    """One row by its unique key, through a plain cursor: building an ORM query cost more than
    running it, and this is the node's hottest path (bench/portal.py)."""
    with connection.cursor() as cursor:
        cursor.execute(_STAT_SQL, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    types = json.loads(row[1]) if isinstance(row[1], str) else row[1]
    last = row[2]
    if isinstance(last, str):  # SQLite hands back text
        last = parse_datetime(last)
    if last is not None and timezone.is_naive(last):
        last = timezone.make_aware(last, UTC)
    return _Stat(reports=row[0], scam_types=types, last_reported=last)


_STAT_SQL = (
    "SELECT reports, scam_types, last_reported "  # noqa: S608 - constant table name
    f"FROM {PublicIdentifierStat._meta.db_table} WHERE key = %s"
)


def statistics() -> dict[str, Any]:
    """Policy-allowed aggregates for the statistics page, cached for a few minutes."""
    cached = cache.get("portal:stats")
    if cached is None:
        cached = _statistics()
        cache.set("portal:stats", cached, STATS_TTL)
    return cached


def _statistics() -> dict[str, Any]:
    """Every figure passes ``disclosure.suppress``: none counts fewer than the minimum."""
    clear = policy.allowed_complaints()
    least = settings.PUBLIC_MIN_COUNT
    monthly = suppress(_monthly(clear), least, sums_to_total=True)
    return {
        "total": suppress([{"reports": clear.count()}], least)[0]["reports"],
        "min_count": least,
        "monthly": sorted(monthly, key=lambda r: (r["month"], r["country"])),
        "scam_types": suppress(_scam_types(clear), least),
        "losses": suppress(_losses(clear), least),
    }


def _monthly(clear: Any) -> list[dict[str, Any]]:
    rows = (
        clear.annotate(month=TruncMonth("received_at"))
        .values("month", "country")
        .annotate(n=Count("id"))
        .order_by("month", "country")
    )
    return [
        {"month": r["month"].strftime("%Y-%m"), "country": r["country"], "reports": r["n"]}
        for r in rows
    ]


def _scam_types(clear: Any) -> list[dict[str, Any]]:
    rows = clear.values("scam_type").annotate(n=Count("id")).order_by("-n", "scam_type")[:10]
    return [{"scam_type": r["scam_type"], "reports": r["n"]} for r in rows]


def _losses(clear: Any) -> list[dict[str, Any]]:
    rows = (
        clear.exclude(loss_amount=None)
        .exclude(payment_method="")
        .values("payment_method", "loss_currency")
        .annotate(total=Sum("loss_amount"), n=Count("id"))
        .order_by("loss_currency", "-total")
    )
    return [
        {
            "payment_method": r["payment_method"],
            "currency": r["loss_currency"],
            "total": f"{r['total']:.2f}",
            "reports": r["n"],
        }
        for r in rows
    ]


def forget_statistics() -> None:
    cache.delete("portal:stats")
