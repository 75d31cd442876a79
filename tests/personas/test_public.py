"""The public's two jobs, on a desktop and a 360 px phone, in English and Hindi: report a
scam and follow it up, and check a number before paying."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tracebridge.agencies.demo import NAMES_HI
from tracebridge.complaints.models import PublicReport
from tracebridge.portal import policy

from .conftest import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGS = pytest.mark.parametrize("lang", ["en", "hi"])
I4C = {"en": "Indian Cyber Crime Coordination Centre", "hi": NAMES_HI["IN-I4C"]}


@LANGS
def test_victim_reports_a_scam_then_looks_it_up_and_adds_to_it(
    screen: Screen, agencies: Any, lang: str
) -> None:
    page = screen.page
    screen.go("/report/?what=payment&country=IN")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#id_suspect_phone").get_attribute("inputmode") == "tel"
    page.select_option("#id_scam_type", "kyc_update")
    page.fill("#id_narrative", "KYC के नाम पर कॉल आया, OTP माँगा और पैसे कटे। A KYC call took my OTP.")
    page.fill("#id_suspect_phone", "12")  # kept as typed, but said to be unreadable
    page.fill("#id_suspect_upi", "kyc.help @ okaxis")
    page.select_option("#id_payment_method", "upi")
    page.fill("#id_amount", "2500")
    page.check("#id_anonymous")
    page.select_option("#id_state", "10")
    page.locator("#report-form button.primary[type=submit]").click()

    number = screen.text("report-number")
    assert re.fullmatch(r"TB-IN-\d{4}-\d{6}", number)
    secret = screen.text("report-secret")
    assert page.get_by_test_id("unread").locator("li").all_inner_texts()[0].startswith("12: ")
    assert page.get_by_test_id("next-steps").locator("a[href='tel:1930']").count() == 1
    screen.check()

    screen.go("/report/lookup/")
    page.fill("#id_number", number)
    page.fill("#id_secret", secret)
    page.locator("#lookup-form button[type=submit]").click()
    assert screen.text("report-number") == number  # the page looked up is the one just filed
    facts = page.locator("dl.facts").inner_text()
    assert I4C[lang] in facts
    received = facts.splitlines()[1]  # India's zone, named; the month in words, not 12/07
    assert received.endswith(" IST") and re.search(r"\b20\d\d\b", received), received
    assert not re.search(r"\d/\d", received), received
    page.fill("#id_text", "The caller rang again from 98123 45678.")
    page.locator("#add-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("p.card[role=status]").count() == 1
    page.reload()  # post/redirect/get: the reload does not save it twice
    additions = page.locator("li", has_text="The caller rang again").all_inner_texts()
    assert len(additions) == 1 and " IST: " in additions[0]
    assert not re.search(r"\d/\d", additions[0]), additions[0]
    assert "The caller rang again" not in screen.text("narrative")  # listed once, not twice
    assert PublicReport.objects.get(number=number).additions.count() == 1
    screen.finish("public-report")


@LANGS
def test_victim_checks_a_messy_upi_id_before_paying(
    screen: Screen, agencies: Any, reported: Callable[..., Any], lang: str
) -> None:
    policy.set_policy(agencies["IN-I4C"], "CLEAR,GREEN,AMBER", 3)
    for tlp in ("GREEN", "AMBER", "GREEN", "RED"):  # RED feeds no public count
        reported(["upi:pooja.4738@okicici"], tlp=tlp)
    page = screen.page
    screen.go("/check/")
    page.fill("#q", "pooja.4738 @ okicici")
    page.locator("form[role=search] button[type=submit]").click()
    page.get_by_test_id("check-result").wait_for()
    reading = screen.text("reading")
    assert "pooja.4738@okicici" in reading and ("UPI" in reading)
    warning = screen.text("warning")
    assert re.search(r"\b3\b", warning) and not re.search(r"\b4\b", warning), warning
    assert page.locator("a[href='tel:1930']").count() >= 1
    screen.go("/stats/")  # the statistics count the same reports under the same policy
    screen.check()
    screen.go("/check/?q=pooja.4738%40okicici")
    screen.finish("public-check")
