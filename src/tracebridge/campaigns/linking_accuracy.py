"""Measure linking against a simulated world's ground truth (used by bench/linking.py and tests).

Pure (no Django). The baseline is the naive method the issue names: connected components over
exactly shared identifiers, with networkx (a development dependency, imported when used).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from tracebridge import warninglist
from tracebridge.campaigns import linking, quality, soft_links
from tracebridge.complaints.schema import CanonicalComplaint
from tracebridge.complaints.sightings import sightings_of
from tracebridge.simulate import catalog, load_complaint_truth


@dataclass
class WorldSightings:
    refs: list[str]
    pairs: list[tuple[int, str]]
    days: list[int] = field(default_factory=list)
    scam_types: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    bare: list[int] = field(default_factory=list)  # complaints naming no identifier


def read_world(out_dir: Path) -> WorldSightings:
    """Complaint refs and (complaint index, key) sightings, extracted as intake would, with the
    day each complaint was received, its scam type and victim country (the soft links' facts)."""
    world = WorldSightings([], [])
    with open(out_dir / "complaints.jsonl", encoding="utf-8") as f:
        for index, line in enumerate(f):
            complaint = CanonicalComplaint.model_validate_json(line)
            world.refs.append(complaint.ref)
            keys = [(index, row.key) for row in sightings_of(complaint)]
            world.pairs.extend(keys)
            world.days.append(complaint.received_at.date().toordinal())
            world.scam_types.append(complaint.scam_type or "")
            world.countries.append(complaint.country or "")
            if not keys:
                world.bare.append(index)
    return world


def money_layers(
    out_dir: Path, refs: list[str], mule_accounts: Collection[str] | None = None
) -> list[tuple[int, str]]:
    """(complaint, downstream account) pairs: where the accounts each complaint's payment went
    to sent money on, one hop of the money trace (cash withdrawals lead nowhere).
    ``mule_accounts`` (as the trail writes them; the mule scan's, which this pure module
    cannot run): only those count as a mule layer. A mule that also lives an ordinary life pays
    its landlord, shops and family too; without it they join campaigns that share a shop."""
    rows = pq.read_table(
        out_dir / "transactions.parquet", columns=["from_account", "to_account", "complaint_ref"]
    ).to_pylist()
    index = {ref: i for i, ref in enumerate(refs)}
    onward: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if not row["complaint_ref"] and row["to_account"]:
            onward[row["from_account"]].add(row["to_account"])
    return sorted(
        {
            (index[row["complaint_ref"]], account)
            for row in rows
            if row["complaint_ref"] in index
            for account in onward.get(row["to_account"], ())
            if mule_accounts is None or account in mule_accounts
        }
    )


def clusters(refs: list[str], groups: list[list[int]]) -> dict[str, int]:
    return {refs[c]: label for label, members in enumerate(groups) for c in members}


Listed = Callable[[str], str | None]


def ours(
    world: WorldSightings,
    params: linking.LinkParams | None = None,
    listed: Listed = warninglist.listed,
) -> tuple[dict[str, int], float]:
    started = time.perf_counter()
    result = linking.link(linking.Graph.from_pairs(world.pairs), listed, params)
    return clusters(world.refs, result.groups), time.perf_counter() - started


def with_soft_links(
    world: WorldSightings,
    identifier_groups: dict[str, int],
    layers: list[tuple[int, str]],
    params: soft_links.SoftParams | None = None,
) -> tuple[dict[str, int], float]:
    """The identifier groups joined by soft links (``soft_links.soft_link``)."""
    started = time.perf_counter()
    labels = [identifier_groups.get(ref, -1) for ref in world.refs]
    facts = soft_links.Facts(world.days, world.scam_types, layers, world.countries, world.bare)
    joined = soft_links.soft_link(labels, facts, params=params).labels
    grouped = {world.refs[c]: label for c, label in enumerate(joined) if label >= 0}
    return grouped, time.perf_counter() - started


def baseline_groups(pairs: list[tuple[int, str]]) -> Iterator[list[int]]:
    import networkx as nx  # development dependency: the baseline only

    graph: Any = nx.Graph()
    graph.add_edges_from((("c", c), ("k", k)) for c, k in pairs)
    for component in nx.connected_components(graph):
        members = [node[1] for node in component if node[0] == "c"]
        if len(members) > 1:
            yield members


def baseline(world: WorldSightings) -> tuple[dict[str, int], float]:
    started = time.perf_counter()
    groups = list(baseline_groups(world.pairs))
    return clusters(world.refs, groups), time.perf_counter() - started


@dataclass
class LinkingAccuracy:
    ours: quality.Scores  # identifiers, then soft links (when the world has money)
    baseline: quality.Scores
    ceiling: quality.Scores
    seconds_ours: float
    seconds_baseline: float
    identifiers: quality.Scores | None = None  # identifier linking alone
    seconds_soft: float = 0.0

    @property
    def of_ceiling(self) -> float:
        return self.ours.f1 / self.ceiling.f1 if self.ceiling.f1 else 0.0

    @property
    def identifiers_of_ceiling(self) -> float:
        scores = self.identifiers or self.ours
        return scores.f1 / self.ceiling.f1 if self.ceiling.f1 else 0.0


def unlisting(hidden: Iterable[str]) -> Listed:
    """The warninglist without ``hidden`` keys (phones, domains with their subdomains and URLs):
    a node whose list does not know the helplines and sites a world's scammers impersonate."""
    gone = frozenset(hidden)

    def listed(key: str) -> str | None:
        site = linking.family(key)
        if key in gone or (
            site.startswith("domain:")
            and any(f"domain:{s}" in gone for s in _suffixes(site.removeprefix("domain:")))
        ):
            return None
        return warninglist.listed(key)

    return listed


def _suffixes(host: str) -> list[str]:
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def impersonated(meta: dict[str, Any]) -> list[str]:
    """The world's hub identifiers that are impersonated helplines and sites (not free mail)."""
    free = {f"domain:{d}" for d in catalog.FREE_MAIL}
    return [k for k in meta["hub_identifiers"] if k not in free]


def evaluate(
    out_dir: Path,
    warninglisted: bool = True,
    mule_accounts: Collection[str] | None = None,
    soft: soft_links.SoftParams | None = None,
) -> LinkingAccuracy:
    """``warninglisted=False``: the world's impersonated helplines and sites are taken off the
    warninglist, so only the statistical rules stand between unrelated campaigns.
    ``mule_accounts``: the accounts the mule scan flags (see ``money_layers``). ``soft``: the
    soft links' parameters (context links are off unless it asks)."""
    world = read_world(out_dir)
    truth: dict[str, object | None] = dict(load_complaint_truth(out_dir))
    meta = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))
    listed = warninglist.listed if warninglisted else unlisting(impersonated(meta))
    by_identifiers, t_ours = ours(world, listed=listed)
    predicted, t_soft = by_identifiers, 0.0
    if (out_dir / "transactions.parquet").exists():
        layers = money_layers(out_dir, world.refs, mule_accounts)
        predicted, t_soft = with_soft_links(world, by_identifiers, layers, soft)
    naive, t_base = baseline(world)
    return LinkingAccuracy(
        quality.pairwise(predicted, truth),
        quality.pairwise(naive, truth),
        quality.ceiling(truth, set(meta["no_identifier_refs"])),
        t_ours,
        t_base,
        quality.pairwise(by_identifiers, truth),
        t_soft,
    )
