from datetime import timedelta
from typing import Any

from tests.conftest import assert_error
from tracebridge.agencies import audit
from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import issue_token, revoke_token


def test_me_with_token(analyst: Any, api_for: Any) -> None:
    response = api_for(analyst).get("/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": analyst.username,
        "agency": "US-FBI",
        "country": "US",
        "role": "analyst",
    }


def test_missing_token_is_401_in_the_error_shape(db: None, api_for: Any) -> None:
    assert_error(api_for(None).get("/me"), 401, "unauthenticated")


def test_unknown_and_revoked_tokens_are_401_and_audited(analyst: Any, api_for: Any) -> None:
    client = api_for(analyst)
    prefix = client.headers["Authorization"].split("_")[1]
    revoke_token(prefix)
    assert_error(client.get("/me"), 401, "unauthenticated")
    client.headers["Authorization"] = "Bearer tb_nope_nope"
    assert_error(client.get("/me"), 401, "unauthenticated")
    denied = AuditEvent.objects.filter(action="api.auth", outcome="denied")
    assert denied.count() == 2


def test_session_auth_works_for_the_browser(analyst: Any, client_for: Any) -> None:
    response = client_for(analyst).get("/api/v1/me")
    assert response.json()["username"] == analyst.username


def test_a_revoked_token_from_a_signed_in_browser_is_refused(
    analyst: Any, viewer: Any, client_for: Any
) -> None:
    """The token named is the one judged: no falling back to the session's user."""
    token = issue_token(viewer, "sync")
    browser = client_for(analyst)
    bearer = {"Authorization": f"Bearer {token.secret}"}
    assert browser.get("/api/v1/me", headers=bearer).json()["username"] == viewer.username
    revoke_token(token.secret.split("_")[1])
    assert_error(browser.get("/api/v1/me", headers=bearer), 401, "unauthenticated")
    assert browser.get("/api/v1/me").json()["username"] == analyst.username


def test_audit_api_needs_agency_admin_and_shows_own_agency_only(
    analyst: Any, agency_admin: Any, cbi_analyst: Any, api_for: Any
) -> None:
    assert_error(api_for(analyst).get("/audit"), 403, "forbidden")
    api_for(cbi_analyst).get("/me")  # an IN-CBI event (token creation)
    body = api_for(agency_admin).get("/audit", limit=500).json()
    assert body["total"] == len(body["items"]) > 0
    assert {item["agency"] for item in body["items"]} == {"US-FBI"}
    forbidden = api_for(agency_admin).get("/audit", action="api.forbidden").json()
    assert forbidden["items"][0]["username"] == analyst.username


def test_audit_api_validates_filters(agency_admin: Any, api_for: Any) -> None:
    error = assert_error(api_for(agency_admin).get("/audit", since="yesterday"), 422, "invalid")
    assert "yesterday" in error["message"]
    assert error["details"][0]["field"] == "since"
    error = assert_error(api_for(agency_admin).get("/audit", until="2026-02-30"), 422, "invalid")
    assert error["details"][0]["field"] == "until"
    assert_error(api_for(agency_admin).get("/audit", limit=0), 422, "invalid")
    error = assert_error(api_for(agency_admin).get("/audit", limit="many"), 422, "invalid")
    assert error["details"][0]["field"] == "limit"


def test_audit_until_a_date_includes_that_whole_day(agency_admin: Any, api_for: Any) -> None:
    event = audit.record("probe.until", user=agency_admin)
    day = event.at.date()
    api = api_for(agency_admin)
    on_the_day = api.get("/audit", action="probe", until=day.isoformat()).json()
    assert [item["id"] for item in on_the_day["items"]] == [event.pk]
    the_day_before = api.get("/audit", action="probe", until=str(day - timedelta(days=1)))
    assert the_day_before.json()["total"] == 0
    assert api.get("/audit", action="probe", since=day.isoformat()).json()["total"] == 1


def test_unknown_route_and_openapi(analyst: Any, api_for: Any, client: Any) -> None:
    assert_error(api_for(analyst).get("/no-such-thing"), 404, "not_found")
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "TraceBridge node API"
    assert "/api/v1/me" in spec["paths"]


def test_any_route_answers_a_body_over_the_upload_limit_with_413(
    analyst: Any, api_for: Any, settings: Any
) -> None:
    """Django refuses to read such a body; every API route answers in the error shape."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 << 10
    error = assert_error(
        api_for(analyst).post("/traceback", {"call_id": "x", "note": "n" * 4096}), 413, "too_large"
    )
    assert error["message"] == "The body is over 1,024 bytes; send smaller batches."
