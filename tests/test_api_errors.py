"""The API's errors: one JSON shape for every status, and the OpenAPI says so (issue 21, point 10)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import assert_error
from tracebridge.api_support import MAX_OFFSET, MAX_PAGE

PAGED = [
    "/audit",
    "/complaints",
    "/campaigns",
    "/money/trails",
    "/money/holds",
    "/cdrs",
    "/robocalls",
    "/traceback",
    "/traceback/hops",
]
TOO_FAR = "9223372036854775808"  # 2**63: one past a 64-bit integer


@pytest.fixture
def admin_api(make_user: Any, api_for: Any) -> Any:
    return api_for(make_user("agency_admin"))


def _openapi(client: Any) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", PAGED)
def test_an_offset_past_64_bits_is_a_422_naming_offset(admin_api: Any, path: str) -> None:
    error = assert_error(admin_api.get(path, offset=TOO_FAR), 422, "invalid")
    assert [d["field"] for d in error["details"]] == ["offset"]


@pytest.mark.parametrize("path", PAGED)
def test_the_largest_offset_is_an_empty_page(admin_api: Any, path: str) -> None:
    body = admin_api.get(path, offset=str(MAX_OFFSET)).json()
    assert (body["offset"], body["items"]) == (MAX_OFFSET, [])
    error = assert_error(admin_api.get(path, offset=str(MAX_OFFSET + 1)), 422, "invalid")
    assert error["details"][0]["field"] == "offset"


def test_limit_bounds_are_422(admin_api: Any) -> None:
    for limit in ("0", str(MAX_PAGE + 1), TOO_FAR):
        error = assert_error(admin_api.get("/complaints", limit=limit), 422, "invalid")
        assert error["details"][0]["field"] == "limit"


@pytest.mark.parametrize("path", ["/cdrs", "/money/trails"])
def test_multipart_without_a_boundary_is_a_400(admin_api: Any, path: str) -> None:
    response = admin_api.client.post(
        f"/api/v1{path}", b"--x\r\n", content_type="multipart/form-data", headers=admin_api.headers
    )
    error = assert_error(response, 400, "bad_request")
    assert "boundary" in error["message"]


def test_a_wrong_method_is_a_json_405_with_allow(admin_api: Any) -> None:
    response = admin_api.put("/me", {})
    error = assert_error(response, 405, "method_not_allowed")
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "GET"
    assert "PUT" in error["message"]


def test_a_post_to_an_unknown_api_path_is_a_json_404_not_a_csrf_page(db: None) -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/api/v1/nothing-here", {})
    assert_error(response, 404, "not_found")


def test_a_session_post_without_csrf_token_is_a_json_403(analyst: Any) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post("/api/v1/alerts/read", {})
    assert_error(response, 403, "forbidden")


def test_openapi_documents_the_error_shape_on_every_operation(client: Any) -> None:
    schema = _openapi(client)
    components = schema["components"]["schemas"]
    assert components["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert components["ErrorBody"]["required"] == ["code", "message", "details"]
    operations = [
        (path, method, op) for path, item in schema["paths"].items() for method, op in item.items()
    ]
    assert len(operations) > 30
    for path, method, op in operations:
        codes = set(op["responses"])
        assert {"400", "422", "4XX", "500"} <= codes, (method, path)
        if op.get("security"):
            assert {"401", "403"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        ref = op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/Error"


def test_openapi_documents_limit_and_offset_bounds_on_every_paged_route(client: Any) -> None:
    paths = _openapi(client)["paths"]
    for path in PAGED:
        params = {p["name"]: p["schema"] for p in paths[f"/api/v1{path}"]["get"]["parameters"]}
        assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, MAX_PAGE), path
        assert (params["offset"]["minimum"], params["offset"]["maximum"]) == (0, MAX_OFFSET)
