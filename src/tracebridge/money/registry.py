"""The mule and suspect registry: filled by mule scans and agencies' reports, queried by anyone
on the node by account, UPI ID, phone or wallet in any spelling.

Entries are marked TLP:GREEN by default: community-wide, which on a node means every agency and
bank that uses it (the purpose of a shared registry); an agency may report one at a stricter
marking, and then only the agencies the marking allows see it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tracebridge import csvsafe
from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.permissions import is_agency_user, visible_q
from tracebridge.agencies.services import ServiceError
from tracebridge.identifiers import Identifier
from tracebridge.money import mules
from tracebridge.money.accounts import account_form, lookup_keys, normalise
from tracebridge.money.holds import BANK_PREFIX
from tracebridge.money.models import REGISTRY_TLP, MuleAlias, MuleEntry
from tracebridge.money.services import store

REPORT_SCORES = {"medium": 45, "high": 65, "very_high": 85}


@dataclass
class ScanSummary:
    found: int
    created: int
    refreshed: int
    by_level: dict[str, int]
    scores: list[mules.Score]


def scan(
    agency: Agency, user: User | None = None, progress: Callable[[str], None] | None = None
) -> ScanSummary:
    """Score the whole store and bring the registry up to date."""
    con = store().connect()
    scores = mules.scan(con, progress=progress)
    created, refreshed = _save(scores, agency)
    by_level: dict[str, int] = {}
    for s in scores:
        by_level[s.level] = by_level.get(s.level, 0) + 1
    audit.record("money.mule_scan", user=user, agency=agency, found=len(scores), created=created)
    return ScanSummary(len(scores), created, refreshed, by_level, scores)


def _save(scores: list[mules.Score], agency: Agency) -> tuple[int, int]:
    now = timezone.now()
    existing = {e.key: e for e in MuleEntry.objects.filter(key__in=[s.key for s in scores])}
    new, changed = [], []
    for s in scores:
        entry = existing.get(s.key)
        last = _dt(s.last_ts)
        if entry is None:
            entry = MuleEntry(key=s.key, agency=agency, tlp=REGISTRY_TLP, seen_at=now)
            new.append(entry)
        else:
            if entry.last_activity is None or (last and last > entry.last_activity):
                entry.seen_at = now  # new activity: seen again, the decay starts over
            changed.append(entry)
        _fill(entry, s, last)
    with transaction.atomic():
        MuleEntry.objects.bulk_create(new, batch_size=500)
        MuleEntry.objects.bulk_update(
            changed,
            ["score", "reasons", "victims", "in_amount_inr", "out_amount_inr", "first_activity",
             "last_activity", "seen_at", "account"],
            batch_size=500,
        )  # fmt: skip
        _aliases(MuleEntry.objects.filter(key__in=[s.key for s in scores]))
    return len(new), sum(1 for e in changed if e.seen_at == now)


def _fill(entry: MuleEntry, s: mules.Score, last: datetime | None) -> None:
    entry.account = s.account
    entry.score = max(s.score, entry.score if entry.source == "report" else 0)
    entry.reasons = s.reasons
    entry.victims = s.victims
    entry.in_amount_inr = Decimal(f"{s.in_inr:.2f}")
    entry.out_amount_inr = Decimal(f"{s.out_inr:.2f}")
    entry.first_activity = _dt(s.first_ts)
    entry.last_activity = last


def _aliases(entries: Iterable[MuleEntry]) -> None:
    rows = [MuleAlias(entry=e, key=alias) for e in entries for alias in aliases_of(e.key)]
    MuleAlias.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def aliases_of(key: str) -> list[str]:
    """A UPI ID whose handle is an Indian mobile number is also found by that number."""
    if key.startswith("upi:"):
        handle = key[4:].split("@", 1)[0]
        if len(handle) == 10 and handle.isdigit() and handle[0] in "6789":
            return [f"phone:+91{handle}"]
    return []


def _dt(epoch: int) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch else None


def entries_for(user: User) -> QuerySet[MuleEntry]:
    """What the registry shows ``user``: GREEN is the node's community, plus usual markings."""
    if not is_agency_user(user):
        return MuleEntry.objects.none()
    return MuleEntry.objects.filter(visible_q(user, "muleentry") | Q(tlp=REGISTRY_TLP))


def lookup(user: User, text: str) -> list[MuleEntry]:
    """Registry entries matching an account, UPI ID, phone or wallet in any spelling.

    A bare account number (9 to 18 digits, as a bank's staff type it without the IFSC) also
    finds the bank accounts that end in it: the registry keys them with their IFSC.
    """
    keys = lookup_keys(text)
    query = _bare_account_q(text)
    exact = [k for k in keys if not k.endswith("@")]
    if exact:
        query |= Q(key__in=exact) | Q(aliases__key__in=exact)
    for prefix in (k for k in keys if k.endswith("@")):
        query |= Q(key__startswith=prefix)
    if not query:
        return []
    return list(entries_for(user).filter(query).distinct()[:50])


def _bare_account_q(text: str) -> Q:
    digits = re.sub(r"[\s-]", "", text)
    if not (digits.isdigit() and 9 <= len(digits) <= 18):
        return Q()
    return Q(key__startswith="bank:", key__endswith=f":{digits}")


def at_bank(entries: QuerySet[MuleEntry], agency: Agency) -> QuerySet[MuleEntry]:
    """The entries held at the bank ``agency`` is (``BANK-SBIN``: IFSCs starting SBIN).

    Indian accounts name their bank in the IFSC, and UPI IDs in their handle only loosely, so
    the filter covers Indian bank accounts; other agencies get nothing.
    """
    code = agency.code.removeprefix(BANK_PREFIX) if agency.code.startswith(BANK_PREFIX) else ""
    if len(code) != 4 or not code.isalpha():
        return entries.none()
    return entries.filter(key__startswith=f"bank:IN:{code}")


CSV_COLUMNS = (
    "account", "level", "score", "victims", "in_amount_inr", "out_amount_inr",
    "first_activity", "last_activity", "reported_by", "reasons",
)  # fmt: skip


def export_rows(entries: Iterable[MuleEntry]) -> Iterable[list[str]]:
    """The registry as CSV rows (header first), what a bank loads into its own screening."""
    yield list(CSV_COLUMNS)
    for e in entries:
        yield [
            e.account, e.current_level(), str(e.current_score()), str(e.victims),
            str(e.in_amount_inr), str(e.out_amount_inr),
            e.first_activity.isoformat() if e.first_activity else "",
            e.last_activity.isoformat() if e.last_activity else "",
            e.agency.code, "; ".join(e.reasons),
        ]  # fmt: skip


def report(user: User, text: str, level: str, reason: str, tlp: str = REGISTRY_TLP) -> MuleEntry:
    """An agency or bank reports a suspect account by hand."""
    if level not in REPORT_SCORES:
        raise ServiceError(f"level must be one of {', '.join(REPORT_SCORES)}")
    found = normalise(text)
    if not isinstance(found, Identifier):
        raise ServiceError(found.reason)
    entry, created = MuleEntry.objects.get_or_create(
        key=found.key,
        defaults={"agency": user.member_agency, "tlp": tlp, "seen_at": timezone.now(),
                  "account": account_form(found.key), "source": "report"},
    )  # fmt: skip
    entry.score = max(entry.current_score(), REPORT_SCORES[level])
    entry.reasons = [*entry.reasons, f"reported by {user.agency}: {reason[:300]}"]
    entry.seen_at = timezone.now()
    entry.save()
    _aliases([entry])
    audit.record("money.registry.report", user=user, obj=entry, created=created, level=level)
    return entry


def write_csv(scores: list[mules.Score], path: Path) -> None:
    """``account`` (as the trail writes it), key, score, level, victims, reasons."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csvsafe.writer(handle)
        out.writerow(["account", "key", "score", "level", "victims", "reasons"])
        for s in scores:
            out.writerow([s.account, s.key, s.score, s.level, s.victims, "; ".join(s.reasons)])
