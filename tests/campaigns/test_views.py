"""The analyst workspace pages and the API: visibility, audit, search in any spelling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import assert_error
from tracebridge.agencies.models import AuditEvent
from tracebridge.campaigns import services
from tracebridge.campaigns.models import Campaign, Follow, SavedSearch
from tracebridge.complaints.models import Complaint

pytestmark = pytest.mark.django_db
Make = Callable[..., Complaint]


@pytest.fixture
def campaign(make_complaint: Make) -> Campaign:
    make_complaint("phone:+919812345678", ref="US-1", victim={"state": "Ohio"})
    make_complaint("phone:+919812345678", "upi:fraud@okaxis", ref="US-2")
    make_complaint("upi:fraud@okaxis", agency="IN-CBI", country="IN", ref="IN-1")
    services.full_link()
    return Campaign.objects.get()


def test_campaign_page_shows_only_what_the_user_may_see(
    campaign: Campaign, client_for: Any, analyst: Any, cbi_analyst: Any
) -> None:
    page = client_for(analyst).get(f"/campaigns/{campaign.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "FBI:US-1" in html and "FBI:US-2" in html and "CBI:IN-1" not in html
    assert "phone:+919812345678" in html and 'data-testid="campaign-graph"' in html
    assert "Ohio" in html and "<svg" in html
    assert AuditEvent.objects.filter(action="campaign.read", object_id=campaign.code).exists()
    cbi = client_for(cbi_analyst).get(f"/campaigns/{campaign.code}/").content.decode()
    assert "CBI:IN-1" in cbi and "FBI:US-1" not in cbi and "phone:+919812345678" not in cbi


def test_campaign_nobody_may_see_answers_404_and_is_audited(
    make_complaint: Make, client_for: Any, cbi_analyst: Any
) -> None:
    make_complaint("phone:+911", tlp="RED")
    make_complaint("phone:+911", tlp="RED")
    services.full_link()
    code = Campaign.objects.get().code
    assert client_for(cbi_analyst).get(f"/campaigns/{code}/").status_code == 404
    assert client_for(cbi_analyst).get(f"/campaigns/{code}/graph.json").status_code == 404
    assert AuditEvent.objects.filter(action="campaign.read", outcome="denied").count() == 2


def test_clear_complaints_are_seen_by_every_agency(
    make_complaint: Make, client_for: Any, cbi_analyst: Any
) -> None:
    make_complaint("phone:+911", tlp="CLEAR")
    make_complaint("phone:+911", tlp="CLEAR")
    services.full_link()
    assert (
        client_for(cbi_analyst).get(f"/campaigns/{Campaign.objects.get().code}/").status_code == 200
    )


def test_graph_json_lists_complaints_and_identifiers(
    campaign: Campaign, client_for: Any, analyst: Any
) -> None:
    data = client_for(analyst).get(f"/campaigns/{campaign.code}/graph.json").json()
    assert {n["type"] for n in data["nodes"]} == {"complaint", "identifier"}
    assert len([n for n in data["nodes"] if n["type"] == "complaint"]) == 2
    assert len(data["edges"]) == 3


def test_dashboard_lists_and_remembers_the_visit(
    campaign: Campaign, client_for: Any, analyst: Any
) -> None:
    client = client_for(analyst)
    first = client.get("/dashboard/").content.decode()
    assert campaign.code in first and "first visit" in first
    second = client.get("/dashboard/").content.decode()
    assert "Nothing new." in second
    # The Indian member is CBI's AMBER complaint: to FBI the campaign is not cross-border.
    assert campaign.code not in client.get("/campaigns/?cross_border=1").content.decode()
    Complaint.objects.filter(ref="IN-1").update(tlp="CLEAR")
    assert campaign.code in client.get("/campaigns/?cross_border=1").content.decode()


def test_search_finds_a_number_in_another_spelling_and_saves_it(
    campaign: Campaign, client_for: Any, analyst: Any
) -> None:
    client = client_for(analyst)
    html = client.get("/search/", {"q": "098123-45678"}).content.decode()
    assert "phone:+919812345678" in html and campaign.code in html and "FBI:US-1" in html
    assert AuditEvent.objects.filter(action="identifier.search").exists()
    assert "not" in client.get("/search/", {"q": "hello"}).content.decode().lower()
    assert campaign.code in client.get("/search/", {"q": campaign.code.lower()}).content.decode()
    response = client.post("/search/", {"q": "098123-45678", "name": "helpline"})
    assert response.status_code == 302
    assert SavedSearch.objects.get(user=analyst).query == "098123-45678"
    client.post("/search/", {"q": "x", "name": "helpline"})  # duplicate name: a message, no row
    assert SavedSearch.objects.filter(user=analyst).count() == 1


def test_follow_and_unfollow_from_the_pages(
    campaign: Campaign, client_for: Any, analyst: Any
) -> None:
    client = client_for(analyst)
    client.post(
        "/follows/", {"action": "follow", "kind": "identifier", "target": "+91 98123 45678"}
    )
    client.post("/follows/", {"action": "follow", "kind": "campaign", "target": campaign.code})
    assert set(Follow.objects.values_list("target", flat=True)) == {
        "phone:+919812345678",
        campaign.code,
    }
    assert "Unfollow this campaign" in client.get(f"/campaigns/{campaign.code}/").content.decode()
    for follow in Follow.objects.all():
        client.post("/follows/", {"action": "unfollow", "id": follow.pk})
    assert not Follow.objects.exists()
    assert client.post("/follows/", {"action": "dance"}).status_code == 302


def test_follow_forms_go_back_only_to_this_site(
    campaign: Campaign, client_for: Any, analyst: Any
) -> None:
    client = client_for(analyst)
    back = f"/campaigns/{campaign.code}/"
    assert client.post("/follows/", {"action": "read", "next": back})["Location"] == back
    for elsewhere in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post("/follows/", {"action": "read", "next": elsewhere})
        assert response["Location"] == "/follows/", elsewhere


def test_public_users_are_sent_to_sign_in(campaign: Campaign, client: Any) -> None:
    assert client.get("/dashboard/").status_code == 302


def test_api_lists_and_reads_campaigns(campaign: Campaign, api_for: Any, analyst: Any) -> None:
    api = api_for(analyst)
    listed = api.get("/campaigns").json()
    assert listed["total"] == 1 and listed["items"][0]["code"] == campaign.code
    one = api.get(f"/campaigns/{campaign.code}").json()
    assert [m["complaint"] for m in one["members"]] == ["FBI:US-1", "FBI:US-2"]
    assert one["summary"]["size"] == 2
    graph = api.get(f"/campaigns/{campaign.code}/graph").json()
    assert graph["campaign"] == campaign.code
    path = api.get(f"/campaigns/{campaign.code}/explain", a="FBI:US-1", b="FBI:US-2").json()
    assert path == {
        "path": ["FBI:US-1", "phone:+919812345678", "FBI:US-2"],
        "identifiers": ["phone:+919812345678"],
    }
    assert_error(
        api.get(f"/campaigns/{campaign.code}/explain", a="FBI:US-1", b="CBI:IN-1"), 404, "not_found"
    )
    assert_error(api.get("/campaigns/CA999999"), 404, "not_found")
    assert AuditEvent.objects.filter(
        action="campaign.read", object_id="CA999999", outcome="denied"
    ).exists()
    assert AuditEvent.objects.filter(
        action="campaign.read", object_id=campaign.code, outcome="ok"
    ).exists()
    assert_error(api.get("/campaigns", limit=0), 422, "invalid")


def test_api_search_follow_alerts_saved(campaign: Campaign, api_for: Any, analyst: Any) -> None:
    api = api_for(analyst)
    found = api.get("/search", q="+91-98123-45678").json()
    assert found["key"] == "phone:+919812345678" and found["campaigns"][0]["code"] == campaign.code
    assert_error(api.get("/search", q="not a thing"), 422, "invalid")
    made = api.post("/follows", {"kind": "identifier", "target": "9812345678"})
    assert made.status_code == 201, made.content
    assert api.get("/follows").json()[0]["target"] == made.json()["target"]
    assert_error(api.post("/follows", {"kind": "identifier", "target": "??"}), 422, "invalid")
    assert api.delete(f"/follows/{made.json()['id']}").status_code == 204
    assert_error(api.delete(f"/follows/{made.json()['id']}"), 404, "not_found")
    assert api.get("/alerts").json() == []
    assert api.post("/alerts/read").json() == {"read": 0}
    saved = api.post("/saved-searches", {"name": "n", "query": "q"})
    assert saved.status_code == 201
    assert_error(api.post("/saved-searches", {"name": "n", "query": "q"}), 422, "invalid")
    assert api.get("/saved-searches").json()[0]["name"] == "n"
    assert api.delete(f"/saved-searches/{saved.json()['id']}").status_code == 204
    assert_error(api.delete("/saved-searches/999"), 404, "not_found")


def test_api_needs_a_caller(api_for: Any, agencies: Any) -> None:
    assert_error(api_for(None).get("/campaigns"), 401, "unauthenticated")


def test_complaints_api_filters_by_campaign(campaign: Campaign, api_for: Any, analyst: Any) -> None:
    api = api_for(analyst)
    body = api.get("/complaints", campaign=campaign.code.lower()).json()
    assert sorted(item["ref"] for item in body["items"]) == ["US-1", "US-2"]
    assert api.get("/complaints", campaign="CA999999").json()["total"] == 0


def test_red_never_reaches_another_agency_through_search(
    make_complaint: Make, client_for: Any, api_for: Any, analyst: Any, cbi_analyst: Any
) -> None:
    make_complaint("upi:secret.mule@okicici", agency="IN-CBI", country="IN", tlp="RED", ref="R-1")
    make_complaint("upi:secret.mule@okicici", agency="IN-CBI", country="IN", tlp="RED", ref="R-2")
    services.full_link()
    html = client_for(analyst).get("/search/", {"q": "secret.mule@okicici"}).content.decode()
    assert "CBI:R-1" not in html and "CBI:R-2" not in html
    assert Campaign.objects.count() == 1
    code = Campaign.objects.get().code
    assert code not in html
    assert api_for(analyst).get(f"/campaigns/{code}").status_code == 404
    assert (
        api_for(analyst).get("/complaints", identifier="secret.mule@okicici").json()["total"] == 0
    )
    own = client_for(cbi_analyst).get("/search/", {"q": "secret.mule@okicici"}).content.decode()
    assert "CBI:R-1" in own and code in own


def test_a_first_day_dashboard_shows_the_alerts_and_saved_search_panels(
    client_for: Any, analyst: Any
) -> None:
    html = client_for(analyst).get("/dashboard/").content.decode()
    assert 'data-testid="dashboard-alerts"' in html and 'data-testid="dashboard-saved"' in html
    assert "No new alerts. Follow an identifier or a campaign" in html
    assert "No saved searches yet" in html
    assert 'href="/follows/"' in html
