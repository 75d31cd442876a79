"""One redaction of a complaint for a reader, on the API and the page alike (issue 21, point 4)."""

from __future__ import annotations

from typing import Any

import pytest

from tracebridge.complaints.models import Complaint
from tracebridge.complaints.redaction import REDACTED, Reader, redact
from tracebridge.complaints.services import ingest
from tracebridge.sharing.exports import complaint_record
from tracebridge.sharing.services import create_agreement, revoke_agreement

from .conftest import record

NARRATIVE = (
    "I am Asha Devi. The caller from 98123 45678 asked me to pay rahul.verma@okaxis; "
    "reach me on 98765-43210 or asha.devi@example.in."
)
VICTIM = {
    "name": "Asha Devi",
    "phone": "+91 98765 43210",
    "email": "asha.devi@example.in",
    "state": "Bihar",
    "age_band": "60-69",
}
SECRETS = ("Asha Devi", "98765-43210", "asha.devi@example.in", "Bihar", "60-69")


@pytest.fixture
def shared(agencies: Any) -> Complaint:
    """A GREEN complaint of IN-CBI with the victim's name, phone and e-mail in its narrative."""
    ingest([record("V1", tlp="GREEN", narrative=NARRATIVE, victim=VICTIM)], agencies["IN-CBI"])
    return Complaint.objects.get(ref="V1")


def _clear(complaint: Complaint) -> None:
    Complaint.objects.filter(pk=complaint.pk).update(tlp="CLEAR")


def test_redact_removes_unnamed_fields_and_scrubs_the_narrative() -> None:
    out = redact({"narrative": NARRATIVE, "victim": VICTIM}, ["victim.name"])
    assert out["victim"] == {"name": "Asha Devi"}
    assert out["narrative"] == (
        "I am Asha Devi. The caller from 98123 45678 asked me to pay rahul.verma@okaxis; "
        f"reach me on {REDACTED} or {REDACTED}."
    )
    assert redact({"narrative": NARRATIVE, "victim": VICTIM}, None)["victim"] == VICTIM


def test_api_gives_another_agency_the_narrative_redacted(
    shared: Complaint, api_for: Any, analyst: Any, cbi_analyst: Any
) -> None:
    _clear(shared)
    fbi = api_for(analyst)
    for item in (
        fbi.get("/complaints").json()["items"][0],
        fbi.get(f"/complaints/{shared.pk}").json(),
    ):
        assert item["victim"] == {}
        assert item["narrative"] == (
            f"I am {REDACTED}. The caller from 98123 45678 asked me to pay rahul.verma@okaxis; "
            f"reach me on {REDACTED} or {REDACTED}."
        )
        assert not any(s in str(item) for s in SECRETS)
    own = api_for(cbi_analyst).get(f"/complaints/{shared.pk}").json()
    assert own["narrative"] == NARRATIVE and own["victim"] == VICTIM


def test_an_agreement_shows_only_the_fields_it_names(
    shared: Complaint, api_for: Any, analyst: Any, client_for: Any
) -> None:
    agreement = create_agreement("IN-CBI", "US-FBI", ["GREEN"], fields=["name", "state"])
    item = api_for(analyst).get(f"/complaints/{shared.pk}").json()
    assert item["victim"] == {"name": "Asha Devi", "state": "Bihar"}
    assert (
        "I am Asha Devi." in item["narrative"] and "asha.devi@example.in" not in item["narrative"]
    )
    page = client_for(analyst).get(f"/complaints/{shared.pk}/").content.decode()
    assert "Asha Devi" in page and "Bihar" in page
    assert "asha.devi@example.in" not in page and "60-69" not in page
    # The copy partners read over TAXII is the same redaction of the same complaint.
    assert complaint_record(shared, agreement.fields)["narrative"] == item["narrative"]
    revoke_agreement(agreement)
    _clear(shared)
    assert api_for(analyst).get(f"/complaints/{shared.pk}").json()["victim"] == {}


def test_the_page_gives_another_agency_the_narrative_redacted(
    shared: Complaint, client_for: Any, analyst: Any, cbi_analyst: Any
) -> None:
    _clear(shared)
    page = client_for(analyst).get(f"/complaints/{shared.pk}/").content.decode()
    assert page.count(REDACTED) == 3
    assert not any(s in page for s in SECRETS)
    own = client_for(cbi_analyst).get(f"/complaints/{shared.pk}/").content.decode()
    assert all(s in own for s in SECRETS) and REDACTED not in own


def test_fields_follow_the_marking_and_nobody_reads_nothing(
    shared: Complaint, agencies: Any
) -> None:
    create_agreement("IN-CBI", "US-FBI", ["GREEN"], fields=["name"])
    fbi = agencies["US-FBI"].pk
    assert Reader(fbi).fields(shared) == {"name"}
    assert Reader(agencies["US-FTC"].pk).fields(shared) == frozenset()
    assert Reader(None).fields(shared) == frozenset()
    assert Reader(shared.agency_id).fields(shared) is None
    for tlp in ("AMBER", "RED"):  # the agreement does not name these markings
        Complaint.objects.filter(pk=shared.pk).update(tlp=tlp)
        shared.refresh_from_db()
        assert Reader(fbi).fields(shared) == frozenset()
