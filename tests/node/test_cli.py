"""Offline commands run with no node settings: a defence expert has no node (issue 20.10)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.evidence.builders import build_package
from tracebridge.node.cli import is_offline


def run_bare(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``tracebridge ARGS`` with none of the node's settings, in an empty folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TRACEBRIDGE_", "DJANGO_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "-m", "tracebridge.node.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "offline"),
    [
        ([], True),
        (["--help"], True),
        (["demo", "--help"], True),
        (["verify", "p.zip"], True),
        (["shaken", "verify", "t.jwt"], True),
        (["simulate", "--out", "w"], True),
        (["shaken", "bulk", "f"], False),
        (["serve"], False),
        (["migrate"], False),
    ],
)
def test_which_commands_need_no_node(args: list[str], offline: bool) -> None:
    assert is_offline(args) is offline


def test_verify_runs_without_a_secret_key(tmp_path: Path) -> None:
    built = build_package(tmp_path / "pkg.zip", {"call.wav": b"RIFF" + bytes(64)})
    key = built.signer.verifier.encode()
    result = run_bare(tmp_path, "verify", str(built.path), "--trusted-key", key)
    assert result.returncode == 0, result.stderr
    assert "TRACEBRIDGE_SECRET_KEY" not in result.stderr
    assert result.stdout.splitlines()[-1].startswith("VERIFIED: ")


def test_help_runs_without_a_secret_key(tmp_path: Path) -> None:
    result = run_bare(tmp_path, "shaken", "verify", "--help")
    assert result.returncode == 0, result.stderr
    assert "--now" in result.stdout


def test_a_node_command_still_refuses_without_a_secret_key(tmp_path: Path) -> None:
    result = run_bare(tmp_path, "migrate")
    assert result.returncode == 2
    assert "TRACEBRIDGE_SECRET_KEY is not set" in result.stderr
