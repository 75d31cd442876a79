"""Public pages as a Hindi reader sees them (issue 23, points 4 and 6)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from tracebridge import warninglist
from tracebridge.portal import views
from tracebridge.portal.content import TOPICS

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


def status_page(client: Client, once: dict[str, Any]) -> str:
    """The look-up page the reporter reaches with the number and secret of ``once``."""
    secret = {"number": once["number"], "secret": once["secret"]}
    return client.post("/report/lookup/", secret, follow=True).content.decode()


def test_the_amount_field_names_its_currency(agencies: Any) -> None:
    india = hindi().get("/report/", {"what": "payment", "country": "IN"}).content.decode()
    assert re.search(r'for="id_amount">[^<]*<span class="unit">\(रुपये में, ₹\)</span>', india)
    us = Client().get("/report/", {"what": "payment", "country": "US"}).content.decode()
    assert '<span class="unit">(in US dollars, $)</span>' in us


def test_status_page_dates_in_hindi(agencies: Any) -> None:
    client = hindi()
    once = filed(client)
    received = re.search(r"<dt>प्राप्त</dt><dd>([^<]+)</dd>", status_page(client, once))
    assert received is not None
    assert re.fullmatch(r"\d{1,2} [\u0900-\u097f]+ \d{4}, \d{2}:\d{2} IST", received.group(1))


# Latin script a Hindi page may carry: brands as people see them on their phones, the language
# switch's own "English", and the product's name. Acronyms (UPI, IFSC, OTP), addresses
# (cybercrime.gov.in, name@bank) and codes with digits pass by their form.
BRANDS = {
    "TraceBridge", "English", "WhatsApp", "Telegram", "Instagram", "Facebook", "YouTube",
    "Google", "Play", "Gmail", "Apple", "Amazon", "Target", "Microsoft", "Outlook", "Hotmail",
    "Rediffmail", "Proton", "Yahoo", "AnyDesk", "TeamViewer", "UltraViewer", "PayPal", "Paytm",
    "PhonePe",
}  # fmt: skip
LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
SKIP_ROUTES = ("admin/", "api/", "i18n/", "taxii2/")
SPOKEN = ("title", "aria-label", "placeholder", "alt")


class _Text(HTMLParser):
    """Text a reader sees or hears: no script or style, nor what is marked translate="no"."""

    VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "rect", "path"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its text hidden?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        hidden = bool(self.stack and self.stack[-1]) or tag in ("script", "style")
        hidden = hidden or a.get("translate") == "no"
        if not hidden:
            self.parts += [a[k] or "" for k in SPOKEN if k in a]
            if tag == "input" and a.get("type") in ("submit", "button"):
                self.parts.append(a.get("value") or "")
        if tag not in self.VOID:
            self.stack.append(hidden)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def latin_words(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for token in " ".join(parser.parts).split():
        if "@" in token or re.search(r"[a-z0-9]\.[a-z]", token) or any(c.isdigit() for c in token):
            continue  # an address, a domain or a code
        found += [w for w in LATIN.findall(token) if not (w.isupper() and len(w) > 1)]
    return sorted({w for w in found if w not in BRANDS})


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    routes = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if route.startswith(SKIP_ROUTES) or "<" in route or "^" in route:
            continue
        routes += _routes(p.url_patterns, route) if isinstance(p, URLResolver) else [route]
    return routes


def public_pages() -> list[str]:
    """Every route of the URL map that answers an anonymous reader with an HTML page."""
    client = Client()
    found = []
    for route in _routes(get_resolver().url_patterns):
        response = client.get("/" + route)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found.append("/" + route)
    return found


def test_the_public_pages_are_found_in_the_url_map(agencies: Any) -> None:
    assert set(public_pages()) == {
        "/", "/check/", "/learn/", "/stats/", "/report/", "/report/lookup/", "/login/"
    }  # fmt: skip


def test_latin_words_finds_english_and_passes_names(agencies: Any) -> None:
    html = (
        "<p>यह State Bank of India का है, UPI ID name@bank, cybercrime.gov.in, IC3, WhatsApp"
        '<span translate="no">k3Jx9</span><script>var x</script></p><input type="submit" '
        'value="Send"><input value="typed"><a title="Open">खोलें</a>'
    )
    assert latin_words(html) == ["Bank", "India", "Open", "Send", "State", "of"]


def hindi_pages(client: Client, reported: Any) -> dict[str, str]:
    """Each public page and each state of it, as a Hindi reader gets it."""
    for _ in range(5):
        reported(["upi:kyc.update@okaxis"], loss="22921.00", method="upi", scam_type="unknown")
    pages = {p: client.get(p).content.decode() for p in public_pages()}
    pages |= {f"/learn/{t}/": client.get(f"/learn/{t}/").content.decode() for t in TOPICS}
    for what in ("call", "message", "website", "payment"):
        for country in ("IN", "US"):
            url = f"/report/?what={what}&country={country}"
            pages[url] = client.get(url).content.decode()
    checks = ("xyz", "1930", "112", "1800 1234", "sbi.co.in", "https://www.irs.gov/refund")
    checks += ("kyc.update@okaxis", "98123 45679", "help@gmail.com", "SBIN0001234 12345678901")
    for q in checks:
        pages[f"/check/?q={q}"] = client.get("/check/", {"q": q}).content.decode()
    pages["report with errors"] = client.post(
        "/report/", {**REPORT, "narrative": ""}
    ).content.decode()
    once = filed(client)
    pages["/report/done/"] = client.get("/report/done/").content.decode()
    secret = {"number": once["number"], "secret": once["secret"]}
    pages["status"] = status_page(client, once)
    pages["status, added"] = client.post(
        "/report/lookup/", {**secret, "text": "उन्होंने फिर कॉल की।"}, follow=True
    ).content.decode()
    pages["lookup refused"] = client.post(
        "/report/lookup/", {**secret, "secret": "wrong"}
    ).content.decode()
    pages["robot refused"] = client.post("/report/", {**REPORT, "homepage": "x"}).content.decode()
    pages["not found"] = client.get("/learn/no-such-topic/").content.decode()
    return pages


def test_public_hindi_pages_have_no_english_words(
    agencies: Any, reported: Any, monkeypatch: Any
) -> None:
    pages = hindi_pages(hindi(), reported)
    monkeypatch.setattr(views, "CHECK_PAGE_LIMIT", views.ratelimit.Limit("hi", 0, 60))
    slow = hindi().get("/check/", {"q": "1930"})
    assert slow.status_code == 429
    pages["slow down"] = slow.content.decode()
    assert len(pages) >= 35
    english = {page: words for page, html in pages.items() if (words := latin_words(html))}
    assert english == {}


def test_every_warninglist_name_has_hindi() -> None:
    labels = {label for *_, label in warninglist.ENTRIES} | set(warninglist.HELPLINES.values())
    assert len(warninglist.ENTRIES) >= 45
    assert sorted(labels - set(warninglist.NAMES_HI)) == []
    assert warninglist.name_in("State Bank of India contact centre", "hi") == (
        "भारतीय स्टेट बैंक (SBI) संपर्क केंद्र"
    )
    assert warninglist.name_in("State Bank of India contact centre", "en") == (
        "State Bank of India contact centre"
    )


def test_check_names_the_real_owner_in_hindi(db: None) -> None:
    html = hindi().get("/check/", {"q": "1800 1234"}).content.decode()
    assert "यह भारतीय स्टेट बैंक (SBI) संपर्क केंद्र का है" in html
    assert "State Bank" not in html
    helpline = hindi().get("/check/", {"q": "1930"}).content.decode()
    assert "राष्ट्रीय साइबर अपराध हेल्पलाइन" in helpline


def test_status_page_names_the_agency_in_hindi(agencies: Any) -> None:
    client = hindi()
    once = filed(client)
    assert "<dd>भारतीय साइबर अपराध समन्वय केंद्र (I4C)</dd>" in status_page(client, once)
    assert "<dd>Indian Cyber Crime Coordination Centre</dd>" in status_page(Client(), once)


def test_a_refused_form_is_explained_in_hindi(agencies: Any) -> None:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "hi"})
    response = client.post("/report/", REPORT)
    assert response.status_code == 403
    html = response.content.decode()
    assert "कृपया फ़ॉर्म फिर से भेजें" in html
    assert latin_words(html) == []
