"""`tracebridge request`: the command contract scripts and partners rely on."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracebridge.agencies.models import User
from tracebridge.assistance import rules
from tracebridge.assistance.models import Request
from tracebridge.cases.models import Case
from tracebridge.commands import EXIT_CODES
from tracebridge.errors import Invalid


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("request", *args, stdout=out)
    return out.getvalue()


def _fields_file(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "fields.json"
    path.write_text(json.dumps(data))
    return str(path)


def _create(
    tmp_path: Path,
    case: Case,
    data: dict[str, Any],
    kind: str = "preservation",
    to: str = "IN-CBI",
) -> str:
    return run(
        "create",
        "--agency",
        "US-DOJ-CPB",
        "--to",
        to,
        "--kind",
        kind,
        "--case",
        case.reference,
        "--fields",
        _fields_file(tmp_path, data),
        "--by",
        "doj.analyst",
    ).strip()


def test_fields_prints_the_kinds_json_schema(db: None) -> None:
    for kind in rules.KINDS:
        assert json.loads(run("fields", "--kind", kind, "--json")) == rules.schema(kind)


def test_create_names_each_missing_field(
    doj: User, doj_case: Case, tmp_path: Path, fields: Callable[[str], dict[str, Any]]
) -> None:
    data = fields("preservation")
    del data["stored_data"], data["necessity"]
    with pytest.raises(CommandError, match=r"missing: stored_data, necessity$"):
        _create(tmp_path, doj_case, data)
    assert Request.objects.count() == 0


def test_create_approve_steps_show_list_export_import(
    doj: User,
    doj_chief: User,
    cbi: User,
    doj_case: Case,
    tmp_path: Path,
    fields: Callable[[str], dict[str, Any]],
) -> None:
    ref = _create(tmp_path, doj_case, fields("preservation"))
    assert ref.startswith("REQ-US-DOJ-CPB-") and Request.objects.get().reference == ref
    with pytest.raises(CommandError, match=r"doj\.analyst needs the supervisor role"):
        run("approve", ref, "--by", "doj.analyst")
    assert run("approve", ref, "--by", "doj.chief").strip() == f"{ref}: sent"
    assert run("acknowledge", ref, "--by", "cbi.officer").strip() == f"{ref}: acknowledged"
    with pytest.raises(CommandError, match="cannot return a request that is acknowledged"):
        run("return", ref, "--by", "cbi.officer")
    run("preserve", ref, "--by", "cbi.officer", "--expires", "2099-01-31")
    view = json.loads(run("show", ref, "--json"))
    assert (view["kind"], view["status"]) == ("preservation", "preserved")
    assert view["clocks"]["preserved_until"].startswith("2099-01-31")
    assert [(m["action"], m["by"]) for m in view["messages"]] == [
        ("create", "doj.analyst"),
        ("submit", "doj.analyst"),
        ("approve", "doj.chief"),
        ("acknowledge", "cbi.officer"),
        ("preserve", "cbi.officer"),
    ]
    assert all(m["signer"] == "tracebridge-node/evidence" for m in view["messages"])
    assert [r["reference"] for r in json.loads(run("list", "--json"))] == [ref]
    out = tmp_path / "req.json"
    assert run("export", ref, "--out", str(out)).startswith("5 signed messages written")
    assert run("import", str(out)).strip() == f"{ref}: 0 applied, 5 already here"
    assert "preserve" in run("show", ref) and ref in run("list")


def test_refuse_needs_a_known_reason(
    doj: User,
    doj_chief: User,
    cbi: User,
    doj_case: Case,
    tmp_path: Path,
    fields: Callable[[str], dict[str, Any]],
) -> None:
    ref = _create(tmp_path, doj_case, fields("production"), "production")
    run("approve", ref, "--by", "doj.chief")
    with pytest.raises(CommandError, match="reason must be one of") as caught:
        run("refuse", ref, "--by", "cbi.officer")
    assert caught.value.returncode == EXIT_CODES[Invalid]  # a step exits as `approve` does
    run("refuse", ref, "--by", "cbi.officer", "--reason", "outside_jurisdiction")
    assert Request.objects.get().refusal_reason == "outside_jurisdiction"


def test_unknown_request_and_target(
    doj: User, doj_case: Case, tmp_path: Path, fields: Callable[[str], dict[str, Any]]
) -> None:
    with pytest.raises(CommandError, match="no request 'REQ-X' on this node"):
        run("show", "REQ-X", "--json")
    with pytest.raises(CommandError, match="no agency 'US-NOPE' on this node and no partner"):
        _create(tmp_path, doj_case, fields("preservation"), to="US-NOPE")
