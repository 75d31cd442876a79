"""What one reader sees of campaigns: figures over visible members only, victims' states and
age bands only by agreement, alerts filtered when read (issue 21, points 3, 4 and 5)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tracebridge.campaigns import services, workspace
from tracebridge.campaigns.models import Campaign, Follow
from tracebridge.complaints.models import Complaint
from tracebridge.sharing.services import create_agreement

pytestmark = pytest.mark.django_db
Make = Callable[..., Complaint]
PHONE = "phone:+919812345678"


def test_an_alert_disappears_when_its_complaint_is_raised_to_red(
    make_complaint: Make, analyst: Any, client_for: Any, api_for: Any
) -> None:
    Follow.objects.create(user=analyst, target_kind=Follow.IDENTIFIER, target=PHONE)
    complaint = make_complaint(PHONE, agency="IN-CBI", country="IN", tlp="CLEAR", ref="LATE")
    assert workspace.raise_alerts([complaint.pk]) == 1
    api, pages = api_for(analyst), client_for(analyst)
    assert [a["complaint"] for a in api.get("/alerts").json()] == ["CBI:LATE"]
    assert all("CBI:LATE" in _html(pages, p) for p in ("/follows/", "/dashboard/"))
    Complaint.objects.filter(pk=complaint.pk).update(tlp="RED")
    assert api.get("/alerts").json() == []
    assert not any("CBI:LATE" in _html(pages, p) for p in ("/follows/", "/dashboard/"))
    assert api.post("/alerts/read").json() == {"read": 0}  # hidden alerts are not even counted
    Complaint.objects.filter(pk=complaint.pk).update(tlp="CLEAR")
    assert [a["complaint"] for a in api.get("/alerts").json()] == ["CBI:LATE"]


OLD = {"state": "Bihar", "age_band": "60-69"}


@pytest.fixture
def mixed(make_complaint: Make) -> Campaign:
    """One CBI campaign of six: two CLEAR, one GREEN (all Indian), and AMBER, RED and
    AMBER+STRICT complaints from three other countries."""
    for ref, tlp, country in [
        ("C1", "CLEAR", "IN"),
        ("C2", "CLEAR", "IN"),
        ("G1", "GREEN", "IN"),
        ("A1", "AMBER", "US"),
        ("R1", "RED", "GB"),
        ("S1", "AMBER+STRICT", "AE"),
    ]:
        make_complaint(PHONE, agency="IN-CBI", tlp=tlp, country=country, ref=ref, victim=OLD)
    services.full_link()
    return Campaign.objects.get()


def _html(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return str(response.content.decode())


def _table_row(html: str, code: str) -> list[str]:
    """The cells of the campaigns table row for ``code`` (list, dashboard, search)."""
    row = re.search(
        rf"<tr><td[^>]*><a href=\"/campaigns/{code}/\">{code}</a></td>(.*?)</tr>", html, re.S
    )
    assert row is not None, code
    return [
        re.sub(r"<[^>]+>", " ", cell).split()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)  # cells carry data-label
    ]


def _everywhere(user: Any, campaign: Campaign, api_for: Any, client_for: Any) -> list[Any]:
    """(size, priority, countries, cross_border) from each path that shows the campaign."""
    code = campaign.code
    api, pages = api_for(user), client_for(user)
    listed = api.get("/campaigns").json()["items"]
    detail = api.get(f"/campaigns/{code}").json()
    seen = [(c["size"], c["priority"], c["countries"], c["cross_border"]) for c in listed]
    seen.append((detail["size"], detail["priority"], detail["countries"], detail["cross_border"]))
    summary = detail["summary"]
    seen.append(
        (summary["size"], summary["priority"], list(summary["countries"]), summary["cross_border"])
    )
    for path in ("/campaigns/", "/dashboard/", f"/search/?q={code}"):
        priority, size, _type, countries, *_ = _table_row(_html(pages, path), code)
        seen.append(
            (
                int(size[0]),
                float(priority[0]),
                [c.strip(",") for c in countries if c != "cross-border"],
                "cross-border" in countries,
            )
        )
    page = _html(pages, f"/campaigns/{code}/")
    size = re.search(r'data-testid="member-count">(\d+)<', page)
    priority = re.search(r"Priority ([\d.]+)</h2>", page)
    assert size and priority
    seen.append((int(size[1]), float(priority[1]), seen[0][2], seen[0][3]))
    return seen


def test_another_agency_sees_figures_of_the_members_it_may_see(
    mixed: Campaign, make_user: Any, cbi_analyst: Any, api_for: Any, client_for: Any
) -> None:
    bank = make_user("viewer", "US-FTC")  # no agreement with CBI
    seen = _everywhere(bank, mixed, api_for, client_for)
    priority = seen[0][1]
    assert seen == [(2, priority, ["IN"], False)] * len(seen)
    own = _everywhere(cbi_analyst, mixed, api_for, client_for)
    assert own[0][0] == 6 and set(own[0][2]) == {"IN", "US", "GB", "AE"} and own[0][3]
    assert own[0][1] > priority and own == [own[0]] * len(own)
    page = _html(client_for(bank), f"/campaigns/{mixed.code}/")
    assert "CBI:R1" not in page and "CBI:A1" not in page and "GB (" not in page


def test_victims_states_and_age_bands_only_where_an_agreement_names_them(
    mixed: Campaign, analyst: Any, cbi_analyst: Any, api_for: Any, client_for: Any
) -> None:
    def summary() -> dict[str, Any]:
        return dict(api_for(analyst).get(f"/campaigns/{mixed.code}").json()["summary"])

    bare = summary()
    assert (bare["size"], bare["states"], bare["elderly"]) == (2, {}, 0)
    assert "Bihar" not in _html(client_for(analyst), f"/campaigns/{mixed.code}/")
    create_agreement("IN-CBI", "US-FBI", ["CLEAR", "GREEN"], fields=["state"])
    named = summary()
    assert (named["size"], named["states"], named["elderly"]) == (3, {"Bihar": 3}, 0)
    create_agreement("IN-CBI", "US-FBI", ["CLEAR", "GREEN"], fields=["state", "age_band"])
    aged = summary()
    assert (aged["size"], aged["elderly"]) == (3, 3) and aged["priority"] > named["priority"]
    own = api_for(cbi_analyst).get(f"/campaigns/{mixed.code}").json()["summary"]
    assert (own["size"], own["states"], own["elderly"]) == (6, {"Bihar": 6}, 6)


def test_a_campaign_with_no_visible_member_is_not_listed_at_all(
    make_complaint: Make, analyst: Any, api_for: Any, client_for: Any
) -> None:
    for ref in ("H1", "H2"):
        make_complaint(PHONE, agency="IN-CBI", tlp="AMBER", country="IN", ref=ref)
    services.full_link()
    code = Campaign.objects.get().code
    api, pages = api_for(analyst), client_for(analyst)
    assert api.get("/campaigns").json() == {"total": 0, "limit": 50, "offset": 0, "items": []}
    assert api.get(f"/campaigns/{code}").status_code == 404
    assert api.get("/search", q=code).status_code == 422
    for path in ("/campaigns/", "/dashboard/", f"/search/?q={code}"):
        assert f'href="/campaigns/{code}/"' not in _html(pages, path)
    assert pages.get(f"/campaigns/{code}/").status_code == 404


def test_a_merged_code_redirects_only_to_a_survivor_the_user_may_see(
    make_complaint: Make, analyst: Any, cbi_analyst: Any, client_for: Any
) -> None:
    make_complaint(PHONE, agency="IN-CBI", tlp="AMBER", country="IN", ref="M1")
    make_complaint(PHONE, agency="IN-CBI", tlp="AMBER", country="IN", ref="M2")
    services.full_link()
    heir = Campaign.objects.get()
    Campaign.objects.create(code="CA777777", status="merged", merged_into=heir.code)
    own = client_for(cbi_analyst).get("/campaigns/CA777777/")
    assert own.status_code == 302 and own["Location"] == f"/campaigns/{heir.code}/"
    other = client_for(analyst).get("/campaigns/CA777777/")
    assert other.status_code == 404 and heir.code not in other.content.decode()


def _queries(client: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        assert client.get(path).status_code == 200, path
    return len(seen)


def test_reader_figures_cost_the_same_queries_for_one_campaign_or_five(
    make_complaint: Make, analyst: Any, client_for: Any, api_for: Any
) -> None:
    """figures.for_reader reads every campaign's members at once: the dashboard, the list, its
    CSV and the API make no query per campaign (one more campaign, not one more query)."""
    paths = ("/dashboard/", "/campaigns/", "/campaigns/?format=csv")
    pages = client_for(analyst)

    def costs() -> list[int]:
        api = api_for(analyst)  # a fresh token: its first use costs the same each time
        return [_queries(pages, p) for p in paths] + [_queries(api, "/campaigns")]

    def campaigns(numbers: range) -> int:
        for n in numbers:
            for ref in ("A", "B"):
                make_complaint(f"phone:+9198123400{n:02d}", country="IN", ref=f"{ref}{n}")
        services.full_link()
        return Campaign.objects.count()

    assert campaigns(range(1)) == 1
    costs()  # the first visit also records the visit (the dashboard's "new since")
    one = costs()
    assert campaigns(range(1, 5)) == 5
    assert costs() == one
