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
