"""How the checker reads messy input, says so, names the kind, refuses whole cards, links to
the report form (issues 20.2, 23.14, 23.16, 23.17)."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from tracebridge.portal import services

US_PHONE = "phone:+18448834034"


def _page(q: str, language: str = "en", **params: str) -> str:
    client = Client(headers={"accept-language": language})
    return client.get("/check/", {"q": q, **params}).content.decode()


def test_spaces_around_the_at_sign_are_read_as_a_upi_id(reported: Any) -> None:
    reported(["upi:pooja.4738@okicici"])
    result = services.check("pooja.4738 @ okicici")
    assert (result.status, result.kind, result.value) == ("reported", "upi", "pooja.4738@okicici")
    html = _page("pooja.4738 @ okicici")
    assert "We read this as UPI ID pooja.4738@okicici" in html


def test_a_us_number_is_found_whatever_region_was_chosen(reported: Any) -> None:
    for _ in range(2):
        reported([US_PHONE], country="US")
    for region in ("", "IN", "US"):
        result = services.check("(844) 883 4034", region)
        assert (result.status, result.value, result.reports) == ("reported", "+18448834034", 2)
    assert services.check("(844) 883 4034", "IN").others == ["+918448834034"]
    html = _page("(844) 883 4034", "hi")  # Hindi readers' region is India
    assert "+18448834034" in html and "+918448834034" in html
    assert 'data-status="reported"' in html


def test_no_reports_names_what_was_checked(db: None) -> None:
    assert "No reports of this UPI ID yet" in _page("nobody@okaxis")
    assert "No reports of this website yet" in _page("example-shop.in")
    assert "No reports of this phone number yet" in _page("+91 98123 45678")
    assert "इस UPI आईडी की अभी तक कोई शिकायत नहीं" in _page("nobody@okaxis", "hi")


def test_a_whole_card_number_is_refused_and_not_echoed(db: None) -> None:
    result = services.check("4111 1111 1111 1111")
    assert (result.status, result.query) == ("card_refused", "411111******1111")
    html = _page("4111 1111 1111 1111")
    assert "4111 1111 1111 1111" not in html and "4111111111111111" not in html
    assert "411111******1111" in html and 'data-status="card_refused"' in html
    masked = services.check("411111******1111")
    assert (masked.status, masked.kind) == ("not_reported", "card")


def test_report_this_links_to_the_prefilled_form(reported: Any) -> None:
    reported(["upi:pooja.4738@okicici"])
    html = _page("pooja.4738 @ okicici")
    start = html.index('data-testid="report-this" href="') + len('data-testid="report-this" href="')
    link = html[start : html.index('"', start)].replace("&amp;", "&")
    url = urlsplit(link)
    assert url.path == "/report/"
    query = parse_qs(url.query)
    assert (query["what"], query["kind"], query["value"]) == (
        ["payment"],
        ["upi"],
        ["pooja.4738@okicici"],
    )
    form = Client().get(link).content.decode()
    assert 'name="suspect_upi"' in form and 'value="pooja.4738@okicici"' in form


def test_report_this_keeps_the_phone_through_the_start_page(db: None) -> None:
    html = _page("+1 844 883 4034")
    assert "country=US" in html and "what=call" in html
    start = Client().get("/report/", {"kind": "phone", "value": "+18448834034"})
    text = start.content.decode()
    assert 'name="kind" value="phone"' in text and 'name="value" value="+18448834034"' in text
    form = (
        Client()
        .get(
            "/report/", {"what": "call", "country": "US", "kind": "phone", "value": "+18448834034"}
        )
        .content.decode()
    )
    assert 'value="+18448834034"' in form


def test_the_helpline_is_a_tap_to_call_link(reported: Any) -> None:
    reported(["upi:pooja.4738@okicici"])
    for language in ("en", "hi"):
        assert '<a href="tel:1930">1930</a>' in _page("pooja.4738@okicici", language)


def test_sms_headers_and_handles_are_checked(reported: Any) -> None:
    reported(["sms:VM-HDFCBK"])
    reported(["social:instagram:fake.store"])
    sms = services.check("vm-hdfcbk-s")
    assert (sms.status, sms.kind, sms.value) == ("reported", "sms", "VM-HDFCBK")
    handle = services.check("@fake.store")  # not a Telegram or X name: Instagram's is tried
    assert (handle.status, handle.value) == ("reported", "instagram:fake.store")
    bare = services.check("@kyc_help_desk")
    assert bare.status == "not_reported" and bare.value == "telegram:kyc_help_desk"
    assert bare.others == ["instagram:kyc_help_desk", "x:kyc_help_desk"]
    assert "No reports of this social media account yet" in _page("@kyc_help_desk")
    assert "We read this as SMS sender VM-HDFCBK" in _page("VM-HDFCBK")
