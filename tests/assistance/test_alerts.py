"""Alerts for formal requests: overdue requests and expiring or lapsed preservations on the
dashboard's alerts card, the queue and the request page, with the extension prompt; and
`tracebridge request alerts`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tracebridge.agencies.models import User
from tracebridge.agencies.services import create_agency
from tracebridge.assistance import alerts, rules, services
from tracebridge.assistance.models import Request

Send = Callable[..., Request]
Clients = Callable[[User], Client]


def _preserved(sent: Send, cbi: User, until: dt.datetime) -> Request:
    request = services.act(sent(), "acknowledge", cbi)
    services.act(request, "preserve", cbi)
    Request.objects.filter(pk=request.pk).update(preserved_until=until)
    request.refresh_from_db()
    return request


def _card(client: Client) -> str:
    page = client.get("/dashboard/").content.decode()
    return page.split('data-testid="dashboard-alerts"')[1].split("</section>")[0]


def test_an_overdue_request_alerts_both_sides_only(
    sent: Send, doj: User, cbi: User, make_user: Callable[..., User], client_for: Clients
) -> None:
    request = sent("production")
    Request.objects.filter(pk=request.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    cbi_card = _card(client_for(cbi))
    assert request.reference in cbi_card and 'data-alert="overdue"' in cbi_card
    assert "Your agency is to act on it." in cbi_card
    doj_card = _card(client_for(doj))
    assert request.reference in doj_card and "Waiting for IN-CBI." in doj_card
    assert "No new alerts" not in doj_card
    outsider = make_user("analyst", "US-FBI", "fbi.outsider")
    assert request.reference not in _card(client_for(outsider))
    # answered in time, nothing is overdue: a request that reached its end raises nothing
    Request.objects.filter(pk=request.pk).update(status="verified")
    assert request.reference not in _card(client_for(doj))


def test_an_expiring_preservation_prompts_the_custodian_to_extend(
    sent: Send, doj: User, cbi: User, client_for: Clients
) -> None:
    until = timezone.now() + dt.timedelta(days=7)
    request = _preserved(sent, cbi, until)
    extended = until + dt.timedelta(days=rules.preservation_days("IN"))
    cbi_client = client_for(cbi)
    card = _card(cbi_client)
    assert 'data-alert="expiring"' in card and f"Extend to {extended:%Y-%m-%d}" in card
    detail = cbi_client.get(f"/requests/{request.reference}/").content.decode()
    assert 'data-testid="extension-prompt"' in detail and f"Extend to {extended:%Y-%m-%d}" in detail
    doj_card = _card(client_for(doj))
    assert "Ask IN-CBI to extend it before then" in doj_card and "Extend to" not in doj_card
    # the prompt's own form extends it by one more period from the current expiry
    response = cbi_client.post(
        f"/requests/{request.reference}/step/",
        {"action": "extend", "until": extended.isoformat()},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.preserved_until == extended and request.status == "preserved"
    assert request.messages.filter(action="extend").count() == 1
    assert request.reference not in _card(cbi_client)
    assert (
        'data-testid="extension-prompt"'
        not in cbi_client.get(f"/requests/{request.reference}/").content.decode()
    )


def test_a_lapsed_preservation_and_the_queue(
    sent: Send, doj: User, cbi: User, client_for: Clients
) -> None:
    request = _preserved(sent, cbi, timezone.now() - dt.timedelta(days=1))
    queue = client_for(doj).get("/requests/").content.decode()
    card = queue.split('id="request-alerts-h"')[1].split("</section>")[0]
    assert request.reference in card and 'data-alert="lapsed"' in card
    found = alerts.for_user(cbi)
    assert [(a.kind, a.side) for a in found] == [("lapsed", "incoming")]
    # no extension is offered: the data may be gone, a new preservation request is needed
    assert found[0].extend_to is None and alerts.for_user(doj)[0].extend_to is None
    cbi_client = client_for(cbi)
    assert "Extend to" not in _card(cbi_client)
    response = cbi_client.post(
        f"/requests/{request.reference}/step/",
        {"action": "extend", "until": (timezone.now() + dt.timedelta(days=30)).isoformat()},
        follow=True,
    )
    assert "it cannot be extended" in response.content.decode()
    assert request.messages.filter(action="extend").count() == 0


def test_a_far_expiry_raises_nothing(sent: Send, cbi: User, client_for: Clients) -> None:
    request = _preserved(sent, cbi, timezone.now() + rules.EXPIRING_WITHIN * 3)
    assert alerts.for_user(cbi) == []
    page = client_for(cbi).get(f"/requests/{request.reference}/").content.decode()
    assert 'data-testid="extension-prompt"' not in page


def run(*args: str) -> str:
    out = StringIO()
    call_command("request", "alerts", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_alerts_command(sent: Send, cbi: User) -> None:
    request = _preserved(sent, cbi, timezone.now() + dt.timedelta(days=3))
    Request.objects.filter(pk=request.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    rows: list[dict[str, Any]] = json.loads(run("--json"))
    assert {(r["agency"], r["alert"], r["side"]) for r in rows} == {
        ("IN-CBI", "overdue", "incoming"),
        ("IN-CBI", "expiring", "incoming"),
        ("US-DOJ-CPB", "overdue", "outgoing"),
        ("US-DOJ-CPB", "expiring", "outgoing"),
    }
    assert all(r["reference"] == request.reference and r["extend_to"] is None for r in rows)
    text = run("--agency", "IN-CBI")
    assert text.count(request.reference) == 2 and "US-DOJ-CPB  " not in text
    with pytest.raises(CommandError, match="NOPE"):
        run("--agency", "NOPE")


def test_the_alerts_command_gives_a_central_authority_its_country_alerts(
    sent: Send, cbi: User
) -> None:
    create_agency("IN-MHA", "IN", "Ministry of Home Affairs", central_authority=True)
    request = _preserved(sent, cbi, timezone.now() + dt.timedelta(days=3))
    rows: list[dict[str, Any]] = json.loads(run("--agency", "IN-MHA", "--json"))
    assert [(r["reference"], r["alert"], r["side"]) for r in rows] == [
        (request.reference, "expiring", "incoming")
    ]
    create_agency("GB-HO", "GB", "Home Office", central_authority=True)
    assert json.loads(run("--agency", "GB-HO", "--json")) == []
