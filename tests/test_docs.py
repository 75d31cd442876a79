"""Docs that cannot drift: every command of ours and every API route is in docs/."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

from tracebridge.api import api

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("**/*.md")))


def test_every_tracebridge_command_is_documented() -> None:
    apps = {*settings.TRACEBRIDGE_APPS, "tracebridge.node"}
    ours = {name for name, app in get_commands().items() if app in apps}
    assert ours >= {"agency", "user", "token", "demo", "serve", "i18n", "simulate", "flush"}
    text = _docs_text()
    missing = sorted(name for name in ours if f"tracebridge {name}" not in text)
    assert missing == []


def test_every_api_route_is_documented() -> None:
    text = _docs_text()
    paths = api.get_openapi_schema()["paths"]
    assert "/api/v1/me" in paths
    missing = sorted(path for path in paths if path not in text)
    assert missing == []


# A setting is any environment variable the code reads, or a TRACEBRIDGE_* Django setting: found
# by reading the source, so a new one cannot be added without its line in docs/ (issue 22.7).
SETTING = re.compile(r"[\"'](TRACEBRIDGE_[A-Z0-9_]+|DATABASE_URL|REDIS_URL)[\"']")
SRC = Path(__file__).resolve().parents[1] / "src" / "tracebridge"


def settings_in_source() -> set[str]:
    return {
        name
        for path in SRC.rglob("*.py")
        for name in SETTING.findall(path.read_text(encoding="utf-8"))
    }


def test_every_setting_is_documented() -> None:
    found = settings_in_source()
    assert {"TRACEBRIDGE_HOME", "DATABASE_URL", "TRACEBRIDGE_SECRET_KEY", "REDIS_URL"} <= found
    text = _docs_text()
    assert sorted(name for name in found if name not in text) == []
