"""An agency admin manages people and API tokens on pages, all audited (issue 20, point 16)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, ApiClient, assert_error
from tracebridge.agencies.models import ApiToken, AuditEvent, User
from tracebridge.agencies.services import ServiceError, issue_token


def _signs_in(username: str, password: str) -> bool:
    """A real sign-in through the login page (django-axes sits in front of it)."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _once(client: Client, url: str) -> str:
    """The secret the page shows once after a POST (and never again)."""
    page = client.get(url).content.decode()
    assert 'data-testid="once-secret"' in page
    secret = page.split('data-testid="once-secret">', 1)[1].split("<", 1)[0]
    assert 'data-testid="once-secret"' not in client.get(url).content.decode()
    return secret


def test_an_admin_adds_a_person_who_can_then_sign_in(
    agency_admin: User, client_for: Callable[..., Client]
) -> None:
    admin = client_for(agency_admin)
    response = admin.post(
        reverse("agency-users"),
        {"username": "fbi.jdoe", "name": "Jordan Doe", "title": "Special Agent",
         "email": "jdoe@example.gov", "role": "analyst"},
    )  # fmt: skip
    assert response.status_code == 302
    password = _once(admin, reverse("agency-users"))
    person = User.objects.get(username="fbi.jdoe")
    assert (person.agency.code, person.role, person.get_full_name(), person.title) == (
        "US-FBI", "analyst", "Jordan Doe", "Special Agent")  # fmt: skip
    assert _signs_in("fbi.jdoe", password)
    event = AuditEvent.objects.get(action="user.create")
    assert (event.username, event.object_id) == (agency_admin.username, str(person.pk))


def test_a_taken_username_is_refused_with_the_services_reason_and_no_secret(
    agency_admin: User, analyst: User, client_for: Callable[..., Client]
) -> None:
    admin = client_for(agency_admin)
    users = User.objects.count()
    response = admin.post(
        reverse("agency-users"), {"username": analyst.username, "name": "X", "role": "viewer"}
    )
    assert response.status_code == 302
    page = admin.get(reverse("agency-users")).content.decode()
    assert f"username &#x27;{analyst.username}&#x27; is taken; choose another" in page
    assert 'data-testid="once-secret"' not in page
    assert User.objects.count() == users


def test_roles_stop_at_the_admins_own_and_at_their_agency(
    agency_admin: User,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    admin = client_for(agency_admin)
    admin.post(reverse("agency-users"), {"username": "x.op", "name": "X", "role": "operator"})
    assert not User.objects.filter(username="x.op").exists()
    other = make_user("analyst", "IN-CBI")
    url = reverse("agency-user-change", args=[other.username])
    admin.post(url, {"action": "role", "role": "viewer"})
    other.refresh_from_db()
    assert other.role == "analyst"
    own = reverse("agency-user-change", args=[agency_admin.username])
    admin.post(own, {"action": "deactivate"})
    agency_admin.refresh_from_db()
    assert agency_admin.is_active
    denied = AuditEvent.objects.filter(action="user.change", outcome="denied")
    assert denied.count() == 2


def test_deactivating_a_person_stops_sign_in_and_tokens(
    agency_admin: User, analyst: User, client_for: Callable[..., Client]
) -> None:
    api = ApiClient(issue_token(analyst, "ci").secret)
    assert api.get("/me").status_code == 200
    admin = client_for(agency_admin)
    url = reverse("agency-user-change", args=[analyst.username])
    admin.post(url, {"action": "role", "role": "supervisor"})
    analyst.refresh_from_db()
    assert analyst.role == "supervisor"
    admin.post(url, {"action": "deactivate"})
    assert_error(api.get("/me"), 401, "unauthenticated")
    assert not _signs_in(analyst.username, PASSWORD)
    events = AuditEvent.objects.filter(action__startswith="user.").order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions[-2:] == ["user.role", "user.deactivate"]


def test_a_read_token_made_on_the_page_reads_but_cannot_write(
    agency_admin: User, analyst: User, client_for: Callable[..., Client]
) -> None:
    admin = client_for(agency_admin)
    admin.post(
        reverse("agency-tokens"),
        {"user": analyst.username, "name": "dashboard", "expires_in_days": "30",
         "scopes": ["read"]},
    )  # fmt: skip
    secret = _once(admin, reverse("agency-tokens"))
    token = ApiToken.objects.get(name="dashboard")
    assert token.scope_list == ["read"] and token.expires_at is not None
    assert 29 <= (token.expires_at - timezone.now()).days <= 30
    api = ApiClient(secret)
    assert api.get("/me").json()["username"] == analyst.username
    assert_error(api.post("/complaints", {}), 401, "unauthenticated")
    taxii = Client().get("/taxii2/", headers={"Authorization": f"Bearer {secret}"})
    assert taxii.status_code == 401
    admin.post(reverse("agency-token-revoke", args=[token.prefix]))
    assert_error(api.get("/me"), 401, "unauthenticated")
    assert AuditEvent.objects.filter(action="token.revoke", username=agency_admin.username).exists()


def test_an_expired_token_is_refused(analyst: User) -> None:
    issued = issue_token(analyst, "short", expires_at=timezone.now() + dt.timedelta(seconds=60))
    api = ApiClient(issued.secret)
    assert api.get("/me").status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert_error(api.get("/me"), 401, "unauthenticated")


def test_bad_scopes_and_past_expiry_are_refused(analyst: User) -> None:
    with pytest.raises(ServiceError, match="scopes must be some of read, write, taxii"):
        issue_token(analyst, "x", scopes=["admin"])
    with pytest.raises(ServiceError, match="expires_at must be in the future"):
        issue_token(analyst, "x", expires_at=timezone.now() - dt.timedelta(days=1))
    assert not ApiToken.objects.filter(user=analyst).exists()


def test_tokens_of_another_agency_cannot_be_revoked(
    agency_admin: User, cbi_analyst: User, client_for: Callable[..., Client]
) -> None:
    token = issue_token(cbi_analyst, "theirs").token
    client_for(agency_admin).post(reverse("agency-token-revoke", args=[token.prefix]))
    token.refresh_from_db()
    assert token.revoked_at is None
    page = client_for(agency_admin).get(reverse("agency-tokens")).content.decode()
    assert token.prefix not in page


@pytest.mark.parametrize("name", ["agency-users", "agency-tokens", "audit-csv"])
def test_the_admin_pages_need_the_agency_admin_role(
    analyst: User, client_for: Callable[..., Client], name: str
) -> None:
    assert client_for(analyst).get(reverse(name)).status_code == 403


def test_the_audit_log_exports_what_its_filters_select(
    agency_admin: User, client_for: Callable[..., Client]
) -> None:
    admin = client_for(agency_admin)
    admin.get(reverse("agency-users"))
    today = timezone.now().date()
    yesterday = today - dt.timedelta(days=1)
    export = admin.get(reverse("audit-csv"), {"action": "user.list", "until": str(today)})
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [r["action"] for r in rows] == ["user.list"]
    assert rows[0]["username"] == agency_admin.username
    none = admin.get(reverse("audit-csv"), {"action": "user.list", "until": str(yesterday)})
    assert list(csv.DictReader(io.StringIO(none.content.decode()))) == []
    assert AuditEvent.objects.filter(action="audit.export").count() == 2
    page = admin.get(reverse("audit-log"), {"until": str(today)}).content.decode()
    assert f'name="until" type="date" value="{today}"' in page
    assert 'data-testid="audit-export"' in page


def test_a_role_change_moves_the_django_admin_flags_with_the_role(
    make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    operator = client_for(make_user("operator", "US-FBI", "site.op"))
    other = make_user("operator", "IN-CBI", "other.op")
    url = reverse("agency-user-change", args=[other.username])
    operator.post(url, {"action": "role", "role": "viewer"})
    other.refresh_from_db()
    assert (other.role, other.is_staff, other.is_superuser) == ("viewer", False, False)
    operator.post(url, {"action": "role", "role": "operator"})
    other.refresh_from_db()
    assert (other.role, other.is_staff, other.is_superuser) == ("operator", True, True)
