"""The supervisor approves a share and the partner sees what came in; the agency admin adds
a user and an API token, revokes the token, and finds both in the audit log."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tracebridge.sharing.services import create_agreement

from .conftest import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_approves_a_share_the_partner_sees_it_come_in(
    screen: Screen, live_server: Any, complaints: Any, supervisor: Any, cbi_analyst: Any
) -> None:
    agreement = create_agreement(
        "US-FBI", "IN-CBI", ["CLEAR", "GREEN", "AMBER"], kinds=["complaint"]
    )
    page = screen.page
    screen.sign_in(supervisor, live_server)
    screen.go("/sharing/approvals/")
    card = page.get_by_test_id(f"pending-{agreement.pk}")
    assert "IN-CBI (Central Bureau of Investigation) asks for your records" in card.inner_text()
    preview = card.get_by_test_id("preview").locator("tbody tr").all_inner_texts()
    assert sorted(preview) == [  # RED and AMBER+STRICT never leave the agency
        "complaint\tTLP:AMBER\t1", "complaint\tTLP:CLEAR\t1", "complaint\tTLP:GREEN\t1",
    ]  # fmt: skip
    screen.check()
    card.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert "Approved: AMBER records now flow" in page.locator("ul.messages").inner_text()
    history = page.get_by_test_id("history").locator("tbody tr").all_inner_texts()
    assert len(history) == 1
    assert history[0].split("\t")[1:4] == ["Approved", "IN-CBI", supervisor.username]
    screen.finish("supervisor-approval")

    screen.go("/sharing/exports/")  # the export holds what the preview promised
    assert screen.text(f"export-count-{agreement.pk}").startswith("3 complaints · ")

    page.context.clear_cookies()
    screen.sign_in(cbi_analyst, live_server)
    screen.go("/sharing/agreements/")
    incoming = page.get_by_test_id("incoming").locator("tbody tr")
    assert incoming.count() == 1
    assert incoming.first.inner_text().startswith("US-FBI\t3 complaints · ")
    incoming.first.get_by_role("link", name="Open their complaints").click()
    page.wait_for_url("**/complaints/?agency=US-FBI")
    assert screen.text("complaint-count") == "3 complaints"  # what the supervisor approved
    rows = page.locator("main table tbody tr")
    refs = sorted(rows.locator("td:nth-child(2)").all_inner_texts())
    assert refs == ["IC3:FBI-AMBER", "IC3:FBI-CLEAR", "IC3:FBI-GREEN"]
    assert rows.first.locator("td:nth-child(5)").inner_text() == "$500"  # in its currency
    screen.finish("partner-incoming")

    # TAXII in the same signed-in browser (no Basic prompt, no 401): the approved collection
    answer = page.goto(f"{screen.base}/taxii2/root/collections/")
    assert answer is not None and answer.status == 200
    ids = [c["id"] for c in answer.json()["collections"]]
    assert str(agreement.collection_id) in ids


def test_agency_admin_adds_a_user_and_a_token_then_revokes_it(
    screen: Screen, live_server: Any, agency_admin: Any
) -> None:
    page = screen.page
    screen.sign_in(agency_admin, live_server)
    screen.go("/agency/users/")
    form = page.get_by_test_id("user-create")
    form.get_by_label("Username").fill("j.doe")
    form.get_by_label("Full name").fill("Jane Doe")
    form.get_by_label("Official title").fill("Special Agent")
    form.get_by_label("Role").select_option("analyst")
    form.get_by_role("button", name="Create the user").click()
    page.wait_for_load_state()
    assert "j.doe" in screen.text("show-once") and len(screen.text("once-secret")) >= 12
    row = page.locator("tr[data-username='j.doe']")
    assert row.locator("td").all_inner_texts()[:5] == [
        "j.doe", "Jane Doe", "Special Agent", "Analyst", "active",
    ]  # fmt: skip
    row.get_by_label("Role").select_option("supervisor")
    row.get_by_role("button", name="Change role").click()
    page.wait_for_load_state()
    assert page.locator("tr[data-username='j.doe'] td").nth(3).inner_text() == "Supervisor"
    screen.check()

    screen.go("/agency/tokens/")
    form = page.get_by_test_id("token-create")
    form.get_by_label("Acts as").select_option("j.doe")
    form.get_by_label("What it is for").fill("MISP sync")
    form.get_by_label("Expires after (days)").fill("30")
    form.get_by_label("TAXII").check()
    form.get_by_role("button", name="Create the token").click()
    page.wait_for_load_state()
    secret = screen.text("once-secret")
    me = page.request.get(f"{screen.base}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.ok and me.json()["username"] == "j.doe"  # the token shown is the token that works
    row = page.get_by_test_id("tokens").locator("tbody tr", has_text="MISP sync")
    cells = row.locator("td").all_inner_texts()
    assert secret.startswith(f"tb_{cells[0]}_") and cells[2:4] == ["j.doe", "read, taxii"]
    assert cells[6] == "active"
    row.get_by_role("button", name="Revoke").click()
    page.wait_for_load_state()
    assert (
        page.get_by_test_id("tokens")
        .locator("tbody tr", has_text="MISP sync")
        .locator("td")
        .nth(6)
        .inner_text()
        == "revoked"
    )
    gone = page.request.get(
        f"{screen.base}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert gone.status == 401
    screen.finish("admin-tokens")

    screen.go("/audit/?object_type=apitoken")
    actions = page.locator("main table tbody td:nth-child(3)").all_inner_texts()
    changes = [a for a in actions if a != "token.list"]  # reading the tokens page is audited too
    assert changes == ["token.revoke", "token.create"], actions
    href = page.get_by_test_id("audit-export").get_attribute("href") or ""
    assert re.search(r"object_type=apitoken", href)
    screen.finish("admin-audit")
