"""A case opened from a campaign takes its complaints, and warns of a case that covers it
already; the campaign page's panel offers the case; complaints link several at a time (issue
20, point 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracebridge import panels
from tracebridge.agencies.models import User
from tracebridge.campaigns.models import Campaign
from tracebridge.cases import services
from tracebridge.cases.models import Case

from .conftest import campaign, complaint


def _world(agencies: Any) -> Campaign:
    """Two FBI complaints, a CLEAR one of the CBI's, and a RED one of the CBI's."""
    return campaign(
        "CMP-0042",
        complaint(agencies["US-FBI"], "A1"),
        complaint(agencies["US-FBI"], "A2"),
        complaint(agencies["IN-CBI"], "C1", tlp="CLEAR"),
        complaint(agencies["IN-CBI"], "SECRET", tlp="RED"),
    )


def _open(client: Any, take: str) -> Case:
    response = client.post(
        "/cases/new/",
        {"title": "Ring", "tlp": "AMBER", "campaign": "CMP-0042", "take": take},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Case.objects.order_by("-id").first()


def test_a_case_from_a_campaign_takes_the_complaints_the_user_may_see(
    analyst: User, agencies: Any, client_for: Callable[..., Any]
) -> None:
    _world(agencies)
    client = client_for(analyst)
    assert sorted(c.ref for c in _open(client, "all").complaints.all()) == ["A1", "A2", "C1"]
    assert sorted(c.ref for c in _open(client, "own").complaints.all()) == ["A1", "A2"]
    assert list(_open(client, "none").complaints.all()) == []


def test_opening_a_second_case_for_a_campaign_warns(
    analyst: User, agencies: Any, client_for: Callable[..., Any]
) -> None:
    campaign = _world(agencies)
    client = client_for(analyst)
    assert 'data-testid="case-covers-campaign"' not in client.get(
        "/cases/new/?campaign=CMP-0042").content.decode()  # fmt: skip
    first = services.create_case("US-FBI", "First", by=analyst, campaigns=[campaign])
    page = client.get("/cases/new/?campaign=CMP-0042").content.decode()
    assert 'data-testid="case-covers-campaign"' in page
    assert "A case already covers campaign CMP-0042" in page
    assert f'href="/cases/{first.reference}/"' in page


def test_another_agencys_private_case_is_not_named_in_the_warning(
    analyst: User, cbi_analyst: User, agencies: Any, client_for: Callable[..., Any]
) -> None:
    campaign = _world(agencies)
    theirs = services.create_case("IN-CBI", "Theirs", by=cbi_analyst, campaigns=[campaign])
    page = client_for(analyst).get("/cases/new/?campaign=CMP-0042").content.decode()
    assert theirs.reference not in page
    assert 'data-testid="case-covers-campaign"' not in page


def test_several_complaints_link_at_once_or_none(
    analyst: User, agencies: Any, client_for: Callable[..., Any]
) -> None:
    _world(agencies)
    case = services.create_case("US-FBI", "Ring", by=analyst)
    client = client_for(analyst)
    refused = client.post(
        f"/cases/{case.reference}/link/", {"complaint": "IC3:A1, IC3:SECRET"}, follow=True
    )
    assert "No complaint IC3:SECRET that you may see." in refused.content.decode()
    assert case.complaints.count() == 0
    client.post(f"/cases/{case.reference}/link/", {"complaint": "IC3:A1, IC3:A2\nIC3:C1"})
    assert sorted(c.ref for c in case.complaints.all()) == ["A1", "A2", "C1"]


def test_linking_several_complaints_costs_no_query_per_complaint(
    analyst: User, agencies: Any, client_for: Callable[..., Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _world(agencies)
    client = client_for(analyst)

    def cost(names: str) -> int:
        case = services.create_case("US-FBI", "Ring", by=analyst)
        with CaptureQueriesContext(connection) as seen:
            client.post(f"/cases/{case.reference}/link/", {"complaint": names})
        assert case.complaints.count() == len(names.split(","))
        return len(seen)

    assert cost("IC3:A1, IC3:A2, IC3:C1") == cost("IC3:A1")


def test_open_a_case_from_a_campaign_and_its_panel_names_it(
    analyst: User, agencies: Any, client_for: Callable[..., Any], rf: Any
) -> None:
    found = campaign("CMP-0042", complaint(agencies["US-FBI"], "A1"))
    client = client_for(analyst)
    form = client.get("/cases/new/?campaign=CMP-0042").content.decode()
    assert 'value="Campaign CMP-0042"' in form
    response = client.post(
        "/cases/new/", {"title": "Campaign CMP-0042", "tlp": "AMBER", "campaign": "CMP-0042"}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.reference}/"
    request = rf.get("/")
    request.user = analyst
    [html] = [p for p in panels.render("campaign", request, found) if "campaign-cases" in p]
    assert case.reference in html and "/cases/new/?campaign=CMP-0042" in html
