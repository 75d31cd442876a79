"""Benchmark campaign linking: quality, full-link speed, and one-complaint latency.

1. Quality (issue 6): on the medium simulated world (100k complaints; --smoke: small), pairwise
   precision, recall and F1 of our campaigns against ground truth, beside the naive baseline
   (connected components over exactly shared identifiers, networkx) and the ceiling that perfect
   identifier linking reaches. Targets: precision >= 0.98, F1 >= 0.95 of the ceiling.
2. Full link: 1M complaints, about 3M sightings (--smoke: 50k), a synthetic graph with campaign
   rotations, one-off complaints and hubs; our linker against networkx connected components on
   the same graph. Targets: <= 60 s, >= 10x faster than networkx (CPU time, first call). Ours
   is timed at its first call (with --only full, the process's first: numba starts and loads
   the cached kernels) and warm; the explanation lists, made on first lookup, apart.
3. Adding one complaint: p99 of services.link_complaints on a SQLite node holding 20k linked
   complaints (--smoke: 2k), beside the naive alternative (a full rebuild). Target p99 <= 200 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tracebridge import warninglist  # noqa: E402
from tracebridge.campaigns import (  # noqa: E402
    linking,
    linking_accuracy,
    soft_links,
)
from tracebridge.simulate import generate  # noqa: E402

T = TypeVar("T")


def quality(smoke: bool, work: Path) -> bool:
    out = work / "world"
    scale = "small" if smoke else "medium"
    started = time.perf_counter()
    generate(out, 20261129, scale, calls=1000, txns=1000)
    print(f"world: {scale} generated in {time.perf_counter() - started:.1f}s")
    report = linking_accuracy.evaluate(out)
    print(f"ours     {report.ours.line()}  ({report.seconds_ours:.2f}s)")
    print(f"baseline {report.baseline.line()}  ({report.seconds_baseline:.2f}s, networkx)")
    print(f"ceiling  {report.ceiling.line()}  (perfect identifier linking)")
    print(
        f"ours/ceiling F1 = {report.of_ceiling:.3f}; ours/baseline F1 = "
        f"{report.ours.f1 / max(report.baseline.f1, 1e-9):.2f}x"
    )
    ok = report.ours.precision >= 0.98 and report.of_ceiling >= 0.95
    print(f"quality targets (P >= 0.98, F1 >= 0.95 ceiling): {'met' if ok else 'MISSED'}")
    return ok


def synthetic(n: int, seed: int = 7) -> tuple[list[int], list[str], np.ndarray, np.ndarray]:
    """Campaigns rotating through identifiers, one-off complaints, and busy hubs."""
    rng = np.random.default_rng(seed)
    n_campaigns, per = max(n // 300, 4), 40
    weights = rng.pareto(1.3, n_campaigns) + 1
    campaign = rng.choice(n_campaigns, size=n, p=weights / weights.sum())
    phase = rng.random(n)
    named = rng.integers(1, 6, size=n)  # 1..5 identifiers: about 3 a complaint
    comp = np.repeat(np.arange(n), named)
    epoch = (phase[comp] * (per - 8)).astype(np.int64)
    key = campaign[comp] * per + epoch + rng.integers(0, 8, size=len(comp))
    lone = rng.random(n) < 0.2  # one-off complaints name their own identifiers
    base = n_campaigns * per
    key = np.where(lone[comp], base + np.arange(len(comp)), key)
    hubs = rng.random(len(comp)) < 0.02
    n_keys = base + len(comp)
    key = np.where(hubs, n_keys + rng.integers(0, 20, size=len(comp)), key)
    names = [f"upi:c{i}@ok" for i in range(n_keys)] + [f"phone:+1800555{i:04d}" for i in range(20)]
    names[n_keys] = "domain:gmail.com"
    return list(range(n)), names, comp, key


def _timed(run: Callable[[], T]) -> tuple[T, float, float]:
    """The result, wall and CPU seconds of ``run()``."""
    started, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - started, time.process_time() - cpu


def _ours(ids: list[int], names: list[str], comp: np.ndarray, key: np.ndarray) -> linking.Linking:
    # The sightings as the arrays the bench holds (networkx gets the same ones, as the Python
    # objects it needs). The compiled kernels come from numba's on-disk cache; a process's
    # first call loads them, so the first call is timed apart from a warm one.
    return linking.link(linking.Graph.from_arrays(ids, names, comp, key), warninglist.listed)


def full_link(smoke: bool, n: int | None = None) -> bool:
    n = n or (50_000 if smoke else 1_000_000)
    ids, names, comp, key = synthetic(n)
    print(f"graph: {n:,} complaints, {len(comp):,} sightings")
    # Load the warninglist's tables (a one-off per process, cached) outside the timing, as the
    # full run's quality part already does; numba and networkx are imported outside it too.
    warninglist.listed("domain:example.com")
    result, first, first_cpu = _timed(lambda: _ours(ids, names, comp, key))
    # Every member's explanation list, as services.full_link asks for them while saving.
    _, lists, lists_cpu = _timed(lambda: result.via.get(ids[0]))
    result, ours, ours_cpu = _timed(lambda: _ours(ids, names, comp, key))
    print(
        f"ours: {len(result.groups):,} campaigns, {len(result.hubs)} refused; "
        f"first call {first:.2f}s (cpu {first_cpu:.2f}s), warm {ours:.2f}s (cpu {ours_cpu:.2f}s); "
        f"then all {len(result.via):,} explanation lists {lists:.2f}s (cpu {lists_cpu:.2f}s)"
    )
    import networkx as nx

    def baseline() -> int:
        g = nx.Graph()
        g.add_edges_from(zip(comp.tolist(), (key + n).tolist(), strict=True))
        return sum(1 for _ in nx.connected_components(g))

    count, base, base_cpu = _timed(baseline)
    print(f"networkx connected components: {count:,} components, {base:.2f}s (cpu {base_cpu:.2f}s)")
    # On a shared machine wall-clock swings with the neighbours' load; CPU time swings less.
    for label, wall, cpu in (
        ("first call", first, first_cpu),  # the process's first only with --only full
        ("warm", ours, ours_cpu),
        ("first call + explanation lists", first + lists, first_cpu + lists_cpu),
    ):
        print(f"  {label}: {base / wall:.1f}x networkx wall, {base_cpu / max(cpu, 1e-9):.1f}x cpu")
    soft_stage(result, n)
    ratio = base_cpu / max(first_cpu, 1e-9)
    limit = 60.0 * n / 1_000_000
    ok = first <= limit and ratio >= 10
    print(
        f"full link (first call) {first:.2f}s (target <= {limit:.0f}s), {ratio:.1f}x networkx "
        f"cpu (target >= 10x): {'met' if ok else 'MISSED'}"
    )
    return ok


def soft_stage(result: linking.Linking, n: int, seed: int = 11) -> float:
    """Soft links (money) on the linked graph, a stage of its own after identifier linking:
    each group gets a start day and a scam type, 30% of complaints pay into one of 5,000
    collector accounts (each group's own: ~20 groups share one). Timed apart (CPU)."""
    rng = np.random.default_rng(seed)
    labels = np.full(n, -1, dtype=np.int64)
    for label, members in enumerate(result.groups):
        labels[members] = label
    groups = max(len(result.groups), 1)
    start = rng.integers(0, 300, groups)
    kinds = np.array([f"type{i}" for i in range(12)])[rng.integers(0, 12, groups)]
    group = np.where(labels >= 0, labels, rng.integers(0, groups, n))
    days = (start[group] + rng.integers(0, 60, n)).tolist()
    payers = np.flatnonzero(rng.random(n) < 0.3)
    layers = [(int(c), f"bank:L{int(group[c]) % 5000}") for c in payers]
    facts = soft_links.Facts(days, kinds[group].tolist(), layers)
    soft, wall, cpu = _timed(lambda: soft_links.soft_link(labels.tolist(), facts))
    print(
        f"soft links (money) after it: {len(soft.links):,} joins over {len(layers):,} payments, "
        f"{wall:.2f}s (cpu {cpu:.2f}s), a stage of its own"
    )
    return cpu


def _django(work: Path) -> None:
    os.environ.update(
        TRACEBRIDGE_HOME=str(work / "home"),
        TRACEBRIDGE_DEBUG="1",
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="tracebridge.settings",
    )
    (work / "home").mkdir(exist_ok=True)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def incremental(smoke: bool, work: Path) -> bool:
    _django(work)
    from datetime import UTC, datetime

    from tracebridge.agencies.services import create_agency
    from tracebridge.campaigns import services
    from tracebridge.complaints.models import Complaint, Sighting

    n = 2_000 if smoke else 20_000
    _, names, comp, key = synthetic(n + 200, seed=3)
    agency = create_agency("US-FBI", "US", "FBI")
    when = datetime(2026, 1, 1, tzinfo=UTC)

    def add(first: int, last: int) -> list[int]:
        rows = [
            Complaint(
                agency=agency,
                source="B",
                ref=f"B{i}",
                country="US",
                received_at=when,
                content_hash="0" * 64,
            )
            for i in range(first, last)
        ]
        made = Complaint.objects.bulk_create(rows, batch_size=2000)
        pks = [c.pk for c in made]
        pick = (comp >= first) & (comp < last)
        seen = {(pks[c - first], names[k]) for c, k in zip(comp[pick], key[pick], strict=True)}
        Sighting.objects.bulk_create(
            [
                Sighting(complaint_id=c, key=k, kind=k.partition(":")[0], field="suspect.upi_ids")
                for c, k in seen
            ],
            batch_size=5000,
        )
        return pks

    add(0, n)
    started = time.perf_counter()
    report = services.full_link()
    rebuild = time.perf_counter() - started
    print(f"node: {n:,} complaints, {report.campaigns} campaigns; full rebuild {rebuild:.2f}s")
    times = []
    for pk in add(n, n + 200):
        started = time.perf_counter()
        services.link_complaints([pk])
        times.append(time.perf_counter() - started)
    p99 = statistics.quantiles(times, n=100)[98]
    print(
        f"add one complaint: p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms; baseline (full rebuild) {rebuild * 1000:.0f} ms: "
        f"{rebuild / p99:.0f}x"
    )
    ok = p99 <= 0.2
    print(f"p99 target (<= 200 ms): {'met' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes (under ~30 s)")
    parser.add_argument("--complaints", type=int, help="complaints in the full-link graph")
    parser.add_argument(
        "--only", choices=["quality", "full", "incremental"], help="run one part alone"
    )
    args = parser.parse_args()
    parts = [args.only] if args.only else ["quality", "full", "incremental"]
    with tempfile.TemporaryDirectory(prefix="tb-bench-linking-") as tmp:
        work = Path(tmp)
        results = [
            quality(args.smoke, work)
            if part == "quality"
            else full_link(args.smoke, args.complaints)
            if part == "full"
            else incremental(args.smoke, work)
            for part in parts
        ]
    print(f"linking: {sum(results)}/{len(results)} targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
