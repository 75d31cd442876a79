"""The claims of docs/architecture.md, checked: import-linter enforces the layers, and the lists
and rooms the record names match the code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
APPS = ["agencies", "complaints", "campaigns", "cases", "evidence"]
APPS += ["sharing", "assistance", "witness", "telecom", "money", "portal"]
ROOMS = ["models.py", "services.py", "views.py", "urls.py", "demo.py", "management/commands"]
ROOMS += ["templates", "locale/hi/LC_MESSAGES/django.po"]


def _contract(contract_id: str) -> dict[str, object]:
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["id"] == contract_id)


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts over the ``tracebridge`` package in ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    script = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(script), "--no-cache", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the Python sources and pyproject.toml, to break on purpose."""
    copy = tmp_path_factory.mktemp("tree")
    shutil.copytree(
        ROOT / "src" / "tracebridge",
        copy / "src" / "tracebridge",
        ignore=lambda _, names: [n for n in names if not n.endswith(".py") and "." in n],
    )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def _lint_with(tree: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    """lint-imports over ``tree`` with ``line`` added to ``module``, then the line removed."""
    path = tree / "src" / Path(*module.split(".")).with_suffix(".py")
    original = path.read_text()
    path.write_text(f"{original}\n{line}\n")
    try:
        return _lint_imports(tree)
    finally:
        path.write_text(original)


def test_pipeline_order_is_settings_order_highest_first() -> None:
    from django.conf import settings

    layers = _contract("pipeline")["layers"]
    assert layers == ["tracebridge.node", *reversed(settings.TRACEBRIDGE_APPS)]
    assert [app.rsplit(".", 1)[1] for app in settings.TRACEBRIDGE_APPS] == APPS


def test_pure_contract_covers_the_strict_typed_modules() -> None:
    strict = next(o for o in PYPROJECT["tool"]["mypy"]["overrides"] if "disallow_any_generics" in o)
    typed = {m.removesuffix(".*") for m in strict["module"]}
    assert set(_contract("pure")["source_modules"]) == typed
    assert "tracebridge.agencies.markings" in typed


def test_the_sources_keep_both_contracts(tree: Path) -> None:
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("tracebridge.complaints.selectors", "tracebridge.money.models"),
        ("tracebridge.portal.views", "tracebridge.node.serving"),  # no app imports the node
    ],
)
def test_a_lower_stage_importing_a_higher_one_fails_lint(
    tree: Path, module: str, imported: str
) -> None:
    line = f"import {imported} as _higher  # noqa"
    result = _lint_with(tree, module, line)
    assert result.returncode == 1
    assert "A lower stage never imports a higher one" in result.stdout
    assert "BROKEN" in result.stdout
    assert f"{module} -> {imported}" in result.stdout


def test_django_in_a_pure_module_fails_lint(tree: Path) -> None:
    result = _lint_with(tree, "tracebridge.identifiers.phones", "import django.db  # noqa")
    assert result.returncode == 1
    assert "Pure modules import no Django" in result.stdout
    assert "tracebridge.identifiers.phones -> django (l." in result.stdout


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_the_rooms_the_record_names(app: str) -> None:
    base = ROOT / "src" / "tracebridge" / app
    assert [room for room in ROOMS if not (base / room).exists()] == []
