from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tracebridge.simulate import FILES, generate

from .conftest import SEED, SIZES, World


def _digests(directory: Path) -> dict[str, str]:
    return {name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in FILES}


def test_same_seed_gives_the_same_bytes_in_every_file(world: World, world_again: Path) -> None:
    assert _digests(world.dir) == _digests(world_again)


def test_another_seed_gives_another_world(world: World, tmp_path: Path) -> None:
    generate(tmp_path, SEED + 1, **SIZES)
    mine, theirs = _digests(world.dir), _digests(tmp_path)
    assert all(mine[name] != theirs[name] for name in FILES)


def test_sizes_do_not_change_the_campaigns(world: World, tmp_path: Path) -> None:
    """The world (campaigns and their infrastructure) depends on seed and complaint count,
    not on how many calls or transactions are asked for."""
    generate(tmp_path, SEED, complaints=SIZES["complaints"], calls=500, txns=10)
    again = (tmp_path / "truth.json").read_text(encoding="utf-8")
    assert '"campaigns"' in again
    assert json.loads(again)["campaigns"] == world.truth["campaigns"]


# What SEED and SIZES generate, for the files only Python's random module writes (the Parquet
# files also carry the writer library's version). A change to what the simulator generates
# changes these; update them only when that change is meant.
PINNED = {
    "complaints.jsonl": "0dfa83c94dd1e79e74e523a24dbb6a8f0a36ea90f6046340ba9bf8844d4789bc",
    "ftc_dnc.csv": "0ed008875378d00233e3ea93463724916d01dd8e354407cde877d04b7cb0f289",
    "truth.json": "2e8d6db86dfb445fcbe996b04d8620b9e8e9160693d4dcc3ff4321b96fd54f83",
    "truth_complaints.csv": "78f451eadd92243f434b1aae28834ab58ddce4e38708a628e0f15c519ea2916f",
}


def test_the_seed_still_gives_the_pinned_world(world: World) -> None:
    digests = _digests(world.dir)
    assert {name: digests[name] for name in PINNED} == PINNED
