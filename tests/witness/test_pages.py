"""Who sees split views (agency admins, on the page and the API, audited) and the commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence.merkle import MerkleTree

from .conftest import Log, cosignature_of, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def split(log: Log, partner_node: Client) -> Log:
    """A split view of the Indian node's log at size 3."""
    log.grow(3)
    cosignature_of(post(partner_node, log.body(0)), log.note())
    fork = MerkleTree([log.tree.leaf(0), log.tree.leaf(1)])
    fork.append(b"the other history")
    assert (
        post(partner_node, notes.AddCheckpoint(3, (), log.note(tree=fork)).encode()).status_code
        == 422
    )
    return log


def test_agency_admins_see_split_views_with_both_checkpoints(
    split: Log, agency_admin: User, client_for: Callable[[User], Client], api_for: Any
) -> None:
    page = client_for(agency_admin).get("/witness/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="split-view"') == 1
    assert "in-node/evidence showed two different trees of size 3." in html
    assert AuditEvent.objects.filter(action="witness.read", user=agency_admin).count() == 1
    listing = api_for(agency_admin).get("/witness/split-views")
    assert listing.status_code == 200
    [row] = listing.json()["items"]
    assert (row["origin"], row["partner"], row["size"]) == ("in-node/evidence", "in-node", 3)
    assert row["held_root"] == split.tree.root().hex() and row["other_root"] != row["held_root"]
    for note in (row["held_checkpoint"], row["other_checkpoint"]):
        notes.verify_note(notes.parse_note(note.encode()), split.signer.verifier)
    assert AuditEvent.objects.filter(action="witness.split_views").count() == 1


def test_hindi_page(split: Log, agency_admin: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(agency_admin)
    html = client.get("/witness/", headers={"Accept-Language": "hi"}).content.decode()
    assert "विभाजित दृश्य" in html and "ने आकार 3 के दो अलग-अलग ट्री दिखाए।" in html


def test_others_are_refused_and_audited(
    split: Log, analyst: User, client_for: Callable[[User], Client], api_for: Any
) -> None:
    assert client_for(analyst).get("/witness/").status_code == 403
    refused = api_for(analyst).get("/witness/split-views")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert (
        AuditEvent.objects.filter(
            outcome="denied", action__in=["page.forbidden", "api.forbidden"]
        ).count()
        == 2
    )
    assert Client().get("/witness/").status_code == 302  # to sign-in


def test_the_commands_show_logs_and_split_views(
    split: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("witness", "status", "--json")
    status = json.loads(capsys.readouterr().out)
    assert status["witnessed"] == [
        {
            "origin": "in-node/evidence",
            "partner": "in-node",
            "size": 3,
            "root": split.tree.root().hex(),
        }
    ]
    call_command("witness", "split-views", "--json")
    [row] = json.loads(capsys.readouterr().out)
    assert row["size"] == 3 and row["held_root"] == split.tree.root().hex()
    call_command("witness", "split-views")
    assert capsys.readouterr().out.splitlines()[-1] == "1 split views"


def test_the_dashboard_alerts_card_names_split_views_to_agency_admins(
    split: Log, agency_admin: User, analyst: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("campaigns-dashboard")
    html = client_for(agency_admin).get(url).content.decode()
    assert 'data-testid="split-view-alerts"' in html
    assert "ledger showed two different histories." in html
    assert 'href="/witness/"' in html
    assert 'data-testid="split-view-alerts"' not in client_for(analyst).get(url).content.decode()
