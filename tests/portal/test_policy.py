"""Publication policies: which markings feed public counts, from how many independent reports."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import ServiceError
from tracebridge.portal import policy, services
from tracebridge.portal.models import PublicationPolicy

UPI = "upi:pooja.4738@okicici"


def test_without_a_policy_only_clear_counts(reported: Any) -> None:
    for tlp in ("GREEN", "AMBER", "AMBER"):
        reported([UPI], tlp=tlp)
    assert services.check("pooja.4738@okicici").status == "not_reported"


def test_i4c_policy_counts_green_and_amber_from_three(reported: Any, agencies: Any) -> None:
    policy.set_policy(agencies["IN-I4C"], "green, amber", 3)
    reported([UPI], tlp="GREEN")
    reported([UPI], tlp="AMBER")
    assert services.check("pooja.4738@okicici").status == "not_reported"  # 2 < 3
    reported([UPI], tlp="AMBER")
    result = services.check("pooja.4738@okicici")
    assert (result.status, result.reports, result.risk) == ("reported", 3, "high")


def test_red_and_amber_strict_never_count(reported: Any, agencies: Any) -> None:
    policy.set_policy(agencies["IN-I4C"], "CLEAR,GREEN,AMBER", 1)
    for tlp in ("RED", "AMBER+STRICT", "RED", "AMBER+STRICT"):
        reported([UPI], tlp=tlp)
    assert services.check("pooja.4738@okicici").status == "not_reported"
    for bad in ("RED", "amber+strict", "clear,red", "purple"):
        with pytest.raises(ServiceError, match="markings"):
            policy.set_policy(agencies["IN-I4C"], bad, 1)
    assert PublicationPolicy.objects.get().markings == "CLEAR,GREEN,AMBER"


def test_one_reporter_is_one_independent_report(reported: Any, agencies: Any) -> None:
    policy.set_policy(agencies["IN-I4C"], "GREEN", 3)
    for _ in range(4):
        reported([UPI], tlp="GREEN", reporter="same-address")
    assert services.check("pooja.4738@okicici").status == "not_reported"
    reported([UPI], tlp="GREEN", reporter="another")
    reported([UPI], tlp="GREEN")
    assert services.check("pooja.4738@okicici").reports == 3


def test_each_agency_reaches_its_own_minimum(reported: Any, agencies: Any) -> None:
    policy.set_policy(agencies["IN-I4C"], "GREEN", 2)
    policy.set_policy(agencies["IN-CBI"], "GREEN", 5)
    for _ in range(4):
        reported([UPI], tlp="GREEN", agency="IN-CBI")
    reported([UPI], tlp="GREEN")
    assert services.check("pooja.4738@okicici").status == "not_reported"
    reported([UPI], tlp="GREEN")  # I4C reaches 2; CBI's 4 (under its 5) still add nothing
    assert services.check("pooja.4738@okicici").reports == 2
    reported([UPI], tlp="GREEN", agency="IN-CBI")
    assert services.check("pooja.4738@okicici").reports == 7


def test_a_policy_change_is_audited_and_applied_at_once(reported: Any, agencies: Any) -> None:
    for _ in range(3):
        reported([UPI], tlp="GREEN")
    call_command("portal", "policy", "IN-I4C", "--markings", "green,amber", "--min-reports", "3")
    assert services.check("pooja.4738@okicici").reports == 3
    event = AuditEvent.objects.get(action="portal.policy")
    assert (event.object_id, event.agency.code) == ("IN-I4C", "IN-I4C")
    assert event.detail == {"old": "CLEAR from 1", "new": "GREEN,AMBER from 3"}
    with pytest.raises(CommandError, match="min_reports"):
        call_command("portal", "policy", "IN-I4C", "--markings", "green", "--min-reports", "0")
    assert AuditEvent.objects.filter(action="portal.policy").count() == 1


def test_statistics_follow_the_policy(reported: Any, agencies: Any, settings: Any) -> None:
    settings.PUBLIC_MIN_COUNT = 2
    for _ in range(3):
        reported([UPI], tlp="GREEN", loss="1000", method="upi")
    reported([UPI], tlp="RED", loss="5000", method="upi")
    assert services.statistics()["total"] is None  # suppressed: 0 public reports
    policy.set_policy(agencies["IN-I4C"], "GREEN", 3)
    data = services.statistics()
    assert data["total"] == 3
    assert data["losses"][0]["total"] == "3000.00"  # the RED complaint's loss stays out


def test_only_counts_leave(client: Any, reported: Any, agencies: Any) -> None:
    policy.set_policy(agencies["IN-I4C"], "GREEN", 1)
    complaint = reported([UPI], tlp="GREEN")
    complaint.narrative = "Secret narrative of Pooja"
    complaint.ref = "IN-SECRET-REF-0001"  # "R1" alone turns up inside a random CSRF token
    complaint.save()
    body = client.get("/api/v1/public/check", {"q": "pooja.4738@okicici"}).json()
    assert body["reports"] == 1
    page = client.get("/check/", {"q": "pooja.4738@okicici"}).content.decode()
    for secret in ("Secret narrative", complaint.ref, "NCRP"):
        assert secret not in str(body) and secret not in page


def test_the_admin_page_changes_a_policy_through_the_audited_service(
    agencies: Any, reported: Any
) -> None:
    from django.test import Client

    from tracebridge.agencies.models import User

    operator = User.objects.create_superuser("root", "root@example.org", "pw-for-test-only")
    client = Client()
    client.force_login(operator)
    for _ in range(2):
        reported([UPI], tlp="AMBER")
    agency = agencies["IN-I4C"].pk
    form = {"agency": agency, "markings": "AMBER", "min_reports": 2}
    refused = client.post("/admin/portal/publicationpolicy/add/", {**form, "markings": "RED"})
    assert "never feeds public counts" in refused.content.decode()
    assert not PublicationPolicy.objects.exists()
    client.post("/admin/portal/publicationpolicy/add/", form)
    assert services.check("pooja.4738@okicici").reports == 2
    event = AuditEvent.objects.get(action="portal.policy")
    assert (event.username, event.detail["new"]) == ("root", "AMBER from 2")


def test_the_command_names_an_unknown_agency_and_lists_every_policy(agencies: Any) -> None:
    with pytest.raises(CommandError, match="no agency with code 'XX-NONE' \\(known: ") as refused:
        call_command("portal", "policy", "XX-NONE", "--markings", "green", "--min-reports", "3")
    assert refused.value.returncode == 4  # not found (docs/operator.md)
    assert not AuditEvent.objects.filter(action="portal.policy").exists()
    policy.set_policy(agencies["IN-I4C"], "CLEAR,GREEN,AMBER", 3)
    out = StringIO()
    call_command("portal", "policies", stdout=out)
    lines = dict(line.split("\t") for line in out.getvalue().splitlines())
    assert lines["IN-I4C"] == "CLEAR,GREEN,AMBER from 3"
    assert lines["IN-CBI"] == "CLEAR from 1"  # no row: the default
    assert len(lines) == len(agencies)
