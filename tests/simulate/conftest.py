"""A small simulated world, generated once per test session and read by every test here."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tracebridge.simulate import WorldSummary, generate, load_complaint_truth

SEED = 424242
# Small but with every kind of traffic; more calls than complaints as in the real world.
SIZES = {"complaints": 900, "calls": 12_000, "txns": 6_000}


@dataclass
class World:
    dir: Path
    summary: WorldSummary
    truth: dict[str, Any]
    complaints: list[dict[str, Any]]
    complaint_truth: dict[str, str | None]
    cdrs: list[dict[str, Any]]
    calls: list[dict[str, Any]]
    txns: list[dict[str, Any]]

    def dnc_rows(self) -> list[list[str]]:
        with open(self.dir / "ftc_dnc.csv", encoding="utf-8", newline="") as f:
            return list(csv.reader(f))


def _read(out: Path, summary: WorldSummary) -> World:
    with open(out / "complaints.jsonl", encoding="utf-8") as f:
        complaints = [json.loads(line) for line in f]
    return World(
        out,
        summary,
        json.loads((out / "truth.json").read_text(encoding="utf-8")),
        complaints,
        load_complaint_truth(out),
        pq.read_table(out / "cdrs.parquet").to_pylist(),
        pq.read_table(out / "truth_calls.parquet").to_pylist(),
        pq.read_table(out / "transactions.parquet").to_pylist(),
    )


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    out = tmp_path_factory.mktemp("world")
    yield _read(out, generate(out, SEED, **SIZES))


@pytest.fixture(scope="session")
def world_again(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world-again")
    generate(out, SEED, **SIZES)
    return out
