"""The telecom analyst's job: a robocall campaign found in call records, why it was flagged,
and a traceback opened from one of its calls; another agency is told the findings exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.telecom.conftest import world_rows, write_cdrs
from tracebridge.telecom import services

from .conftest import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_telecom_analyst_opens_a_traceback_from_a_robocall_campaign(
    screen: Screen, live_server: Any, make_user: Any, analyst: Any, tmp_path: Path
) -> None:
    ftc = make_user("analyst", "US-FTC")
    batch = services.import_cdrs(
        write_cdrs(tmp_path / "cdrs.parquet", world_rows()), None, ftc.agency
    )
    services.run_analysis([services.cdr_store() / batch.path], tmp_path / "out")
    found = services.save_results(tmp_path / "out", ftc.agency)
    biggest = max(found, key=lambda c: c.score)
    page = screen.page
    screen.sign_in(ftc, live_server)

    screen.go("/robocalls/")
    rows = page.get_by_test_id("robocalls").locator("tbody tr")
    assert rows.count() == len(found)
    row = rows.filter(has=page.get_by_role("link", name=biggest.campaign_id))
    calls = row.locator("td").nth(2).inner_text()
    assert calls == str(biggest.calls)
    screen.check()
    row.get_by_role("link", name=biggest.campaign_id).click()
    page.wait_for_url(f"**/robocalls/{biggest.campaign_id}/")
    facts = page.locator("dl.facts dd").all_inner_texts()
    assert facts[1].startswith(f"{calls} (")  # the list's figure, on the campaign's own page
    assert page.get_by_test_id("reasons").locator("li").all_inner_texts() == biggest.reason_list
    first = page.get_by_test_id("calls").locator("tbody tr").first
    call_id = first.locator("td").first.inner_text()
    first.get_by_role("button", name="Trace back").click()
    page.wait_for_url("**/traceback/TB-*/")
    assert page.locator("ul.messages").inner_text().startswith("Traceback TB-")
    assert page.locator("dl.facts dd").first.inner_text().startswith(f"{call_id}: ")
    assert page.locator("dl.facts").get_by_role("link").inner_text() == biggest.campaign_id
    hops = page.get_by_test_id("path").locator("li").all_inner_texts()
    assert re.fullmatch(
        r"Verizon · waiting for an answer until 20\d\d-\d\d-\d\d \d\d:\d\d UTC", hops[0]
    )
    screen.finish("telecom-traceback")

    page.context.clear_cookies()  # the FBI analyst, without an agreement with the FTC
    screen.sign_in(analyst, live_server)
    screen.go("/robocalls/")
    withheld = screen.text("withheld")
    assert withheld.startswith(f"{len(found)} robocall campaigns held by US-FTC are not shared")
    assert page.get_by_test_id("robocalls").count() == 0
    screen.finish("telecom-withheld")
