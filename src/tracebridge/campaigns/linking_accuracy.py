"""Measure linking against a simulated world's ground truth (used by bench/linking.py and tests).

Pure (no Django). The baseline is the naive method the issue names: connected components over
exactly shared identifiers, with networkx (a development dependency, imported when used).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracebridge import warninglist
from tracebridge.campaigns import linking, quality
from tracebridge.complaints.schema import CanonicalComplaint
from tracebridge.complaints.sightings import sightings_of
from tracebridge.simulate import load_complaint_truth


@dataclass
class WorldSightings:
    refs: list[str]
    pairs: list[tuple[int, str]]


def read_world(out_dir: Path) -> WorldSightings:
    """Complaint refs and (complaint index, key) sightings, extracted as intake would."""
    refs: list[str] = []
    pairs: list[tuple[int, str]] = []
    with open(out_dir / "complaints.jsonl", encoding="utf-8") as f:
        for index, line in enumerate(f):
            complaint = CanonicalComplaint.model_validate_json(line)
            refs.append(complaint.ref)
            pairs.extend((index, row.key) for row in sightings_of(complaint))
    return WorldSightings(refs, pairs)


def clusters(refs: list[str], groups: list[list[int]]) -> dict[str, int]:
    return {refs[c]: label for label, members in enumerate(groups) for c in members}


def ours(
    world: WorldSightings, params: linking.LinkParams | None = None
) -> tuple[dict[str, int], float]:
    started = time.perf_counter()
    result = linking.link(linking.Graph.from_pairs(world.pairs), warninglist.listed, params)
    return clusters(world.refs, result.groups), time.perf_counter() - started


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
    ours: quality.Scores
    baseline: quality.Scores
    ceiling: quality.Scores
    seconds_ours: float
    seconds_baseline: float

    @property
    def of_ceiling(self) -> float:
        return self.ours.f1 / self.ceiling.f1 if self.ceiling.f1 else 0.0


def evaluate(out_dir: Path) -> LinkingAccuracy:
    world = read_world(out_dir)
    truth: dict[str, object | None] = dict(load_complaint_truth(out_dir))
    meta = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))
    predicted, t_ours = ours(world)
    naive, t_base = baseline(world)
    return LinkingAccuracy(
        quality.pairwise(predicted, truth),
        quality.pairwise(naive, truth),
        quality.ceiling(truth, set(meta["no_identifier_refs"])),
        t_ours,
        t_base,
    )
