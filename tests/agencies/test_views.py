from typing import Any

from django.test import Client

from tests.conftest import PASSWORD
from tracebridge.agencies.models import AuditEvent


def test_login_lands_on_agency_home(analyst: Any) -> None:
    client = Client()
    response = client.post(
        "/login/", {"username": analyst.username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Federal Bureau of Investigation" in html
    assert AuditEvent.objects.filter(action="auth.login", outcome="ok").count() == 1


def test_wrong_password_says_so_and_is_audited(analyst: Any) -> None:
    response = Client().post("/login/", {"username": analyst.username, "password": "wrong"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login", outcome="denied")
    assert event.username == analyst.username


def test_lockout_after_five_failures(analyst: Any) -> None:
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": analyst.username, "password": "wrong"})
    response = client.post("/login/", {"username": analyst.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "locked" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_pages_need_login_and_role(analyst: Any, agency_admin: Any, client_for: Any) -> None:
    assert Client().get("/home/").status_code == 302
    assert client_for(analyst).get("/audit/").status_code == 403
    response = client_for(agency_admin).get("/audit/?action=auth")
    assert response.status_code == 200
    assert "page.forbidden" not in response.content.decode()  # filtered to auth.*
    assert AuditEvent.objects.filter(action="page.forbidden", username=analyst.username).exists()


def test_security_headers_and_hindi(analyst: Any, client_for: Any) -> None:
    client = client_for(analyst)
    response = client.get("/home/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.post("/i18n/setlang/", {"language": "hi", "next": "/home/"})
    html = client.get("/home/").content.decode()
    assert 'lang="hi"' in html
    assert "साइन आउट" in html


def test_landing_is_public(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert "1930" in response.content.decode()


def test_audit_page_answers_a_bad_date_with_a_message(agency_admin: Any, client_for: Any) -> None:
    for query in ({"since": "yesterday"}, {"until": "2026-02-30"}):
        response = client_for(agency_admin).get("/audit/", query)
        assert response.status_code == 200
        assert "not an ISO 8601 date or time" in response.content.decode()
