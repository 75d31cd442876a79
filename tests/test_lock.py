"""requirements.lock is current: every dependency pyproject.toml names is pinned there, with
hashes, at a version its range allows (`make lock` rewrites the lock after a change)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DECLARED = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["dev"]]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def pins(text: str, environment: dict[str, str]) -> dict[str, Version]:
    """Name -> version of each pin whose marker holds in ``environment``; a pin without its
    hashes fails (pip --require-hashes would refuse the whole file)."""
    found: dict[str, Version] = {}
    entries = re.split(r"\n(?=\S)", text)
    for entry in entries:
        if entry.startswith("#") or not entry.strip():
            continue
        first = entry.splitlines()[0]
        match = PIN.match(first)
        assert match, f"not a pin: {first!r}"
        assert "--hash=sha256:" in entry, f"{first}: no hash"
        name, version, marker = match.groups()
        if marker and not Requirement(f"x; {marker}").marker.evaluate(environment):  # type: ignore[union-attr]
            continue
        found[canonicalize_name(name)] = Version(version)
    return found


@pytest.mark.parametrize("python", ["3.11", "3.12"])
def test_every_declared_dependency_is_pinned_within_its_range(python: str) -> None:
    environment = {**default_environment(), "python_version": python}
    environment["python_full_version"] = f"{python}.0"
    locked = pins((ROOT / "requirements.lock").read_text(), environment)
    problems = []
    for line in DECLARED:
        wanted = Requirement(line)
        name = canonicalize_name(wanted.name)
        if name not in locked:
            problems.append(f"{wanted.name}: not in requirements.lock")
        elif not wanted.specifier.contains(locked[name], prereleases=True):
            problems.append(
                f"{wanted.name}: locked {locked[name]}, pyproject says {wanted.specifier}"
            )
    assert problems == [], "run `make lock`: " + "; ".join(problems)


def test_a_pin_outside_its_range_or_missing_is_caught() -> None:
    lock = (
        "django==5.1.0 \\\n    --hash=sha256:00\nrich==13.0.0 ; python_full_version < '3.12' \\\n"
    )
    lock += "    --hash=sha256:11\n"
    environment = {**default_environment(), "python_full_version": "3.12.0"}
    found = pins(lock, environment)
    assert found == {"django": Version("5.1.0")}  # rich's marker excludes 3.12
    assert not Requirement(next(d for d in DECLARED if d.startswith("Django"))).specifier.contains(
        found["django"]
    )
    with pytest.raises(AssertionError, match="no hash"):
        pins("rich==13.0.0\n", environment)
