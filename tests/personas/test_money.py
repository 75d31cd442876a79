"""The bank officer's job: is this account a known mule? Search it as the bank writes it,
read why it is listed, keep to the accounts at my bank, export them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.money.conftest import MULE1, MULE2
from tracebridge.agencies.services import create_agency
from tracebridge.money import registry

from .conftest import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bank_officer_finds_a_mule_by_bare_account_number_and_exports_theirs(
    screen: Screen, live_server: Any, supervisor: Any, make_user: Any, home_store: Any
) -> None:
    registry.scan(supervisor.agency, supervisor)
    create_agency("BANK-SBIN", "IN", "State Bank of India")
    officer = make_user("analyst", "BANK-SBIN")
    page = screen.page
    screen.sign_in(officer, live_server)
    screen.go("/money/registry/")
    table = page.get_by_test_id("registry")
    every = table.locator("tbody tr td:first-child").all_inner_texts()
    assert MULE1 in every and MULE2 in every
    page.get_by_label("Account, UPI ID, phone or wallet").fill("0012 3456 7890")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**q=0012*")
    rows = table.locator("tbody tr")
    assert rows.count() == 1  # the bare number finds the account kept with its IFSC
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0] == MULE1 and cells[6] == supervisor.agency.code
    assert cells[5].startswith("2025-03-01 ")  # the last transaction, not the scan's date
    assert "passes money through" in cells[4] and " -" not in cells[4]
    screen.check()

    page.get_by_label("Account, UPI ID, phone or wallet").fill("")
    page.get_by_label("Only accounts at my bank").check()
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**mine=1*")
    shown = table.locator("tbody tr td:first-child").all_inner_texts()
    assert shown == [MULE1]
    with page.expect_download() as download:
        page.get_by_test_id("registry-export").click()
    lines = Path(download.value.path()).read_text("utf-8").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == shown  # the file holds what is shown
    screen.finish("bank-registry")
