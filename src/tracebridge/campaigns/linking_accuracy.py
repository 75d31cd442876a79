"""Measure linking against a simulated world's ground truth (used by bench/linking.py and tests).

Pure (no Django). The baseline is the naive method the issue names: connected components over
exactly shared identifiers, with networkx (a development dependency, imported when used).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from tracebridge import warninglist
from tracebridge.campaigns import linking, quality, soft_links
from tracebridge.complaints.schema import CanonicalComplaint
from tracebridge.complaints.sightings import sightings_of
from tracebridge.simulate import load_complaint_truth


@dataclass
class WorldSightings:
    refs: list[str]
    pairs: list[tuple[int, str]]
    days: list[int] = field(default_factory=list)
    scam_types: list[str] = field(default_factory=list)


def read_world(out_dir: Path) -> WorldSightings:
    """Complaint refs and (complaint index, key) sightings, extracted as intake would, with the
    day each complaint was received and its scam type (the soft links' facts)."""
    world = WorldSightings([], [])
    with open(out_dir / "complaints.jsonl", encoding="utf-8") as f:
        for index, line in enumerate(f):
            complaint = CanonicalComplaint.model_validate_json(line)
            world.refs.append(complaint.ref)
            world.pairs.extend((index, row.key) for row in sightings_of(complaint))
            world.days.append(complaint.received_at.date().toordinal())
            world.scam_types.append(complaint.scam_type or "")
    return world


def money_layers(out_dir: Path, refs: list[str]) -> list[tuple[int, str]]:
    """(complaint, downstream account) pairs: where the accounts each complaint's payment went
    to sent money on, one hop of the money trace (cash withdrawals lead nowhere)."""
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
        }
    )


def clusters(refs: list[str], groups: list[list[int]]) -> dict[str, int]:
    return {refs[c]: label for label, members in enumerate(groups) for c in members}


def ours(
    world: WorldSightings, params: linking.LinkParams | None = None
) -> tuple[dict[str, int], float]:
    started = time.perf_counter()
    result = linking.link(linking.Graph.from_pairs(world.pairs), warninglist.listed, params)
    return clusters(world.refs, result.groups), time.perf_counter() - started


def with_soft_links(
    world: WorldSightings, identifier_groups: dict[str, int], layers: list[tuple[int, str]]
) -> tuple[dict[str, int], float]:
    """The identifier groups joined by soft links (``soft_links.soft_link``)."""
    started = time.perf_counter()
    labels = [identifier_groups.get(ref, -1) for ref in world.refs]
    facts = soft_links.Facts(world.days, world.scam_types, layers)
    joined = soft_links.soft_link(labels, facts).labels
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


def evaluate(out_dir: Path) -> LinkingAccuracy:
    world = read_world(out_dir)
    truth: dict[str, object | None] = dict(load_complaint_truth(out_dir))
    meta = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))
    by_identifiers, t_ours = ours(world)
    predicted, t_soft = by_identifiers, 0.0
    if (out_dir / "transactions.parquet").exists():
        layers = money_layers(out_dir, world.refs)
        predicted, t_soft = with_soft_links(world, by_identifiers, layers)
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
