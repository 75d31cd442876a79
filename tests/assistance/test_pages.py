"""Request pages and API: role and agency checks, audited reads, what the queue and request
page show, the form generated from the schema, a supervisor's approval."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
from django.test import Client
from django.utils import timezone

from tests.conftest import assert_error
from tracebridge.agencies.models import AuditEvent, User
from tracebridge.assistance import forms, reading, rules, services
from tracebridge.assistance.models import Request
from tracebridge.cases.models import Case

Fields = Callable[[str], dict[str, Any]]


Send = Callable[..., Request]


def test_queue_shows_outgoing_and_incoming_with_preservation_clock(
    doj: User, cbi: User, sent: Send, client_for: Callable[[User], Client]
) -> None:
    request = sent()
    services.act(request, "acknowledge", cbi)
    services.act(request, "preserve", cbi)
    page = client_for(doj).get("/requests/").content.decode()
    outgoing = page.split('data-testid="requests-outgoing"')[1]
    incoming = page.split('data-testid="requests-incoming"')[1].split("requests-outgoing")[0]
    assert request.reference in outgoing and request.reference not in incoming
    assert "No requests." in incoming
    cbi_page = client_for(cbi).get("/requests/").content.decode()
    assert request.reference in cbi_page.split('data-testid="requests-incoming"')[1]
    assert AuditEvent.objects.filter(action="request.queue", username="cbi.officer").exists()


def test_queue_flags_overdue_and_expiring(
    doj: User, cbi: User, sent: Send, client_for: Callable[[User], Client]
) -> None:
    request = sent()
    services.act(request, "acknowledge", cbi)
    services.act(request, "preserve", cbi)
    soon = timezone.now() + rules.EXPIRING_WITHIN / 2
    Request.objects.filter(pk=request.pk).update(preserved_until=soon)
    page = client_for(doj).get("/requests/").content.decode()
    assert 'data-expiring="1"' in page and 'data-overdue="1"' not in page
    Request.objects.filter(pk=request.pk).update(status="sent", due_at="2001-01-01T00:00:00Z")
    assert 'data-overdue="1"' in client_for(doj).get("/requests/").content.decode()


def test_request_page_shows_fields_clocks_and_signers_to_both_sides_only(
    cbi: User,
    make_user: Callable[..., User],
    sent: Send,
    fields: Fields,
    client_for: Callable[[User], Client],
) -> None:
    request = sent()
    url = f"/requests/{request.reference}/"
    page = client_for(cbi).get(url).content.decode()
    assert fields("preservation")["custodian"] in page
    assert page.count("tracebridge-node/evidence") == 3 and "doj.chief" in page
    assert 'value="acknowledge"' in page and 'value="withdraw"' not in page
    outsider = make_user("supervisor", "US-FTC", "ftc.chief")
    assert client_for(outsider).get(url).status_code == 404
    denied = AuditEvent.objects.get(action="request.read", outcome="denied")
    assert (denied.username, denied.object_id) == ("ftc.chief", request.reference)
    assert AuditEvent.objects.filter(action="request.read", outcome="ok").count() == 1


def test_supervisor_approves_from_the_page_analyst_cannot(
    doj: User, doj_chief: User, made: Send, client_for: Callable[[User], Client]
) -> None:
    url = f"/requests/{made().reference}/"
    assert 'value="approve"' not in client_for(doj).get(url).content.decode()
    client_for(doj).post(f"{url}step/", {"action": "approve"})
    assert Request.objects.get().status == "supervisor_review"
    assert 'value="approve"' in client_for(doj_chief).get(url).content.decode()
    client_for(doj_chief).post(f"{url}step/", {"action": "approve"})
    assert Request.objects.get().status == "sent"


def test_viewer_cannot_open_the_form(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    viewer = make_user("viewer", "US-DOJ-CPB", "doj.viewer")
    assert client_for(viewer).get("/requests/new/").status_code == 403
    assert client_for(viewer).get("/requests/").status_code == 200


def _post(kind: str, case: Case, data: dict[str, Any]) -> dict[str, Any]:
    post: dict[str, Any] = {"kind": kind, "to": "IN-CBI", "case": case.reference}
    for name, value in data.items():
        if name == "identifiers":
            for i, row in enumerate(value):
                post.update({f"identifiers-{i}-{k}": v for k, v in row.items()})
        else:
            post[name] = value
    return post


def test_form_is_generated_from_the_schema_and_names_missing_fields(
    doj: User, doj_case: Case, fields: Fields, client_for: Callable[[User], Client]
) -> None:
    client = client_for(doj)
    page = client.get("/requests/new/?kind=production").content.decode()
    for name in rules.schema("production")["properties"]:
        assert f'data-field="{name}"' in page
    data = fields("production")
    del data["offence"]
    page = client.post("/requests/new/", _post("production", doj_case, data)).content.decode()
    assert 'data-testid="request-missing"' in page and "offence" in page
    assert Request.objects.count() == 0
    answer = client.post("/requests/new/", _post("production", doj_case, fields("production")))
    request = Request.objects.get()
    assert answer["Location"] == f"/requests/{request.reference}/"
    assert request.fields == fields("production") and request.status == "supervisor_review"


def test_api_list_show_create_fields(
    doj: User,
    doj_chief: User,
    cbi: User,
    make_user: Callable[..., User],
    doj_case: Case,
    fields: Fields,
    api_for: Callable[[User], Any],
) -> None:
    api = api_for(doj)
    assert api.get("/request-kinds/mla/fields").json() == rules.schema("mla")
    assert_error(api.get("/request-kinds/letter/fields"), 404, "not_found")
    body = {
        "to": "IN-CBI",
        "kind": "preservation",
        "case": doj_case.reference,
        "fields": {"offence": "fraud"},
    }
    letter = assert_error(api.post("/requests", {**body, "kind": "letter"}), 422, "invalid")
    assert letter["details"] == [{"field": "kind"}] and "unknown kind 'letter'" in letter["message"]
    error = assert_error(api.post("/requests", body), 422, "invalid")
    assert [d["field"] for d in error["details"]] == [
        f for f in rules.schema("preservation")["required"] if f != "offence"
    ]
    created = api.post("/requests", {**body, "fields": fields("preservation")}).json()
    ref = created["reference"]
    assert created["status"] == "supervisor_review" and len(created["messages"]) == 2
    assert api_for(cbi).get("/requests").json()["items"][0]["reference"] == ref
    assert api_for(cbi).get(f"/requests/{ref}").json()["fields"] == fields("preservation")
    outsider = api_for(make_user("analyst", "US-FTC", "ftc.analyst"))
    assert outsider.get("/requests").json()["total"] == 0
    assert_error(outsider.get(f"/requests/{ref}"), 404, "not_found")
    assert AuditEvent.objects.filter(action="api.request.read", outcome="denied").count() == 1


def test_queue_is_in_the_cases_menu_in_hindi(
    doj: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(doj)
    page = client.get("/requests/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    menus = page.split('data-testid="nav-menus"')[1].split("</nav>")[0]
    cases_menu = menus.split("मामले और साक्ष्य")[1].split("</details>")[0]
    assert 'href="/requests/"' in cases_menu and "औपचारिक अनुरोध" in cases_menu


def test_clocks_give_the_emergency_hours_from_the_rules() -> None:
    now = timezone.now()

    def hours(kind: str) -> Any:
        return reading.clocks(Request(kind=kind, status="sent", due_at=now), now)["emergency_hours"]

    assert (hours("emergency"), hours("mla")) == (8, None)


def test_another_agency_cannot_take_a_step(
    made: Send, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    request = made()
    outsider = make_user("supervisor", "US-FTC", "ftc.chief")
    answer = client_for(outsider).post(
        f"/requests/{request.reference}/step/", {"action": "withdraw"}
    )
    assert answer.status_code == 404
    assert Request.objects.get().status == "supervisor_review" and request.messages.count() == 2
    denied = AuditEvent.objects.get(action="request.read", outcome="denied")
    assert (denied.username, denied.object_id) == ("ftc.chief", request.reference)


def test_hindi_catalog_holds_every_word_the_pages_translate_from_the_rules() -> None:
    words = {*rules.KINDS, *rules.STATUSES, *rules.TRANSITIONS, *rules.REFUSAL_REASONS}
    for kind in rules.KINDS:
        for name, node in rules.schema(kind)["properties"].items():
            words |= {name, node["description"], *node.get("enum", ())}
            words |= set(node.get("items", {}).get("enum", ()))
    catalog = polib.pofile(str(Path(forms.__file__).parent / "locale/hi/LC_MESSAGES/django.po"))
    translated = {e.msgid for e in catalog.translated_entries()}
    assert sorted(words - translated) == []


def test_request_page_shows_each_message_receipt_as_request_show_does(
    doj: User, cbi: User, sent: Send, client_for: Callable[[User], Client]
) -> None:
    from tracebridge.assistance import delivery

    request = sent()
    first = request.messages.get(seq=1)
    delivery._issue(first, "accepted")  # what the recipient's node signs when a step arrives
    shown = reading.detail(request)["messages"]
    receipt = shown[0]["receipt"]
    page = client_for(doj).get(f"/requests/{request.reference}/").content.decode()
    cell = page.split('data-testid="receipt-1"')[1].split("</td>")[0]
    assert 'data-receipt="accepted"' in cell and f"signed by {receipt['signer']}" in cell
    assert (
        f"{receipt['at'][:10]} {receipt['at'][11:19]}" in cell
        and f"(#{receipt['ledger_index']})" in cell
    )
    later = page.split('data-testid="receipt-2"')[1].split("</td>")[0]
    assert shown[1]["receipt"] is None and later.strip("> \n") == "—"


def test_central_authorities_read_their_country_requests_and_take_no_step(
    doj: User,
    cbi: User,
    make_user: Callable[..., User],
    sent: Send,
    client_for: Callable[[User], Client],
) -> None:
    from tracebridge.agencies.services import create_agency

    for code, country in (("US-DOJ-OIA", "US"), ("IN-MHA", "IN"), ("GB-HO", "GB")):
        create_agency(code, country, code, central_authority=True)
    oia, mha = make_user("viewer", "US-DOJ-OIA", "oia"), make_user("analyst", "IN-MHA", "mha")
    request = sent()
    services.act(request, "acknowledge", cbi)
    services.act(request, "preserve", cbi)
    soon = timezone.now() + rules.EXPIRING_WITHIN / 2
    Request.objects.filter(pk=request.pk).update(preserved_until=soon)
    assert [r.reference for r in reading.queue(oia)["outgoing"]] == [request.reference]
    assert reading.queue(oia)["incoming"] == [] and reading.queue(mha)["outgoing"] == []
    page = client_for(mha).get("/requests/").content.decode()
    incoming = page.split('data-testid="requests-incoming"')[1].split("requests-outgoing")[0]
    assert request.reference in incoming and 'data-expiring="1"' in incoming
    assert 'data-testid="central-authority"' in page and 'data-alert="expiring"' in page
    home = client_for(mha).get("/dashboard/").content.decode()  # its alerts card
    assert 'data-alert="expiring"' in home and request.reference in home
    detail = client_for(mha).get(f"/requests/{request.reference}/").content.decode()
    assert 'name="action"' not in detail and "Extend to" not in detail  # the CBI extends
    assert "Ask IN-CBI" not in detail  # the prompt of the requesting side is the US one's
    assert (
        "Ask IN-CBI to extend"
        in client_for(oia).get(f"/requests/{request.reference}/").content.decode()
    )
    outsider = make_user("supervisor", "GB-HO", "home.office")
    assert reading.queue(outsider) == {"incoming": [], "outgoing": []}
    assert client_for(outsider).get(f"/requests/{request.reference}/").status_code == 404
    denied = AuditEvent.objects.get(action="request.read", outcome="denied")
    assert denied.username == "home.office"


def test_an_agency_that_is_not_a_central_authority_sees_only_its_own(
    make_user: Callable[..., User], sent: Send
) -> None:
    sent()
    fbi = make_user("supervisor", "US-FBI", "fbi.chief")
    assert reading.visible_requests(fbi).count() == 0
    assert reading.queue(fbi) == {"incoming": [], "outgoing": []}


def test_a_central_authority_reads_through_the_api_and_cannot_take_a_step(
    cbi: User,
    make_user: Callable[..., User],
    sent: Send,
    client_for: Callable[[User], Client],
    api_for: Callable[[User], Any],
) -> None:
    from tracebridge.agencies.services import create_agency

    create_agency("IN-MHA", "IN", "Ministry of Home Affairs", central_authority=True)
    mha = make_user("supervisor", "IN-MHA", "mha.chief")
    ref = sent().reference
    assert [r["reference"] for r in api_for(mha).get("/requests").json()["items"]] == [ref]
    assert api_for(mha).get(f"/requests/{ref}").json()["status"] == "sent"
    url = f"/requests/{ref}/step/"
    page = client_for(mha).post(url, {"action": "acknowledge"}, follow=True).content.decode()
    assert "mha.chief is not a user of IN-CBI" in page and "step recorded" not in page
    assert Request.objects.get(reference=ref).status == "sent"
