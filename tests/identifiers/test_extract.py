"""extract(): what it finds in English and Hindi narratives, and what it must not flag."""

from __future__ import annotations

import pytest

from tracebridge.identifiers import extract


def keys(text: str, region: str | None = "IN") -> list[str]:
    return [f.identifier.key for f in extract(text, region)]


NARRATIVE = (
    "On 29/11/2026 at 10:30 I got a call from +91 98123 45678. He said my SBI KYC expired and "
    "sent hxxps://sbi-kyc[.]co[.]in/update. I paid Rs 50,000 to ramesh.k@okaxis (UTR "
    "412345678901). Write to fraud@paypal-help.net. Complaint no. 31512260012345."
)


def test_finds_each_kind_with_spans_in_order() -> None:
    found = extract(NARRATIVE, "IN")
    assert [f.identifier.key for f in found] == [
        "phone:+919812345678",
        "url:https://sbi-kyc.co.in/update",
        "upi:ramesh.k@okaxis",
        "email:fraud@paypal-help.net",
    ]
    for f in found:
        assert NARRATIVE[f.start : f.end] == f.text
    assert found[1].text == "hxxps://sbi-kyc[.]co[.]in/update"


def test_hindi_narrative_with_devanagari_digits() -> None:
    text = "मुझे ९८१२३ ४५६७८ से कॉल आया। उसने ₹ २,००,००० kyc-help@ybl पर मंगवाए। लेनदेन संख्या ४१२३४५६७८९०१।"
    found = extract(text, "IN")
    assert [f.identifier.key for f in found] == ["phone:+919812345678", "upi:kyc-help@ybl"]
    assert found[0].text == "९८१२३ ४५६७८" and text[found[0].start : found[0].end] == found[0].text


@pytest.mark.parametrize(
    "text",
    [
        "The call was on 2026-11-29 at 14:35:10.",
        "Dated 29/11/2026 and 29.11.2026 and 29-11-2026, 11/29/2026.",
        "I paid Rs 50,000 and then ₹ 2,00,000 and $1,234.56 and USD 9,999.00.",
        "Amount Rs. 9812345678 was debited.",
        "Amount 1500000000/- was lost.",
        "Complaint acknowledgement number 31512260012345 registered.",
        "NCRP ack no. 20112260054321",
        "UPI ref no 412345678901 and RRN: 623456789012.",
        "UTR SBIN524112345678 and UTR number HDFCR52026112912345678.",
        "Transaction ID: 9812345678 failed.",
        "Aadhaar 2345 6789 0123 was shared.",
        "Between 10.30 and 11.45 they called several times.",
        "OTP 482913 was shared; PIN code 110001.",
        "Order id 8812345678 for a phone.",
        "Version 1.2.3 of the app, file kyc.apk and photo.jpg.",
        "e.g. this is i.e. not a domain, Mr.Sharma said so.",
        "He paid.Then he called again.",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert keys(text) == []


def test_keyword_only_blocks_the_number_right_after_it() -> None:
    text = "Complaint about a call from 98123 45678 on 29/11/2026."
    assert keys(text) == ["phone:+919812345678"]


def test_us_narrative_region_us() -> None:
    text = "A man called from (202) 555-0123 and 1-800-555-1234, asked for $500 in gift cards."
    assert keys(text, "US") == ["phone:+12025550123", "phone:+18005551234"]


def test_adjacent_date_and_number_are_separated() -> None:
    assert keys("on 29.11.2026 9812345678 called") == ["phone:+919812345678"]


def test_bank_account_with_ifsc_nearby() -> None:
    text = "Transfer to A/c no. 0012345678, IFSC SBIN0001234, name Ramesh."
    found = extract(text, "IN")
    assert [f.identifier.key for f in found] == ["bank:IN:SBIN0001234:0012345678"]
    assert found[0].text == "0012345678"


def test_bank_account_without_ifsc_is_low_confidence() -> None:
    found = extract("money went to account number 123456789012 yesterday", "IN")
    assert [f.identifier.key for f in found] == ["bank:XX:-:123456789012"]
    assert found[0].identifier.details["confidence"] == "low"


def test_us_routing_and_account() -> None:
    text = "Wire to routing number 021000021, account 123456789."
    assert keys(text, "US") == ["bank:US:021000021:123456789"]


def test_hindi_account_keyword() -> None:
    assert keys("खाता संख्या 123456789012 में पैसे भेजे") == ["bank:XX:-:123456789012"]


def test_cards_are_found_masked() -> None:
    text = "They took my card 4111 1111 1111 1111 and card no 5555555555554444."
    found = extract(text, "IN")
    assert [f.identifier.key for f in found] == ["card:411111******1111", "card:555555******4444"]
    assert all("4111111111111111" not in f.text and "1111 1111 1111" not in f.text for f in found)


def test_grouped_number_failing_luhn_is_not_a_card_or_phone() -> None:
    assert keys("reference 4111 1111 1111 1112") == []
    assert keys("code 4111 1111 1111 1112") == []


def test_wallets_iban_and_defanged() -> None:
    text = (
        "Send BTC to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 or USDT to "
        "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8 or 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed. "
        "IBAN GB82 WEST 1234 5698 7654 32. Mail x[at]y[.]com, site evil-kyc[.]in."
    )
    assert keys(text) == [
        "wallet:btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        "wallet:trx:TJRabPrwbZy45sbavfcjinPJC18kjpRTv8",
        "wallet:eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        "iban:GB82WEST12345698765432",
        "email:x@y.com",
        "domain:evil-kyc.in",
    ]


def test_bad_checksums_are_not_extracted() -> None:
    text = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
    assert keys(text) == []


def test_url_trailing_punctuation_and_brackets() -> None:
    text = "Visit (https://evil.in/a?b=1). Or https://en.wikipedia.org/wiki/Scam_(fraud), or www.x.com!"
    assert keys(text) == [
        "url:https://evil.in/a?b=1",
        "url:https://en.wikipedia.org/wiki/Scam_(fraud)",
        "url:https://www.x.com/",
    ]


def test_url_wins_over_domain_and_phone_inside_it() -> None:
    assert keys("chat on https://wa.me/919812345678 now") == ["url:https://wa.me/919812345678"]
    assert keys("go to evil.in/kyc today") == ["url:https://evil.in/kyc"]


def test_email_wins_over_its_domain_and_unknown_upi_is_skipped() -> None:
    assert keys("write to help@sbi-care.in") == ["email:help@sbi-care.in"]
    assert keys("ping john@gmail please") == []
    assert keys("pay 9812345678@newpsp") == ["upi:9812345678@newpsp"]


def test_empty_and_non_text() -> None:
    assert extract("") == []
    assert extract(None) == []  # type: ignore[arg-type]


def test_phone_without_region_uses_the_india_us_rule() -> None:
    assert keys("call 9812345678 or 2125550123", None) == [
        "phone:+919812345678",
        "phone:+12125550123",
    ]


def test_international_numbers_ignore_amount_words_around_them() -> None:
    assert keys("paid +91 98123 45678 Rs 500 via UPI") == ["phone:+919812345678"]
    assert keys("paid 9812345678 Rs 500 via UPI") == []
