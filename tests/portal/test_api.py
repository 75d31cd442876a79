from typing import Any

from django.test import Client

from tests.conftest import assert_error
from tracebridge.portal import api


def test_public_check_needs_no_login(reported: Any) -> None:
    reported(["upi:kyc.update@okaxis"])
    body = Client().get("/api/v1/public/check", {"q": "kyc.update@okaxis"}).json()
    assert body["status"] == "reported"
    assert body["reports"] == 1
    assert body["kind"] == "upi"
    assert set(body) == {
        "query",
        "status",
        "kind",
        "value",
        "reports",
        "risk",
        "scam_types",
        "owner",
        "last_reported",
        "other_readings",
    }


def test_rate_limited_in_the_error_shape(db: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(api, "CHECK_API_LIMIT", api.ratelimit.Limit("t", 2, 60))
    client = Client()
    for _ in range(2):
        assert client.get("/api/v1/public/check", {"q": "x"}).status_code == 200
    error = assert_error(client.get("/api/v1/public/check", {"q": "x"}), 429, "rate_limited")
    assert error["details"][0]["retry_after"] >= 1
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.get("/api/v1/public/check", {"q": "x"}).status_code == 200
