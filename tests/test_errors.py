"""The one error root (tracebridge.errors): each kind's status and shape in the API, its exit code
in the commands, and no route translating errors itself (issue 22, point 2)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from tracebridge import errors
from tracebridge.agencies.models import User
from tracebridge.agencies.services import ServiceError
from tracebridge.api import api
from tracebridge.api_support import ApiError
from tracebridge.commands import SubcommandCommand
from tracebridge.node.cli import main

from .conftest import assert_error

SRC = Path(__file__).resolve().parents[1] / "src" / "tracebridge"

KINDS = [
    (errors.NotFound, 404, "not_found", 4),
    (errors.Forbidden, 403, "forbidden", 5),
    (errors.Conflict, 409, "conflict", 6),
    (errors.Invalid, 422, "invalid", 3),
    (errors.Unavailable, 503, "unavailable", 7),
    (errors.TracebridgeError, 422, "invalid", 1),  # a bare ServiceError, as before kinds
]


def test_the_root_keeps_the_old_name_and_catches_every_kind() -> None:
    assert ServiceError is errors.TracebridgeError
    for kind, *_ in KINDS:
        assert issubclass(kind, ServiceError) and issubclass(kind, ValueError)
    assert errors.Invalid("name is empty", field="name").details == [
        {"field": "name", "message": "name is empty"}
    ]


@pytest.mark.parametrize(("kind", "status", "code", "_exit"), KINDS)
def test_the_one_handler_maps_each_kind(kind: Any, status: int, code: str, _exit: int) -> None:
    request = RequestFactory().get("/api/v1/anything")
    detail = [{"field": "x", "message": "bad"}]
    response = api.on_exception(request, kind("Do this instead.", detail))
    body = json.loads(response.content)
    assert response.status_code == status
    assert body == {"error": {"code": code, "message": "Do this instead.", "details": detail}}


def test_an_http_only_error_keeps_its_status_and_a_finer_code_its_code() -> None:
    request = RequestFactory().get("/api/v1/anything")
    too_large = api.on_exception(request, ApiError(413, "too_large", "Send less."))
    assert (too_large.status_code, json.loads(too_large.content)["error"]["code"]) == (
        413,
        "too_large",
    )
    unusable = api.on_exception(request, errors.Invalid("No header.", code="unusable_file"))
    assert (unusable.status_code, json.loads(unusable.content)["error"]["code"]) == (
        422,
        "unusable_file",
    )


# Through real routes: a service raises the kind, no route catches it.


@pytest.mark.django_db
def test_not_found_from_a_service(analyst: User, api_for: Callable[..., Any]) -> None:
    error = assert_error(api_for(analyst).get("/money/trace", complaint="nope"), 404, "not_found")
    assert error["message"] == "no complaint 'nope' that you may see"


@pytest.mark.django_db
def test_forbidden_from_a_role_check(viewer: User, api_for: Callable[..., Any]) -> None:
    body = {"to": "IN-CBI", "tlp": ["GREEN"]}
    error = assert_error(api_for(viewer).post("/sharing/agreements", body), 403, "forbidden")
    assert error["message"] == "This needs the agency_admin role or above."


@pytest.mark.django_db
def test_invalid_from_a_service_names_the_field(viewer: User, api_for: Callable[..., Any]) -> None:
    response = api_for(viewer).post("/saved-searches", {"name": " ", "query": "q"})
    error = assert_error(response, 422, "invalid")
    assert error["details"] == [
        {"field": "name", "message": "A saved search needs a name and a query."}
    ]


@pytest.mark.django_db
def test_a_filter_error_is_invalid_naming_its_field(
    agency_admin: User, api_for: Callable[..., Any]
) -> None:
    error = assert_error(api_for(agency_admin).get("/audit", since="soon"), 422, "invalid")
    assert error["message"].startswith("since: ")
    assert error["details"][0]["field"] == "since"


# Conflict through a real route: tests/telecom/test_services.py (a hop answered twice) and
# tests/money/test_api.py (a released hold answered again) pin 409 "conflict". No route raises
# Unavailable yet; the handler test above pins its 503.


class Probe(SubcommandCommand):
    """A command whose one verb raises the kind it is given, through the real base class."""

    verbs = {"fail": ("raise a kind", lambda p: p.add_argument("kind"))}

    def do_fail(self, kind: str, **_: Any) -> None:
        raise getattr(errors, kind)("Do this instead.\n(second line)")


@pytest.mark.parametrize(("kind", "_status", "_code", "exit_code"), KINDS)
def test_each_kind_has_its_exit_code_and_one_line(
    kind: Any, _status: int, _code: str, exit_code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        Probe().run_from_argv(["tracebridge", "probe", "fail", kind.__name__])
    assert exit_.value.code == exit_code
    assert capsys.readouterr().err == "CommandError: Do this instead. (second line)\n"


@pytest.mark.django_db
def test_a_real_command_exits_with_its_kind(
    analyst: User, capsys: pytest.CaptureFixture[str], in_process_cli: None
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["money", "trace", "--complaint", "nope"])
    assert exit_.value.code == 4
    assert capsys.readouterr().err == "CommandError: no complaint 'nope'\n"


def test_the_cli_maps_a_kind_that_escapes_a_plain_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every command of ours goes through SubcommandCommand or run_service; main's own mapping
    # is the net for any other (Django's dispatcher stands in for such a command here).
    def boom(argv: list[str]) -> None:
        raise errors.Conflict("Answered already; reload.")

    monkeypatch.setattr("django.core.management.execute_from_command_line", boom)
    with pytest.raises(SystemExit) as exit_:
        main(["anything"])
    assert exit_.value.code == 6
    assert capsys.readouterr().err == "tracebridge: Answered already; reload.\n"


TRANSLATION = re.compile(r"except\s*\(?[^:\n]*\b(ServiceError|TracebridgeError|FilterError|"
                         r"NotFound|Forbidden|Conflict|Invalid|Unavailable|NotAllowed)\b")  # fmt: skip


def test_no_route_translates_errors_itself() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.glob("*/api.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TRANSLATION.search(line)
    ]
    assert SRC.joinpath("money", "api.py").exists()
    assert offenders == []


def test_the_scan_catches_a_translation() -> None:
    assert TRANSLATION.search("    except ServiceError as exc:")
    assert TRANSLATION.search("    except (holds.NotAllowed, ValueError):")
    assert not TRANSLATION.search("    except ValueError:")
