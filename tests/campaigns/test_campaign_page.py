"""Issue 20.7: the campaign page links complaints, formats amounts and codes, says why linked."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tracebridge.campaigns import services
from tracebridge.campaigns.models import Campaign
from tracebridge.complaints.models import Complaint

pytestmark = pytest.mark.django_db
Make = Callable[..., Complaint]


@pytest.fixture
def chain(make_complaint: Make) -> list[Complaint]:
    """US-1 –phone– US-2 –upi– US-3: US-1 and US-3 share nothing directly."""
    made = [
        make_complaint("phone:+919812345678", ref="US-1", loss_amount=Decimal("1234.56"),
                       payment_method="bank_transfer"),
        make_complaint("phone:+919812345678", "upi:fraud@okaxis", ref="US-2",
                       loss_amount=Decimal("2240011.13"), loss_currency="INR"),
        make_complaint("upi:fraud@okaxis", ref="US-3", loss_amount=Decimal("0")),
    ]  # fmt: skip
    services.full_link()
    return made


def _page(client_for: Any, user: Any, query: str = "") -> str:
    code = Campaign.objects.get().code
    return str(client_for(user).get(f"/campaigns/{code}/{query}").content.decode())


def test_amounts_carry_their_currency_and_codes_read_as_words(
    chain: list[Complaint], client_for: Any, analyst: Any
) -> None:
    html = _page(client_for, analyst)
    assert "₹22,40,011.13" in html and "$1,234.56" in html
    assert "Bank transfer (1)" in html and "bank_transfer" not in html


def test_member_references_are_links(chain: list[Complaint], client_for: Any, analyst: Any) -> None:
    html = _page(client_for, analyst)
    assert f'<a href="/complaints/{chain[0].pk}/">FBI:US-1</a>' in html


def test_the_page_says_why_two_complaints_are_linked(
    chain: list[Complaint], client_for: Any, analyst: Any
) -> None:
    a, b = chain[0].pk, chain[2].pk
    html = _page(client_for, analyst, f"?a={a}&b={b}")
    why = html.split('data-testid="why-linked">')[1].split("</ol>")[0]
    assert "FBI:US-1" in why and "through phone:+919812345678" in why
    assert "FBI:US-2" in why and "through upi:fraud@okaxis" in why and "FBI:US-3" in why
    assert why.index("US-1") < why.index("phone:") < why.index("US-2") < why.index("upi:")


def test_why_linked_says_so_for_a_complaint_the_reader_may_not_see(
    chain: list[Complaint], client_for: Any, cbi_analyst: Any, analyst: Any,
    make_complaint: Make,
) -> None:  # fmt: skip
    hidden = make_complaint("upi:fraud@okaxis", agency="IN-CBI", country="IN", tlp="RED")
    services.full_link()
    html = _page(client_for, analyst, f"?a={chain[0].pk}&b={hidden.pk}")
    assert "These complaints are not linked through identifiers you may see." in html
    assert "CBI:" not in html.split('id="why-h"')[1]


@pytest.fixture
def three(make_complaint: Make) -> dict[str, str]:
    """Three campaigns: big and cheap, small and costly (in rupees), and recent."""
    for n in range(4):
        make_complaint("phone:+12025550101", ref=f"BIG-{n}", loss_amount=Decimal("10"))
    for n in range(2):
        make_complaint("upi:rich@okaxis", ref=f"RICH-{n}", loss_amount=Decimal("9000000"),
                       loss_currency="INR", days=-30)  # fmt: skip
    for n in range(3):
        make_complaint("phone:+12025550199", ref=f"NEW-{n}", loss_amount=Decimal("1"), days=20)
    services.full_link()
    codes = {}
    for campaign in Campaign.objects.all():
        ref = campaign.members.first().complaint.ref  # type: ignore[union-attr]
        codes[ref.split("-")[0]] = campaign.code
    return codes


def _codes(html: str) -> list[str]:
    table = html.split('<table class="campaigns')[1].split("</table>")[0]  # "campaigns stack"
    return [part.split('"')[0].strip("/").split("/")[-1] for part in table.split('href="')[1:]]


@pytest.mark.parametrize(
    ("sort", "order"),
    [("size", ["BIG", "NEW", "RICH"]), ("loss", ["RICH", "BIG", "NEW"]),
     ("date", ["NEW", "BIG", "RICH"])],
)  # fmt: skip
def test_campaigns_sort_by_size_loss_and_date(
    three: dict[str, str], client_for: Any, analyst: Any, sort: str, order: list[str]
) -> None:
    html = client_for(analyst).get(f"/campaigns/?sort={sort}").content.decode()
    assert _codes(html) == [three[name] for name in order]
    assert "₹1,80,00,000" in html  # the losses column, in the currency's grouping


def test_campaigns_export_to_csv_only_what_the_reader_sees_and_is_audited(
    three: dict[str, str], client_for: Any, analyst: Any, cbi_analyst: Any
) -> None:
    from tracebridge.agencies.models import AuditEvent

    response = client_for(analyst).get("/campaigns/?sort=loss&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == (
        "campaign,priority,complaints,scam_type,countries,cross_border,losses,first_seen,last_seen"
    )
    assert [line.split(",")[0] for line in lines[1:]] == [three[n] for n in ("RICH", "BIG", "NEW")]
    assert lines[1].split(",")[2] == "2" and "18000000.00 INR" in lines[1]
    event = AuditEvent.objects.get(action="campaign.export")
    assert event.user == analyst.username or event.user_id == analyst.pk
    empty = client_for(cbi_analyst).get("/campaigns/?format=csv").content.decode()
    assert empty.splitlines()[1:] == []  # IN-CBI may see none of US-FBI's AMBER complaints
