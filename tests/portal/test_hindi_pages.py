"""Public pages as a Hindi reader sees them (issue 23, points 4 and 6)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
REPORT = {
    "what": "call",
    "country": "IN",
    "scam_type": "kyc_update",
    "narrative": "उन्होंने 98123 45678 से कॉल करके OTP माँगा।",
    "suspect_phone": "98123 45678",
    "payment_method": "upi",
    "amount": "114605",
    "homepage": "",
}


def hindi() -> Client:
    return Client(headers={"accept-language": "hi"})


def filed(client: Client) -> dict[str, Any]:
    assert client.post("/report/", REPORT).status_code == 302
    return dict(client.session["report_once"])


def test_the_amount_field_names_its_currency(agencies: Any) -> None:
    india = hindi().get("/report/", {"what": "payment", "country": "IN"}).content.decode()
    assert re.search(r'for="id_amount">[^<]*<span class="unit">\(रुपये में, ₹\)</span>', india)
    us = Client().get("/report/", {"what": "payment", "country": "US"}).content.decode()
    assert '<span class="unit">(in US dollars, $)</span>' in us


def test_status_page_dates_in_hindi(agencies: Any) -> None:
    client = hindi()
    once = filed(client)
    page = client.post("/report/lookup/", {"number": once["number"], "secret": once["secret"]})
    received = re.search(r"<dt>प्राप्त</dt><dd>([^<]+)</dd>", page.content.decode())
    assert received is not None
    assert re.fullmatch(r"\d{1,2} [\u0900-\u097f]+ \d{4}, \d{2}:\d{2}", received.group(1))
