"""The one loop that finds each app's urls, api and demo modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tracebridge.wiring import app_modules


def test_every_app_with_the_module_in_pipeline_order() -> None:
    from django.conf import settings

    apps = [app for app, _ in app_modules("api")]
    assert apps == [a for a in settings.TRACEBRIDGE_APPS if not a.endswith("cases")]
    assert [module.__name__ for _, module in app_modules("urls")][:2] == [
        "tracebridge.agencies.urls",
        "tracebridge.complaints.urls",
    ]
    assert app_modules("no_such_module") == []


def test_a_module_that_fails_inside_is_not_skipped(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "brokenapp").mkdir()
    (tmp_path / "brokenapp" / "__init__.py").write_text("")
    (tmp_path / "brokenapp" / "demo.py").write_text("import tracebridge_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "brokenapp.demo", raising=False)
    settings.TRACEBRIDGE_APPS = ["brokenapp"]
    with pytest.raises(ModuleNotFoundError, match="tracebridge_no_such_dependency"):
        app_modules("demo")
    assert app_modules("urls") == []  # the app has none: skipped
