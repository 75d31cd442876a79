"""The OpenAPI says what every operation answers (issue 22.6).

Walks the node API's own OpenAPI document: every operation documents its success answer with a
schema (a named component, or a list of them; ``Page[...]`` for paged lists), and every error
status it documents is the one ``Error`` shape. The errors a route raises itself (a kind of
``tracebridge.errors``, ``get_visible_or_404``, ``ApiError(status)``; in the route or in a helper
of its own module that it calls) must be among the statuses its operation documents. The
schemas are checked against what routes actually answer by the API tests: django-ninja
validates every answer against its route's schema, so a mismatch answers 500 there.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from tracebridge import errors
from tracebridge.api import KIND_STATUS, api

SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, item in SCHEMA["paths"].items()
    for method, operation in item.items()
]
ERROR_REF = "#/components/schemas/Error"
# Error answers another protocol defines, with why.
NOT_THE_ERROR_SHAPE = {
    ("POST", "/api/v1/witness/add-checkpoint", "409"): "C2SP tlog-witness: the size, as text",
}
# Answers that are open documents by definition, with why.
FREE_FORM = {
    ("GET", "/api/v1/request-kinds/{kind}/fields"): "a JSON Schema document: its own schema",
}


def _param(method: str, path: str, value: Any) -> Any:
    return pytest.param(method, path, value, id=f"{method} {path}")


def _success(operation: dict[str, Any]) -> dict[str, Any]:
    return {code: r for code, r in operation["responses"].items() if code.startswith("2")}


def _named(schema: dict[str, Any]) -> bool:
    """A component (``$ref``), or an array of them: not a free-form object."""
    if "$ref" in schema:
        return True
    return schema.get("type") == "array" and "$ref" in schema.get("items", {})


def test_the_walk_sees_every_route() -> None:
    assert len(OPERATIONS) >= 45
    assert ("GET", "/api/v1/campaigns") in {(m, p) for m, p, _ in OPERATIONS}


@pytest.mark.parametrize(("method", "path", "operation"), [_param(*o) for o in OPERATIONS])
def test_every_operation_documents_its_answer(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    success = _success(operation)
    assert success, f"{method} {path} documents no 2xx answer"
    for code, answer in success.items():
        if code == "204":
            assert "content" not in answer, f"{method} {path}: a 204 has no body"
            continue
        content = answer.get("content", {})
        schema = next(iter(content.values()), {}).get("schema")
        assert schema, f"{method} {path} {code}: no schema (give the route a response=)"
        if "application/json" not in content:
            assert schema == {"type": "string"}, f"{method} {path} {code}: text is a string"
        elif (method, path) not in FREE_FORM:
            assert _named(schema), f"{method} {path} {code}: a free-form {schema}"


@pytest.mark.parametrize(("method", "path", "operation"), [_param(*o) for o in OPERATIONS])
def test_every_error_answer_is_the_error_shape(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    documented = set(operation["responses"])
    assert {"400", "422", "500"} <= documented, f"{method} {path}: {sorted(documented)}"
    for code, answer in operation["responses"].items():
        if code[0] in "45" and (method, path, code) not in NOT_THE_ERROR_SHAPE:
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_REF}, f"{method} {path} {code}: {schema}"


def test_the_error_component_is_what_the_handler_answers() -> None:
    error = SCHEMA["components"]["schemas"]["Error"]
    body = SCHEMA["components"]["schemas"]["ErrorBody"]
    assert error["required"] == ["error"] and error["additionalProperties"] is False
    assert set(body["required"]) == {"code", "message", "details"}
    assert body["additionalProperties"] is False


# --- the errors each route raises itself --------------------------------------------------

RAISES = {kind.__name__: status for kind, status in KIND_STATUS.items()}
RAISES |= {"ServiceError": 422, "Http404": 404, "PermissionDenied": 403}


def _route_functions() -> Iterator[tuple[str, str, Callable[..., Any]]]:
    for router_prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = f"/api/v1{router_prefix}{path}".replace("//", "/")
                    yield method, full.rstrip("/") or "/", operation.view_func


def _statuses(fn: Callable[..., Any], module: ModuleType, seen: set[str]) -> set[int]:
    """Statuses the function raises itself, or through helpers of its own module."""
    if fn.__name__ in seen:
        return set()
    seen.add(fn.__name__)
    found: set[int] = set()
    tree = ast.parse(inspect.getsource(fn).lstrip())
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = ast.unparse(node.exc.func).rsplit(".", 1)[-1]
            if name == "ApiError" and isinstance(node.exc.args[0], ast.Constant):
                found.add(int(node.exc.args[0].value))
            elif name in RAISES:
                found.add(RAISES[name])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "get_visible_or_404":
                found.add(404)
            helper = getattr(module, node.func.id, None)
            if inspect.isfunction(helper) and helper.__module__ == module.__name__:
                found |= _statuses(helper, module, seen)
    return found


ROUTES = sorted(_route_functions(), key=lambda r: (r[1], r[0]))


def test_routes_are_found() -> None:
    paths = {(m, p) for m, p, _ in OPERATIONS}
    assert {(m, p) for m, p, _ in ROUTES} == paths


@pytest.mark.parametrize(("method", "path", "fn"), [_param(*r) for r in ROUTES])
def test_routes_document_the_errors_they_raise(
    method: str, path: str, fn: Callable[..., Any]
) -> None:
    module = inspect.getmodule(fn)
    assert module is not None
    raised = _statuses(fn, module, set())
    documented = SCHEMA["paths"][path][method.lower()]["responses"]
    missing = sorted(str(s) for s in raised if str(s) not in documented)
    assert missing == [], f"{method} {path} raises {missing} but its OpenAPI does not say so"


def test_the_scan_finds_raises() -> None:
    """The scan itself: a route's NotFound, and a helper's Conflict and ApiError(413)."""
    from tracebridge.money import api as money_api

    assert _statuses(money_api.get_hold, money_api, set()) >= {404}
    assert _statuses(money_api.submit_trail, money_api, set()) >= {413, 422}
    assert errors.Conflict.__name__ in RAISES and RAISES["Conflict"] == 409
