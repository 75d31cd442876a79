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
