"""Docs that cannot drift: every command of ours and every API route is in docs/."""

from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

from tracebridge.api import api

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("**/*.md")))


def test_every_tracebridge_command_is_documented() -> None:
    ours = {name for name, app in get_commands().items() if app in settings.TRACEBRIDGE_APPS}
    assert ours >= {"agency", "user", "token", "demo", "serve", "i18n"}
    text = _docs_text()
    missing = sorted(name for name in ours if f"tracebridge {name}" not in text)
    assert missing == []


def test_every_api_route_is_documented() -> None:
    text = _docs_text()
    paths = api.get_openapi_schema()["paths"]
    assert "/api/v1/me" in paths
    missing = sorted(path for path in paths if path not in text)
    assert missing == []


def test_every_setting_is_documented() -> None:
    text = _docs_text()
    for name in (
        "TRACEBRIDGE_HOME",
        "DATABASE_URL",
        "TRACEBRIDGE_SECRET_KEY",
        "TRACEBRIDGE_DEBUG",
        "TRACEBRIDGE_ALLOWED_HOSTS",
        "TRACEBRIDGE_NODE_NAME",
        "TRACEBRIDGE_CSRF_TRUSTED_ORIGINS",
    ):
        assert name in text, name
