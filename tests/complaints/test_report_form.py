"""The public report form against NCRP's financial-fraud complaint (issue 23, points 7 to 12)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pydantic import ValidationError

from tests.complaints.conftest import record
from tests.complaints.test_views import file
from tracebridge.complaints.models import Complaint, PublicReport, ScamType
from tracebridge.complaints.schema import CanonicalComplaint, Transaction

pytestmark = pytest.mark.django_db
TWO_PAYMENTS = {
    "txn_rows": "2",
    "txn-0-rail": "upi",
    "txn-0-institution": "Paytm Payments Bank",
    "txn-0-reference": "4123 5678 9012",
    "txn-0-date": "2026-11-26",
    "txn-0-time": "21:40",
    "txn-0-amount": "20000",
    "txn-0-to": "fraud.kyc@okaxis",
    "txn-1-rail": "imps",
    "txn-1-institution": "State Bank of India",
    "txn-1-reference": "612345678901",
    "txn-1-amount": "9999.50",
    "txn-1-to": "12345678901",
    "txn-1-to_ifsc": "sbin0001234",
}


def test_incident_date_time_and_platform_are_kept(agencies: Any) -> None:
    file(Client(), platform="telegram", when="2026-11-26", when_time="21:30")
    complaint = Complaint.objects.get()
    assert complaint.channel == "telegram"
    assert complaint.incident_at is not None
    assert complaint.incident_at.isoformat() == "2026-11-26T16:00:00+00:00"  # 21:30 IST


def test_a_time_without_a_date_is_refused_naming_the_field(agencies: Any) -> None:
    page = file(Client(), when_time="21:30")
    assert page.status_code == 400
    assert "Give the date too." in page.content.decode()
    assert not Complaint.objects.exists()


def test_two_transactions_and_the_victims_own_account(agencies: Any) -> None:
    response = file(
        Client(), **TWO_PAYMENTS, debited_account="XXXX4321", debited_upi="asha@oksbi",
        card_last4="1234",
    )  # fmt: skip
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    first, second = complaint.transactions
    assert first == {
        "rail": "upi",
        "institution": "Paytm Payments Bank",
        "reference": "412356789012",
        "at": "2026-11-26T21:40:00+05:30",
        "amount": "20000.00",
        "currency": "INR",
        "to_upi": "fraud.kyc@okaxis",
    }
    assert (second["to_account"], second["to_ifsc"], second["amount"]) == (
        "12345678901", "SBIN0001234", "9999.50",
    )  # fmt: skip
    assert complaint.victim["debited_upi"] == "asha@oksbi"
    assert complaint.victim["card_last4"] == "1234"
    keys = set(complaint.sightings.filter(field="transactions").values_list("key", flat=True))
    assert "upi:fraud.kyc@okaxis" in keys and len(keys) == 2


@pytest.mark.parametrize("utr", ["41235678901", "4123567890123", "41235678901A"])
def test_a_bad_utr_is_refused_with_the_reason(agencies: Any, utr: str) -> None:
    page = file(Client(), **{**TWO_PAYMENTS, "txn-0-reference": utr})
    assert page.status_code == 400
    html = page.content.decode()
    assert "A UPI or IMPS UTR has exactly 12 digits" in html
    assert 'id="txn-row-0"' in html and not Complaint.objects.exists()


def test_a_neft_reference_is_not_held_to_twelve_digits(agencies: Any) -> None:
    file(Client(), **{**TWO_PAYMENTS, "txn-0-rail": "neft", "txn-0-reference": "SBIN126330012345"})
    assert Complaint.objects.get().transactions[0]["reference"] == "SBIN126330012345"


def test_card_is_only_last_four(agencies: Any) -> None:
    page = file(Client(), card_last4="4111111111111111")
    assert page.status_code == 400
    assert "Give only the last four digits of your card." in page.content.decode()


def test_schema_refuses_a_bad_utr_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        CanonicalComplaint(**record(transactions=[{"rail": "upi", "reference": "12345"}]))
    assert "transactions.0" in str(caught.value) and "12 digits, not 5" in str(caught.value)
    assert Transaction(rail="card", reference="AB12").reference == "AB12"


def test_version_one_records_hash_as_before() -> None:
    old = CanonicalComplaint(**record())
    assert old.version is None and old.transactions is None
    # the hash this record had before version 2 (computed on the version 1 schema)
    assert old.content_hash() == "246fbd947292dc95953f5274322ef637c653dcc181c078f01226c24afcc8a88a"
    assert '"transactions"' not in old.model_dump_json(exclude_none=True)
    assert CanonicalComplaint(**record(version=2)).content_hash() != old.content_hash()


def test_several_suspect_details_and_add_a_row(agencies: Any) -> None:
    client = Client()
    more = client.post("/report/", {**_base(), "sus_rows": "2", "add_row": "sus"})
    assert more.status_code == 200 and 'id="suspect-row-2"' in more.content.decode()
    rows = {
        "sus_rows": "3",
        "sus-0-kind": "name", "sus-0-value": "Rahul Verma",
        "sus-1-kind": "handle", "sus-1-value": "@kyc_helpdesk",
        "sus-2-kind": "phone", "sus-2-value": "91234 56789",
    }  # fmt: skip
    file(client, **rows)
    suspect = Complaint.objects.get().suspect
    assert suspect["names"] == ["Rahul Verma"] and suspect["handles"] == ["@kyc_helpdesk"]
    assert suspect["phones"] == ["98123 45678", "91234 56789"]
    assert not Complaint.objects.get().sightings.filter(field="suspect.handles").exists()


def test_a_handle_on_its_platform_is_sighted(agencies: Any) -> None:
    file(Client(), platform="telegram", **{"sus-0-kind": "handle", "sus-0-value": "@kyc_help"})
    sighted = Complaint.objects.get().sightings.filter(field="suspect.handles")
    assert list(sighted.values_list("key", flat=True)) == ["social:telegram:kyc_help"]


def test_check_page_prefill_of_a_handle_or_sms_sender(agencies: Any) -> None:
    client = Client()
    start = client.get("/report/", {"kind": "social", "value": "@kyc_help"}).content.decode()
    assert 'name="kind" value="social"' in start and 'value="@kyc_help"' in start
    assert "errorlist" not in start  # no "required" errors before the visitor chose anything
    query = {"what": "website", "country": "IN", "kind": "social", "value": "@kyc_help"}
    form = client.get("/report/", query).content.decode()
    assert '<option value="handle" selected>' in form
    assert 'name="sus-0-value" value="@kyc_help"' in form
    sms = client.get("/report/", {**query, "kind": "sms", "value": "VM-HDFCBK"}).content.decode()
    assert '<option value="sms_sender" selected>' in sms
    file(client, **{"sus-0-kind": "sms_sender", "sus-0-value": "VM-HDFCBK"})
    complaint = Complaint.objects.get()
    assert complaint.suspect["sms_senders"] == ["VM-HDFCBK"]
    assert complaint.sightings.filter(key="sms:VM-HDFCBK", field="suspect.sms_senders").exists()


def test_indian_categories_are_offered_and_old_keys_stay() -> None:
    new = {"sim_swap", "aeps", "bec", "betting_gaming", "upi_collect", "demat_stock_tips"}
    assert new <= set(ScamType.values)
    assert {"digital_arrest", "loan_app", "sextortion", "kyc_update"} <= set(ScamType.values)


def test_ncrp_acknowledgement_is_stored_and_checked(agencies: Any) -> None:
    file(Client(), ncrp_ack="31412250012345")
    assert Complaint.objects.get().ncrp_ack == "31412250012345"
    page = file(Client(), ncrp_ack="<script>")
    assert page.status_code == 400 and PublicReport.objects.count() == 1


def _base() -> dict[str, Any]:
    from tests.complaints.test_views import report_post

    return report_post()


def test_amounts_are_decimals(agencies: Any) -> None:
    file(Client(), **TWO_PAYMENTS)
    assert Decimal(Complaint.objects.get().transactions[1]["amount"]) == Decimal("9999.5")


def test_state_routes_to_its_cyber_cell_and_stays_when_anonymous(agencies: Any) -> None:
    from tracebridge.complaints.india import STATES

    assert len(STATES) == 36  # 28 states and 8 union territories (LGD)
    client = Client()
    file(client, state="10", district=PATNA, anonymous="on")
    assert Complaint.objects.get().victim == {"state": "Bihar", "district": "Patna"}
    done = client.get("/report/done/").content.decode()
    assert 'data-testid="cyber-cell">It goes to: Cyber Crime Cell, Bihar' in done
    assert '<span translate="no">Patna</span>' in done


PATNA, BHOPAL = "212", "396"  # LGD district codes (Bihar 10, Madhya Pradesh 23)


def test_the_district_list_is_lgds() -> None:
    from tracebridge.complaints import india

    every = india.districts()
    assert len(every) == 763  # LGD, 14 December 2022
    assert {d.state for d in every.values()} == set(india.STATES)
    assert every[PATNA] == india.District(PATNA, "10", "Patna")
    assert [d.name for d in india.districts_of("4")] == ["Chandigarh"]
    assert len(india.districts_of("9")) == 75  # Uttar Pradesh
    assert india.district_problem("10", PATNA) == ""
    assert india.district_problem("10", BHOPAL) == (
        "Bhopal is not in Bihar: choose a district of your state."
    )


def test_a_district_of_another_state_is_refused_naming_the_field(agencies: Any) -> None:
    page = file(Client(), state="10", district=BHOPAL)
    assert page.status_code == 400 and not Complaint.objects.exists()
    html = page.content.decode()
    field = html[html.index('id="id_district"') :]
    assert "Bhopal is not in Bihar: choose a district of your state." in field


def test_an_unknown_district_is_refused(agencies: Any) -> None:
    for value in ("Patna", "99999"):  # a name, not a code; no such code
        page = file(Client(), state="10", district=value)
        assert page.status_code == 400 and "Select a valid choice" in page.content.decode()
    assert not Complaint.objects.exists()


def test_a_district_alone_names_its_state(agencies: Any) -> None:
    assert file(Client(), district=BHOPAL, anonymous="on").status_code == 302
    assert Complaint.objects.get().victim == {"state": "Madhya Pradesh", "district": "Bhopal"}


def test_the_form_offers_districts_under_their_state_and_narrows_with_htmx(
    agencies: Any,
) -> None:
    client = Client(headers={"accept-language": "hi"})
    page = client.get("/report/", {"what": "call", "country": "IN"}).content.decode()
    bihar = page[page.index('<optgroup label="बिहार">') :]
    assert bihar.index(f'<option value="{PATNA}" translate="no">Patna</option>') < bihar.index(
        "</optgroup>"
    )
    assert 'hx-get="/report/districts/" hx-target="#id_district"' in page
    options = client.get("/report/districts/", {"state": "10"})
    assert options.status_code == 200
    html = options.content.decode()
    assert html.count("<option") == 39  # "choose" and Bihar's 38 districts
    assert f'<option value="{PATNA}" translate="no">Patna</option>' in html
    assert "Bhopal" not in html
    assert client.get("/report/districts/", {"state": "99"}).status_code == 400
    assert client.get("/report/districts/").status_code == 400


def test_an_unknown_state_is_refused_naming_the_field(agencies: Any) -> None:
    page = file(Client(), state="99")
    assert page.status_code == 400 and not Complaint.objects.exists()
    assert "Select a valid choice" in page.content.decode()


def test_the_state_list_is_hindi_on_hindi_pages(agencies: Any) -> None:
    client = Client(headers={"accept-language": "hi"})
    page = client.get("/report/", {"what": "call", "country": "IN"}).content.decode()
    assert '<option value="10">बिहार</option>' in page


def test_the_district_reaches_the_api_and_the_acknowledgement(
    agencies: Any, make_user: Any, api_for: Any
) -> None:
    from django.core import mail

    assert file(Client(), state="10", district=PATNA, email="asha@example.in").status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.agency.code == "IN-I4C"
    i4c = api_for(make_user("analyst", "IN-I4C"))
    victim = i4c.get(f"/complaints/{complaint.pk}").json()["victim"]
    assert (victim["state"], victim["district"]) == ("Bihar", "Patna")
    assert "Cyber Crime Cell, Bihar" in mail.outbox[0].body
    assert "Your district: Patna" in mail.outbox[0].body
