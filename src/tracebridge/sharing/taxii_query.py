"""TAXII 2.1 §3.4 filters and paging over a collection's stored objects, and the error type.

``added_after``, ``match[type]``, ``match[id]``, ``match[spec_version]`` and ``match[version]``
are applied in that order, as medallion (the OASIS reference server) applies them. Pages are
cut by row id; ``next`` names the last row served and a fingerprint of the request's path and
filters, so a client that changes its filters between pages gets 400 instead of a page of
something else.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.dateparse import parse_datetime

from tracebridge.sharing.models import SharedObject

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
LATEST_SPEC = "2.1"
VERSION_WORDS = frozenset({"first", "last", "all"})
PAGING = frozenset({"next", "limit"})  # everything else in the query string is a filter


class TaxiiError(Exception):
    def __init__(self, status: int, title: str, description: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.description = status, title, description


def bad_request(description: str) -> TaxiiError:
    return TaxiiError(400, "Bad Request", description)


def taxii_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def param_list(request: HttpRequest, name: str) -> list[str]:
    return [v for raw in request.GET.getlist(name) for v in raw.split(",") if v]


def _timestamp(text: str, name: str) -> datetime:
    try:
        moment = parse_datetime(text)
    except ValueError:  # well formed, but no such day or time
        moment = None
    if moment is None or moment.tzinfo is None:
        raise bad_request(f"{name} must be a timestamp such as 2026-01-01T00:00:00.000Z, "
                          f"not {text[:40]!r}")  # fmt: skip
    return moment


def _version_tokens(request: HttpRequest) -> list[str]:
    tokens = param_list(request, "match[version]") or ["last"]
    for token in tokens:
        if token not in VERSION_WORDS:
            _timestamp(token, "match[version]")
    return tokens


def _spec_wanted(request: HttpRequest) -> list[str]:
    wanted = param_list(request, "match[spec_version]")
    for value in wanted:
        if not re.fullmatch(r"\d\.\d", value):
            raise bad_request(f"match[spec_version] takes versions such as 2.1, not {value[:20]!r}")
    return wanted


def _same_object() -> QuerySet[SharedObject]:
    """Versions of the outer row's object in the outer row's collection (for subqueries)."""
    return SharedObject.objects.filter(
        agreement_id=OuterRef("agreement_id"), stix_id=OuterRef("stix_id")
    )


def by_spec(rows: QuerySet[SharedObject], wanted: list[str]) -> QuerySet[SharedObject]:
    """The versions asked for; without a filter, each object's newest STIX version only."""
    if wanted:
        return rows.filter(spec_version__in=wanted)
    newer = _same_object().filter(spec_version__gt=OuterRef("spec_version"))
    return rows.exclude(~Q(spec_version=LATEST_SPEC) & Exists(newer))


def by_version(
    rows: QuerySet[SharedObject], tokens: list[str], spec: list[str]
) -> QuerySet[SharedObject]:
    """``match[version]`` among the versions ``match[spec_version]`` leaves (TAXII 2.1 §3.4.2)."""
    if "all" in tokens:
        return rows
    versions = by_spec(_same_object(), spec).values("version")
    wanted = Q(version__in=[t for t in tokens if t not in VERSION_WORDS])
    if "last" in tokens:  # is_latest answers at once unless the newest version was filtered out
        newest = Subquery(versions.order_by("-version")[:1])
        wanted |= Q(is_latest=True) | Q(is_latest=False, version=newest)
    if "first" in tokens:
        wanted |= Q(version=Subquery(versions.order_by("version")[:1]))
    return rows.filter(wanted)


def filtered(
    request: HttpRequest, rows: QuerySet[SharedObject], *, versions: bool = True
) -> QuerySet[SharedObject]:
    if after := request.GET.get("added_after"):
        rows = rows.filter(date_added__gt=_timestamp(after, "added_after"))
    if types := param_list(request, "match[type]"):
        rows = rows.filter(stix_type__in=types)
    if ids := param_list(request, "match[id]"):
        rows = rows.filter(stix_id__in=ids)
    spec = _spec_wanted(request)
    rows = by_spec(rows, spec)
    return by_version(rows, _version_tokens(request), spec) if versions else rows


def _fingerprint(request: HttpRequest) -> str:
    filters = sorted((k, v) for k, vs in request.GET.lists() if k not in PAGING for v in vs)
    return hashlib.sha256(repr((request.path, filters)).encode()).hexdigest()[:16]


def _after_row(request: HttpRequest) -> int:
    token = request.GET.get("next")
    if not token:
        return 0
    row, _, fingerprint = token.partition("-")
    if not row.isdigit() or not fingerprint:
        raise bad_request("next is not a token this server gave")
    if fingerprint != _fingerprint(request):
        raise bad_request("the filters changed since this next token was given; "
                          "start again without next")  # fmt: skip
    return int(row)


def _limit(request: HttpRequest) -> int:
    try:
        limit = int(request.GET.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise bad_request("limit must be an integer") from None
    if limit < 1:
        raise bad_request("limit must be at least 1")
    return min(limit, MAX_LIMIT)


def page(
    request: HttpRequest, rows: QuerySet[SharedObject], fields: tuple[str, ...]
) -> tuple[list[Any], str]:
    """One page of ``fields`` (the first two are the row id and date_added) and its ``next``."""
    limit = _limit(request)
    after = _after_row(request)
    found = list(rows.filter(id__gt=after).order_by("id").values_list(*fields)[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, f"{found[-1][0]}-{_fingerprint(request)}" if more else ""
