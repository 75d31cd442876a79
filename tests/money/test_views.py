"""Money pages and the trail panel on complaint pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.urls import reverse

from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import create_agency
from tracebridge.money import holds, registry
from tracebridge.money.models import HoldRequest, TrailBatch


def test_trails_page_traces_and_draws_the_tree(
    analyst: Any,
    client_for: Callable[..., Any],
    home_store: Any,
    make_complaint: Callable[..., Any],
) -> None:
    make_complaint("IC3-1")
    page = client_for(analyst).get(reverse("money-trails"), {"q": "IC3-1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'class="node hold"' in html
    assert "759.04 USD" in html and "IN:SBIN0001234:001234567890" in html
    assert "style=" not in html.split("<svg", 1)[1]  # CSP: no inline styles


def test_trails_page_by_transaction_and_unknown(
    analyst: Any, client_for: Callable[..., Any], home_store: Any
) -> None:
    client = client_for(analyst)
    assert "79,050.00" in client.get(reverse("money-trails"), {"q": "L3"}).content.decode()
    missing = client.get(reverse("money-trails"), {"q": "<b>nope</b>"}).content.decode()
    assert "no stored transaction" in missing and "<b>nope</b>" not in missing


def test_trails_page_needs_an_analyst(viewer: Any, client_for: Callable[..., Any]) -> None:
    assert client_for(viewer).get(reverse("money-trails")).status_code == 403


def test_upload_page(analyst: Any, client_for: Callable[..., Any], story_csv: Path) -> None:
    client = client_for(analyst)
    with open(story_csv, "rb") as handle:
        response = client.post(reverse("money-upload"), {"file": handle}, follow=True)
    assert "7 of 7 transactions stored" in response.content.decode()
    assert TrailBatch.objects.get().stored == 7
    bad = client.post(reverse("money-upload"), {}, follow=True)
    assert "Choose a .csv or .parquet" in bad.content.decode()


def test_complaint_page_shows_the_money_panel(
    analyst: Any,
    client_for: Callable[..., Any],
    home_store: Any,
    make_complaint: Callable[..., Any],
) -> None:
    complaint = make_complaint("IC3-1")
    html = client_for(analyst).get(reverse("complaint-detail", args=[complaint.pk])).content
    assert b'data-testid="money-trail"' in html
    assert b"Request holds from the banks" in html


def test_panel_without_a_trail_says_so(
    analyst: Any, client_for: Callable[..., Any], make_complaint: Callable[..., Any]
) -> None:
    complaint = make_complaint("NO-TRAIL", loss_amount=None)
    html = client_for(analyst).get(reverse("complaint-detail", args=[complaint.pk])).content
    assert b"No stored transaction matches" in html


def test_holds_pages_and_bank_answer(
    analyst: Any,
    make_user: Callable[..., Any],
    client_for: Callable[..., Any],
    home_store: Any,
    make_complaint: Callable[..., Any],
) -> None:
    create_agency("BANK-SBIN", "IN", "State Bank of India")
    bank = make_user("analyst", "BANK-SBIN")
    make_complaint("IC3-1")
    client = client_for(analyst)
    response = client.post(reverse("money-hold-create"), {"complaint": "IC3-1"}, follow=True)
    assert "3 hold requests" in response.content.decode()
    hold = HoldRequest.objects.get(bank_agency__code="BANK-SBIN")
    bank_client = client_for(bank)
    listing = bank_client.get(reverse("money-holds")).content.decode()
    assert hold.reference in listing and "IC3-1" not in listing.split("<table", 1)[0]
    url = reverse("money-hold", args=[hold.reference])
    assert b"Answer as the bank" in bank_client.get(url).content
    assert b"Answer as the bank" not in client.get(url).content
    bank_client.post(url, {"status": "held", "amount_held": "50.00", "note": "lien marked"})
    hold.refresh_from_db()
    assert (hold.status, str(hold.amount_held)) == ("held", "50.00")
    filtered = client.get(reverse("money-holds"), {"status": "held"}).content.decode()
    assert hold.reference in filtered
    other = make_user("analyst", "IN-CBI")
    assert client_for(other).get(url).status_code == 404


def test_registry_page_search_and_scan(
    supervisor: Any, viewer: Any, client_for: Callable[..., Any], home_store: Any
) -> None:
    client = client_for(supervisor)
    client.post(reverse("money-registry-scan"), follow=True)
    listing = client.get(reverse("money-registry")).content.decode()
    assert "IN:SBIN0001234:001234567890" in listing
    assert AuditEvent.objects.filter(action="money.registry.read", user=supervisor).exists()
    found = client_for(viewer).get(reverse("money-registry"), {"q": "quick.cash77@ybl"})
    assert "UPI:quick.cash77@ybl" in found.content.decode()
    none = client_for(viewer).get(reverse("money-registry"), {"q": "nobody12@ybl"}).content
    assert b'data-testid="registry-none"' in none
    lookups = AuditEvent.objects.filter(action="money.registry.lookup", user=viewer)
    assert [e.detail["found"] for e in lookups.order_by("id")] == [1, 0]
    assert client_for(viewer).post(reverse("money-registry-scan")).status_code == 403


def test_decay_lowers_the_level_unless_seen_again(supervisor: Any, home_store: Any) -> None:
    from datetime import timedelta

    registry.scan(supervisor.agency, supervisor)
    entry = registry.entries_for(supervisor).order_by("-score").first()
    assert entry is not None
    later = entry.seen_at + timedelta(days=200)
    assert entry.current_score(later) == entry.score - 40
    assert entry.current_level(entry.seen_at + timedelta(days=2000)) == ""
    assert not holds.is_bank(supervisor.agency)


def test_case_page_shows_the_trails_of_its_complaints(
    analyst: Any,
    client_for: Callable[..., Any],
    home_store: Any,
    make_complaint: Callable[..., Any],
) -> None:
    from tracebridge.cases.models import Case

    case = Case.objects.create(
        agency=analyst.agency, reference="CASE-US-FBI-2026-0042", title="Wire mules", lead=analyst
    )
    case.complaints.add(make_complaint("IC3-1"), make_complaint("CBI-ONLY", agency="IN-CBI"))
    html = client_for(analyst).get(reverse("case-detail", args=[case.reference])).content.decode()
    assert html.count('data-testid="money-trail"') == 1  # the other agency's AMBER one is hidden
    assert "759.04 USD" in html
