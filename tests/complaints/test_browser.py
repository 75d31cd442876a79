from __future__ import annotations

import re
from typing import Any

import pytest

from tracebridge.complaints.models import PublicReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hindi_phone_user_reports_by_keyboard_and_gets_a_number(
    phone_page: Any, live_server: Any, agencies: Any
) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/report/")
    assert page.locator("html").get_attribute("lang") == "hi"
    assert page.locator("h1").inner_text() == "ठगी की शिकायत करें"
    # Step 1 by keyboard alone: the first radio of each group, then Enter submits.
    page.locator("input[name=what]").first.focus()
    page.keyboard.press("Space")
    page.locator("input[name=country]").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_selector("#report-form")
    page.select_option("#id_scam_type", "kyc_update")
    page.fill("#id_narrative", "KYC के नाम पर 98123 45678 से कॉल आया, OTP माँगा और पैसे कटे।")
    page.fill("#id_suspect_phone", "98123 45678")
    page.fill("#id_suspect_upi", "kyc.help@okaxis")
    page.select_option("#id_payment_method", "upi")
    page.fill("#id_amount", "2500")
    page.check("#id_anonymous")
    # the form fits a 360 px phone: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="मेरी शिकायत भेजें").click()
    number = page.locator("[data-testid=report-number]").inner_text()
    assert re.fullmatch(r"TB-IN-\d{4}-\d{6}", number)
    assert "1930" in page.locator("[data-testid=next-steps]").inner_text()
    report = PublicReport.objects.get(number=number)
    assert report.anonymous and report.language == "hi"
    assert report.complaint.loss_amount == 2500


def test_hindi_phone_user_reports_two_payments(
    phone_page: Any, live_server: Any, agencies: Any
) -> None:
    """NCRP's financial-fraud fields on a 360 px phone in Hindi: two payments, state, NCRP."""
    page = phone_page
    page.goto(f"{live_server.url}/report/?what=payment&country=IN")
    page.select_option("#id_platform", "telegram")
    page.select_option("#id_scam_type", "upi_collect")
    page.fill("#id_narrative", "टेलीग्राम पर पैसे माँगने का अनुरोध आया और दो बार पैसे कट गए।")
    page.fill("#id_when", "2026-11-26")
    page.fill("#id_when_time", "21:30")
    for i, (ref, amount, to) in enumerate(
        [("412356789012", "20000", "fraud.kyc@okaxis"), ("612345678901", "9999", "12345678901")]
    ):
        page.select_option(f"#id_txn-{i}-rail", "upi" if i == 0 else "imps")
        page.fill(f"#id_txn-{i}-reference", ref)
        page.fill(f"#id_txn-{i}-amount", amount)
        page.fill(f"#id_txn-{i}-to", to)
    page.fill("#id_txn-1-to_ifsc", "SBIN0001234")
    page.select_option("#id_state", "10")
    page.fill("#id_ncrp_ack", "31412250012345")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="मेरी शिकायत भेजें").click()
    number = page.locator("[data-testid=report-number]").inner_text()
    assert re.fullmatch(r"TB-IN-\d{4}-\d{6}", number)
    assert (
        page.locator("[data-testid=cyber-cell]").inner_text()
        == "यह यहाँ भेजी गई है: साइबर अपराध सेल, बिहार"
    )
    complaint = PublicReport.objects.get(number=number).complaint
    assert [t["reference"] for t in complaint.transactions] == ["412356789012", "612345678901"]
    assert (complaint.channel, complaint.ncrp_ack) == ("telegram", "31412250012345")
