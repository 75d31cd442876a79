"""Fuzz the node API from its own OpenAPI with schemathesis: no request an analyst can send
answers 5xx, every error answer has the documented shape (issue 21), and every answer has a
documented status and fits that status's schema (issue 22.6).

One test per operation, a small budget each (FUZZ_EXAMPLES; set TRACEBRIDGE_FUZZ_EXAMPLES
higher for a longer run by hand). Requests go through Django's whole WSGI stack in-process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tracebridge.agencies.models import User
from tracebridge.agencies.services import create_agency, issue_token
from tracebridge.api import api
from tracebridge.node.wsgi import application

FUZZ_EXAMPLES = int(os.environ.get("TRACEBRIDGE_FUZZ_EXAMPLES", "8"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = application


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """Django's WSGI handler closes the database connection around each request, which ends the
    test's transaction on PostgreSQL; Django's own test Client stops it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def analyst_headers(db: None, _keep_test_connection: None) -> dict[str, str]:
    # No password: hashing one with Argon2 for each of ~40 operations would double the run.
    agency = create_agency("US-FBI", "US", "Federal Bureau of Investigation")
    analyst = User.objects.create(username="fuzz-analyst", agency=agency, role="analyst")
    return {"Authorization": f"Bearer {issue_token(analyst, 'fuzz').secret}"}


def _no_server_error(response: Any, case: Any) -> None:
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )


def _error_shape(response: Any) -> None:
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_answers_5xx(case: Any, analyst_headers: dict[str, str]) -> None:
    response = case.call(headers=analyst_headers)
    _no_server_error(response, case)
    _error_shape(response)
    # What it answered is what the OpenAPI says it answers: a documented status, and a body
    # valid against that status's schema (issue 22.6).
    case.validate_response(response, checks=[status_code_conformance, response_schema_conformance])
