"""Linking complaints into campaigns in the database: full rebuilds and one complaint at a time."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from tracebridge import warninglist
from tracebridge.campaigns import evidence, linking, scoring, soft_links
from tracebridge.campaigns.models import (
    Campaign,
    CampaignMember,
    CampaignStatus,
    Hub,
    SoftLink,
    SoftLinkDecision,
)
from tracebridge.complaints.models import Complaint, Sighting

PARAMS = linking.LinkParams()
# Above this many complaints in one save, a full rebuild is cheaper than linking one by one.
INCREMENTAL_LIMIT = 500
BATCH = 2000
Progress = Callable[[str, int, int], None]


@dataclass
class LinkReport:
    complaints: int
    sightings: int
    campaigns: int
    linked: int
    hubs: int
    kept_codes: int
    seconds: float
    # Busy identifiers counting alone would refuse, linked because others corroborate them.
    admitted: int = 0
    soft_links: int = 0  # identifier groups joined on money (``soft_links``)
    soft_seconds: float = 0.0


def listed_fn() -> Callable[[str], str | None]:
    """The warninglist plus the keys operators added to it."""
    extra = frozenset(Hub.objects.filter(reason="operator").values_list("key", flat=True))
    return lambda key: warninglist.listed(key, extra)


def _pairs() -> Iterator[tuple[int, str]]:
    rows = Sighting.objects.order_by().values_list("complaint_id", "key")
    yield from rows.iterator(chunk_size=BATCH)


def _next_code_factory() -> Callable[[], str]:
    numbers = [
        int(c[2:]) for c in Campaign.objects.values_list("code", flat=True) if c[2:].isdigit()
    ]
    counter = iter(range(max(numbers, default=0) + 1, 10**9))
    return lambda: f"CA{next(counter):06d}"


def full_link(progress: Progress | None = None) -> LinkReport:
    """Rebuild every campaign from every sighting; codes survive when membership mostly stays."""
    started = time.perf_counter()
    note = progress or (lambda step, done, total: None)
    note("reading sightings", 0, 4)
    graph = linking.Graph.from_pairs(_pairs())
    note("linking", 1, 4)
    result = linking.link(graph, listed_fn(), PARAMS)
    soft_started = time.perf_counter()
    groups, links = soft_groups(result.groups)
    soft_seconds = time.perf_counter() - soft_started
    previous = dict(
        CampaignMember.objects.filter(campaign__status=CampaignStatus.ACTIVE).values_list(
            "complaint_id", "campaign__code"
        )
    )
    codes, successors = linking.assign_codes(groups, previous, _next_code_factory())
    note("saving campaigns", 2, 4)
    with transaction.atomic():
        _save_groups(groups, result.via, codes, successors)
        _save_hubs(result.hubs)
        _save_soft_links(links, groups, codes)
    note("summarising", 3, 4)
    refresh_summaries(Campaign.objects.filter(status=CampaignStatus.ACTIVE))
    note("done", 4, 4)
    return LinkReport(
        complaints=Complaint.objects.count(),
        sightings=len(graph.comp),
        campaigns=len(groups),
        linked=sum(len(g) for g in groups),
        hubs=len(result.hubs),
        kept_codes=len(set(codes) & set(previous.values())),
        seconds=time.perf_counter() - started,
        admitted=len(result.admitted),
        soft_links=len(links),
        soft_seconds=soft_seconds,
    )


def soft_groups(groups: list[list[int]]) -> tuple[list[list[int]], list[soft_links.SoftLink]]:
    """The identifier groups joined by soft links (money), with the links in complaint pks;
    pairs an analyst split stay apart. Without money evidence, the groups as they were."""
    layers = evidence.money_layers()
    if not layers:
        return groups, []
    pks = sorted({c for g in groups for c in g} | {c for c, _ in layers})
    at = {pk: i for i, pk in enumerate(pks)}
    labels = [-1] * len(pks)
    for label, members in enumerate(groups):
        for pk in members:
            labels[at[pk]] = label
    split = SoftLinkDecision.objects.filter(decision=SoftLinkDecision.SPLIT)
    apart = [
        (at[a], at[b])
        for a, b in split.values_list("earlier_id", "later_id")
        if {a, b} <= at.keys()
    ]
    result = soft_links.soft_link(labels, _facts(at, layers), apart)
    joined: dict[int, list[int]] = {}
    for index, label in enumerate(result.labels):
        if label >= 0:
            joined.setdefault(label, []).append(pks[index])
    links = [
        replace(link, earlier=pks[link.earlier], later=pks[link.later]) for link in result.links
    ]
    return [members for members in joined.values() if len(members) > 1], links


def _facts(at: dict[int, int], layers: list[tuple[int, str]]) -> soft_links.Facts:
    days, types = [0] * len(at), [""] * len(at)
    rows = Complaint.objects.order_by().values_list("pk", "received_at", "scam_type")
    for pk, received, scam_type in rows.iterator(chunk_size=BATCH):
        if pk in at:
            days[at[pk]], types[at[pk]] = received.date().toordinal(), scam_type or ""
    return soft_links.Facts(days, types, [(at[pk], account) for pk, account in layers])


def _save_groups(
    groups: list[list[int]],
    via: Mapping[int, list[str]],
    codes: list[str],
    successors: dict[str, str],
) -> None:
    existing = {c.code: c for c in Campaign.objects.filter(code__in=codes)}
    for code in codes:
        if code not in existing:
            existing[code] = Campaign.objects.create(code=code)
    Campaign.objects.filter(code__in=codes).update(status=CampaignStatus.ACTIVE, merged_into="")
    for old, new in successors.items():
        status = CampaignStatus.MERGED if new else CampaignStatus.DISSOLVED
        Campaign.objects.filter(code=old).update(status=status, merged_into=new, size=0)
    CampaignMember.objects.all().delete()
    rows = (
        CampaignMember(campaign=existing[code], complaint_id=cid, via=via.get(cid, []))
        for code, members in zip(codes, groups, strict=True)
        for cid in members
    )
    _bulk(rows)


def _save_soft_links(
    links: list[soft_links.SoftLink], groups: list[list[int]], codes: list[str]
) -> None:
    SoftLink.objects.all().delete()
    if not links:
        return
    code_of = {pk: code for code, members in zip(codes, groups, strict=True) for pk in members}
    campaigns = {c.code: c for c in Campaign.objects.filter(code__in=set(code_of.values()))}
    confirmed = set(
        SoftLinkDecision.objects.filter(decision=SoftLinkDecision.CONFIRM).values_list(
            "earlier_id", "later_id"
        )
    )
    SoftLink.objects.bulk_create(
        SoftLink(
            campaign=campaigns[code_of[link.earlier]],
            earlier_id=link.earlier,
            later_id=link.later,
            kind=link.kind,
            confidence=link.confidence,
            reason=link.reason[:500],
            via=list(link.via),
            confirmed=(link.earlier, link.later) in confirmed,
        )
        for link in links
    )


def _bulk(rows: Iterable[CampaignMember]) -> None:
    batch: list[CampaignMember] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            CampaignMember.objects.bulk_create(batch)
            batch = []
    CampaignMember.objects.bulk_create(batch)


def _save_hubs(hubs: list[linking.Hub]) -> None:
    Hub.objects.filter(reason__in=["statistical", "warninglist"]).delete()
    # an operator-added key may also be a statistical hub
    Hub.objects.bulk_create(_hub_rows(hubs), ignore_conflicts=True)


def _hub_rows(hubs: Iterable[linking.Hub]) -> list[Hub]:
    return [
        Hub(
            key=h.key,
            kind=h.key.partition(":")[0],
            reason=h.reason,
            detail=h.detail[:300],
            degree=h.degree,
            groups=h.groups,
        )
        for h in hubs
    ]


# --- summaries ----------------------------------------------------------------------------
FACT_FIELDS = (
    "country",
    "received_at",
    "scam_type",
    "narrative",
    "loss_amount",
    "loss_currency",
    "payment_method",
    "victim",
)


def facts_of(row: dict[str, object]) -> scoring.Facts:
    victim = row.get("victim") or {}
    assert isinstance(victim, dict)
    return scoring.Facts(
        country=str(row["country"] or ""),
        received_at=row["received_at"],  # type: ignore[arg-type]
        scam_type=str(row["scam_type"] or "unknown"),
        narrative=str(row["narrative"] or ""),
        loss_amount=row["loss_amount"],  # type: ignore[arg-type]
        loss_currency=str(row["loss_currency"] or ""),
        payment_method=str(row["payment_method"] or ""),
        age_band=str(victim.get("age_band") or ""),
        state=str(victim.get("state") or ""),
    )


def summarize_complaints(complaints: Iterable[dict[str, object]]) -> dict[str, object]:
    return scoring.summarize((facts_of(row) for row in complaints), timezone.now())


def refresh_summaries(campaigns: Iterable[Campaign]) -> None:
    """Recompute the stored (all-member) figures used for ranking."""
    for campaign in campaigns:
        rows = Complaint.objects.filter(campaign_member__campaign=campaign).values(*FACT_FIELDS)
        summary = summarize_complaints(rows.iterator(chunk_size=BATCH))
        _store_summary(campaign, summary)


def _store_summary(campaign: Campaign, summary: dict[str, object]) -> None:
    campaign.size = int(summary["size"])  # type: ignore[call-overload]
    campaign.priority = float(summary["priority"])  # type: ignore[arg-type]
    campaign.cross_border = bool(summary.get("cross_border"))
    campaign.countries = list(summary.get("countries") or {})  # type: ignore[call-overload]
    campaign.scam_type = str(summary.get("scam_type") or "")
    campaign.summary = summary
    campaign.first_seen = _when(summary.get("first_seen"))
    campaign.last_seen = _when(summary.get("last_seen"))
    campaign.save()


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


# --- one complaint at a time ----------------------------------------------------------------
@dataclass
class Joined:
    complaint_id: int
    campaign: Campaign | None
    via: list[str]
    merged: list[str]
    refused: list[str]


# Complaints saved inside a deferred_linking() block of this context, waiting to be linked.
_deferred: ContextVar[dict[int, None] | None] = ContextVar("deferred_linking", default=None)


@contextmanager
def deferred_linking() -> Iterator[None]:
    """Link the complaints saved inside the block once, when it ends, instead of batch by batch.

    For bulk operations that save complaints in many small committed batches (a federation
    pull): one pass at the end (a full rebuild when many) costs far less than linking each
    batch. Inside the block ``link_complaints`` only collects; alerts are raised again at the
    end, when the complaints' campaigns are known. The collected complaints are linked even if
    the block ends with an exception (their batches have committed). Nested blocks defer to the
    outermost one.
    """
    if _deferred.get() is not None:
        yield
        return
    pending: dict[int, None] = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
        if pending:
            _link_collected(list(pending))


def _link_collected(ids: list[int]) -> None:
    from tracebridge.campaigns import workspace

    # A full rebuild costs about as much as linking one in fifty stored complaints one by one.
    if len(ids) > min(INCREMENTAL_LIMIT, max(20, Complaint.objects.count() // 50)):
        full_link()
    else:
        link_complaints(ids)
    workspace.raise_alerts(ids)


def link_complaints(complaint_ids: Iterable[int]) -> list[Joined]:
    """Link new or changed complaints at once: join, merge, or stand alone.

    Inside ``deferred_linking()`` this only collects the ids (and returns nothing).
    """
    pending = _deferred.get()
    if pending is not None:
        pending.update(dict.fromkeys(complaint_ids))
        return []
    ids = list(dict.fromkeys(complaint_ids))
    if len(ids) > INCREMENTAL_LIMIT:
        full_link()
        members = CampaignMember.objects.filter(complaint_id__in=ids).select_related("campaign")
        found = {m.complaint_id: m for m in members}
        return [
            Joined(
                cid,
                found[cid].campaign if cid in found else None,
                found[cid].via if cid in found else [],
                [],
                [],
            )
            for cid in ids
        ]
    listed = listed_fn()
    return [link_one(cid, listed) for cid in ids]


def link_one(complaint_id: int, listed: Callable[[str], str | None]) -> Joined:
    """Link one complaint by the full rule, on its neighbourhood (docs/campaigns.md, "One hub
    rule"): the campaigns and lone complaints that share a usable key with it are linked again
    with ``linking.link``, keys already refused (``Hub``) held refused."""
    # Thousands of rows read and linked again: in a long-lived process, a full collection the
    # allocations trigger cost up to 200 ms (the p99 of bench/linking.py --only incremental).
    with transaction.atomic(), linking.collector_paused():
        refused = frozenset(Hub.objects.values_list("key", flat=True))
        keys = set(Sighting.objects.filter(complaint_id=complaint_id).values_list("key", flat=True))
        usable = [k for k in keys if k not in refused and not listed(k)]
        area, members = _neighbourhood(complaint_id, usable)
        pairs = Sighting.objects.filter(complaint_id__in=area).values_list("complaint_id", "key")
        held = _holding(listed, refused)
        result = linking.link(linking.Graph.from_pairs(pairs), held, PARAMS)
        new_hubs = [h for h in result.hubs if h.key not in refused and not listed(h.key)]
        Hub.objects.bulk_create(_hub_rows(new_hubs), ignore_conflicts=True)
        soft = SoftLink.objects.filter(campaign_id__in={m.campaign_id for m in members.values()})
        pairs_kept = list(soft.values_list("earlier_id", "later_id"))
        result.groups = _kept_soft_links(result.groups, pairs_kept)
        campaign, merged = _apply(complaint_id, members, result, bool(pairs_kept))
    via = result.via.get(complaint_id, [])
    return Joined(complaint_id, campaign, via, merged, sorted({h.key for h in new_hubs} & keys))


def _holding(
    listed: Callable[[str], str | None], refused: frozenset[str]
) -> Callable[[str], str | None]:
    """The warninglist, plus the keys refused before: held refused until a full rebuild."""
    return lambda key: listed(key) or ("refused before" if key in refused else None)


@dataclass
class _Member:
    pk: int
    campaign_id: int
    code: str
    via: list[str]


def _neighbourhood(complaint_id: int, keys: list[str]) -> tuple[set[int], dict[int, _Member]]:
    """The complaint, the others naming one of its usable ``keys``, and their campaigns'
    members (returned too, by complaint).

    Closed under linking: every key its complaints name that is not refused links complaints
    of one campaign only, so linking it alone is the full rebuild restricted to it.
    """
    ids = {complaint_id}
    ids.update(Sighting.objects.filter(key__in=keys).values_list("complaint_id", flat=True))
    campaigns = set(
        CampaignMember.objects.filter(complaint_id__in=ids).values_list("campaign_id", flat=True)
    )
    code = dict(Campaign.objects.filter(pk__in=campaigns).values_list("pk", "code"))
    rows = CampaignMember.objects.filter(campaign_id__in=campaigns).values_list(
        "pk", "complaint_id", "campaign_id", "via"
    )
    members = {cid: _Member(pk, c, code[c], via) for pk, cid, c, via in rows}
    return ids | members.keys(), members


def _kept_soft_links(groups: list[list[int]], pairs: list[tuple[int, int]]) -> list[list[int]]:
    """The groups joined again by the soft links (complaint ``pairs``) the last full rebuild
    stored in the neighbourhood's campaigns (new soft links are found by full rebuilds only):
    a relink keeps what they joined."""
    if not pairs:
        return groups
    node = {cid: index for index, members in enumerate(groups) for cid in members}
    extra = iter(range(len(groups), 10**9))  # complaints in no identifier group
    for cid in {c for pair in pairs for c in pair} - node.keys():
        node[cid] = next(extra)
    u = np.array([node[a] for a, _ in pairs], dtype=np.int64)
    v = np.array([node[b] for _, b in pairs], dtype=np.int64)
    root = linking.components(max(node.values()) + 1, u, v)
    joined: dict[int, list[int]] = {}
    for cid, index in node.items():
        joined.setdefault(int(root[index]), []).append(cid)
    return [sorted(g) for g in joined.values() if len(g) > 1]


def _apply(
    complaint_id: int, members: dict[int, _Member], result: linking.Linking, soft: bool
) -> tuple[Campaign | None, list[str]]:
    """Store the neighbourhood's groups: codes as a full rebuild keeps them, only changed rows
    written, the campaigns that gained or lost members summarised again."""
    previous = {cid: m.code for cid, m in members.items()}
    codes, successors = linking.assign_codes(result.groups, previous, _lazy_codes())
    touched: set[int] = set()
    for code, group in zip(codes, result.groups, strict=True):
        if any(cid not in members or members[cid].code != code for cid in group):
            touched.add(_place(_active(code), group, members, result.via, soft))
        else:
            _update_via(group, members, result.via)
    grouped = {cid for group in result.groups for cid in group}
    gone = [cid for cid in members if cid not in grouped]
    CampaignMember.objects.filter(complaint_id__in=gone).delete()
    touched.update(members[cid].campaign_id for cid in gone)
    for old, new in successors.items():
        status = CampaignStatus.MERGED if new else CampaignStatus.DISSOLVED
        Campaign.objects.filter(code=old).update(status=status, merged_into=new, size=0)
    refresh_summaries(Campaign.objects.filter(pk__in=touched, status=CampaignStatus.ACTIVE))
    own = [code for code, g in zip(codes, result.groups, strict=True) if complaint_id in g]
    if not own:
        return None, []
    heirs = sorted(old for old, new in successors.items() if new == own[0])
    return Campaign.objects.get(code=own[0]), heirs


def _lazy_codes() -> Callable[[], str]:
    """``_next_code_factory``, read from the database only when a new code is needed."""
    made: list[Callable[[], str]] = []

    def new_code() -> str:
        if not made:
            made.append(_next_code_factory())
        return made[0]()

    return new_code


def _active(code: str) -> Campaign:
    campaign, _ = Campaign.objects.get_or_create(code=code)
    if campaign.status != CampaignStatus.ACTIVE or campaign.merged_into:
        campaign.status, campaign.merged_into = CampaignStatus.ACTIVE, ""
        campaign.save(update_fields=["status", "merged_into"])
    return campaign


def _place(
    campaign: Campaign,
    group: list[int],
    members: dict[int, _Member],
    via: Mapping[int, list[str]],
    soft: bool,
) -> int:
    """Put ``group`` in ``campaign`` (its pk returned); the soft links inside (``soft``: the
    neighbourhood has some) follow."""
    new, changed = [], []
    for cid in group:
        member, keys = members.get(cid), via.get(cid, [])
        if member is None:
            new.append(CampaignMember(campaign=campaign, complaint_id=cid, via=keys))
        elif member.campaign_id != campaign.pk or member.via != keys:
            changed.append(
                CampaignMember(id=member.pk, complaint_id=cid, campaign=campaign, via=keys)
            )
    CampaignMember.objects.bulk_create(new)
    CampaignMember.objects.bulk_update(changed, ["campaign", "via"])
    if soft:
        SoftLink.objects.filter(earlier_id__in=group).exclude(campaign=campaign).update(
            campaign=campaign
        )
    return campaign.pk


def _update_via(
    group: list[int], members: dict[int, _Member], via: Mapping[int, list[str]]
) -> None:
    """A group that stays in its campaign: only the members whose linking keys changed."""
    changed = [
        CampaignMember(id=members[cid].pk, via=via.get(cid, []))
        for cid in group
        if members[cid].via != via.get(cid, [])
    ]
    CampaignMember.objects.bulk_update(changed, ["via"])
