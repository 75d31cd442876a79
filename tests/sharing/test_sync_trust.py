"""`sync pull` against a real TAXII server on loopback (this test's live server): an object it
cannot read is skipped and reported while the rest, and later pulls, go on. (A rewritten cursor
header is pinned in test_federation, between two nodes.)"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import issue_token
from tracebridge.complaints.models import Complaint
from tracebridge.sharing.exports import store
from tracebridge.sharing.models import Partner
from tracebridge.sharing.signing import load_node_key, public_key_text
from tracebridge.sharing.sync import add_partner, pull

from .test_inbound import _incident, _objects

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def collection(complaints: Any, agreement_factory: Any) -> Any:
    """IN-CBI's collection for US-FBI on the live server, as a partner node's would be."""
    return agreement_factory(owner="IN-CBI", partner="US-FBI", tlp="GREEN")


@pytest.fixture
def partner(live_server: Any, collection: Any, make_user: Any) -> Partner:
    token = issue_token(make_user("analyst", "US-FBI"), "sync").secret
    key = public_key_text(load_node_key())
    return add_partner("in-node", live_server.url + "/taxii2/root/", token, key, ["IN-CBI"])


def test_an_unreadable_object_is_skipped_and_reported(collection: Any, partner: Partner) -> None:
    bad = _objects("NAN-B", loss={"amount": "NaN", "currency": "INR"})
    for objects in (_objects("NEW-A"), bad, _objects("NEW-C")):
        store(collection, objects)  # a partner node whose store holds one (an older version)
    out = io.StringIO()
    call_command("sync", "pull", "--partner", "in-node", "--page-size", "3", stdout=out)
    report = out.getvalue()
    assert "2 complaints created" in report and "1 rejected" in report
    assert f"{_incident(bad)['id']}: complaint NCRP:NAN-B: loss.amount" in report
    assert set(Complaint.objects.filter(ref__in=["NEW-A", "NAN-B", "NEW-C"]).values_list(
        "ref", flat=True)) == {"NEW-A", "NEW-C"}  # fmt: skip
    rejected = AuditEvent.objects.filter(action="sharing.import.rejected")
    assert any("NAN-B" in r for e in rejected for r in e.detail["reasons"])
    store(collection, _objects("NEW-D"))  # later pulls go on past the bad object
    again = pull(Partner.objects.get(name="in-node"), page_size=3)
    assert (again.imported.created, again.imported.rejected) == (1, [])
    assert Complaint.objects.filter(ref="NEW-D").exists()
