"""The report form's new fields in STIX and MISP, with the victim's own accounts redacted."""

from __future__ import annotations

from typing import Any

import pytest

from tests.complaints.conftest import record
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.services import ingest
from tracebridge.errors import TracebridgeError
from tracebridge.sharing import misp
from tracebridge.sharing.exports import complaint_record, complaint_stix
from tracebridge.sharing.services import create_agreement
from tracebridge.sharing.stix_extensions import tb_property

pytestmark = pytest.mark.django_db
ROWS = [{"rail": "upi", "reference": "412356789012", "amount": "20000.00", "currency": "INR",
         "to_upi": "fraud.kyc@okaxis", "at": "2026-11-26T21:40:00+05:30"}]  # fmt: skip
VICTIM = {"name": "Asha Devi", "debited_upi": "asha@oksbi", "debited_account": "XXXX4321",
          "card_last4": "1234", "district": "Patna"}  # fmt: skip


@pytest.fixture
def complaint(agencies: Any) -> Complaint:
    narrative = "I paid from asha@oksbi to fraud.kyc@okaxis, UTR 412356789012."
    data = record("V2", version=2, transactions=ROWS, ncrp_ack="31412250012345",
                  victim=VICTIM, narrative=narrative, tlp="GREEN")  # fmt: skip
    ingest([data], agencies["IN-CBI"])
    return Complaint.objects.get(ref="V2")


def test_other_agencies_get_the_rows_but_not_the_victims_accounts(complaint: Complaint) -> None:
    shared = complaint_record(complaint, [])
    assert shared["transactions"] == ROWS and shared["ncrp_ack"] == "31412250012345"
    assert shared["victim"] == {}
    assert "asha@oksbi" not in shared["narrative"] and "fraud.kyc@okaxis" in shared["narrative"]
    assert complaint_record(complaint, ["district"])["victim"] == {"district": "Patna"}


def test_stix_incident_carries_the_rows_in_the_extension(complaint: Complaint) -> None:
    objects = complaint_stix([complaint], [])
    (incident,) = [o for o in objects if o["type"] == "incident"]
    carried = tb_property(incident, "complaint")
    assert carried["transactions"] == ROWS and carried["victim"] == {}
    assert "asha@oksbi" not in str(objects) and "XXXX4321" not in str(objects)
    assert any(o.get("user_id") == "fraud.kyc@okaxis" for o in objects)


def test_misp_event_lists_the_utrs(complaint: Complaint) -> None:
    event = misp.event_for(
        complaint_record(complaint, []), ["upi:fraud.kyc@okaxis"], org="IN-CBI", tlp="GREEN",
        timestamp=complaint.updated_at,
    )  # fmt: skip
    attributes = event["Event"]["Attribute"]
    numbers = [a["value"] for a in attributes if a.get("comment") == misp.TRANSACTION_COMMENT]
    assert numbers == ["412356789012"]
    assert "asha@oksbi" not in str(event)


def test_an_agreement_may_name_the_district_and_stix_carries_it(
    complaint: Complaint, agencies: Any
) -> None:
    agreement = create_agreement("IN-CBI", "US-FBI", ["GREEN"], fields=["district"])
    assert agreement.fields == ["district"]
    (incident,) = [
        o for o in complaint_stix([complaint], agreement.fields) if o["type"] == "incident"
    ]
    assert tb_property(incident, "complaint")["victim"] == {"district": "Patna"}
    with pytest.raises(TracebridgeError, match="unknown victim fields"):
        create_agreement("IN-CBI", "US-FBI", ["GREEN"], fields=["tehsil"])
