"""`sync pull` against a real TAXII server on loopback (this test's live server): a page whose
date-added header was rewritten on the way is refused without moving the cursor, and an object
it cannot read is skipped and reported while the rest, and later pulls, go on."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests
from django.core.management import call_command

from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import issue_token
from tracebridge.complaints.models import Complaint
from tracebridge.sharing.exports import store
from tracebridge.sharing.models import Partner
from tracebridge.sharing.signing import load_node_key, public_key_text
from tracebridge.sharing.sync import SyncError, add_partner, pull

from .test_inbound import _incident, _objects

pytestmark = pytest.mark.django_db(transaction=True)
FUTURE = "2099-01-01T00:00:00.000000Z"


@pytest.fixture
def collection(complaints: Any, agreement_factory: Any) -> Any:
    """IN-CBI's collection for US-FBI on the live server, as a partner node's would be."""
    return agreement_factory(owner="IN-CBI", partner="US-FBI", tlp="GREEN")


@pytest.fixture
def partner(live_server: Any, collection: Any, make_user: Any) -> Partner:
    token = issue_token(make_user("analyst", "US-FBI"), "sync").secret
    key = public_key_text(load_node_key())
    return add_partner("in-node", live_server.url + "/taxii2/root/", token, key, ["IN-CBI"])


def _rewrite_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    real_get = requests.Session.get

    def proxy(self: Any, url: str, **kwargs: Any) -> Any:
        response = real_get(self, url, **kwargs)
        if "/objects/" in url and "X-TAXII-Date-Added-Last" in response.headers:
            response.headers["X-TAXII-Date-Added-Last"] = FUTURE
        return response

    monkeypatch.setattr(requests.Session, "get", proxy)


def test_a_rewritten_cursor_header_is_refused_and_the_cursor_stays(
    collection: Any, partner: Partner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for ref in ("NEW-1", "NEW-2", "NEW-3"):
        store(collection, _objects(ref))
    _rewrite_cursor(monkeypatch)
    with pytest.raises(SyncError, match="X-TAXII-Date-Added-Last") as refused:
        pull(partner, page_size=4)
    assert "cursor not moved" in str(refused.value)
    partner.refresh_from_db()
    assert str(collection.collection_id) not in partner.cursors
    assert not Complaint.objects.filter(ref__startswith="NEW-").exists()
    event = AuditEvent.objects.get(action="sync.rejected")
    assert event.outcome == "denied" and "X-TAXII-Date-Added-Last" in event.detail["reason"]
    monkeypatch.undo()
    result = pull(partner, page_size=4)
    assert result.imported.created == 3
    partner.refresh_from_db()
    assert partner.cursors[str(collection.collection_id)] < FUTURE


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
