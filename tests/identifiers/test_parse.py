"""parse, parse_any, parse_key, parse_bank_account, parse_account_key: values and reasons."""

from __future__ import annotations

import dataclasses

import pytest

from tracebridge.identifiers import (
    KINDS,
    Found,
    Identifier,
    Rejected,
    parse,
    parse_account_key,
    parse_any,
    parse_bank_account,
    parse_key,
)

from .test_corpus import ROWS, _run


def ok(result: Identifier | Rejected) -> Identifier:
    assert isinstance(result, Identifier), result
    return result


def test_public_interface() -> None:
    assert KINDS == (
        "phone",
        "email",
        "domain",
        "url",
        "upi",
        "bank",
        "iban",
        "card",
        "wallet",
        "sms",
        "social",
    )
    assert [f.name for f in dataclasses.fields(Identifier)] == ["kind", "key", "value", "details"]
    assert [f.name for f in dataclasses.fields(Rejected)] == ["kind", "text", "reason"]
    assert [f.name for f in dataclasses.fields(Found)] == ["identifier", "start", "end", "text"]


def test_identifier_is_frozen_hashable_and_compares_by_key() -> None:
    a, b = ok(parse("phone", "+91 98123 45678")), ok(parse("phone", "098123-45678", "IN"))
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.key = "phone:+1"  # type: ignore[misc]


def test_value_is_key_without_kind() -> None:
    for how, text, region, _expected in ROWS:
        result = _run(how, text, region)
        if isinstance(result, Identifier):
            assert result.key == f"{result.kind}:{result.value}"
            assert result.kind in KINDS


@pytest.mark.parametrize("row", [r for r in ROWS if r[3] != "REJECT"], ids=lambda r: r[1][:30])
def test_parse_key_round_trips_every_corpus_key(row: tuple[str, str, str | None, str]) -> None:
    key = row[3]
    assert ok(parse_key(key)).key == key


def test_parse_key_rejects_non_keys() -> None:
    for text in ("", "nokind", "fax:+91", "phone:", "phone:abc"):
        result = parse_key(text)
        assert isinstance(result, Rejected) and result.reason


def test_unknown_kind_is_rejected_with_the_list_of_kinds() -> None:
    result = parse("fax", "+91 98123 45678")
    assert isinstance(result, Rejected) and "phone" in result.reason and result.kind == "fax"


def test_phone_details_indian_mobile() -> None:
    found = ok(parse("phone", "98123 45678", "IN"))
    assert found.details == {"region": "IN", "country_code": "91", "type": "mobile"}


def test_phone_details_india_140_telemarketer_series() -> None:
    found = ok(parse("phone", "140 123 4567", "IN"))
    assert found.details["series"] == "140"
    assert "telemarketer" in found.details["purpose"]


@pytest.mark.parametrize("text", ["1600 123 456", "+91 1601 234 567"])
def test_phone_details_india_1600_series(text: str) -> None:
    found = ok(parse("phone", text, "IN"))
    assert found.details["series"] in ("1600", "1601")
    assert "transactional" in found.details["purpose"]


def test_phone_types_toll_free_premium_shared_cost() -> None:
    assert ok(parse("phone", "1-800-555-1234", "US")).details["type"] == "toll_free"
    assert ok(parse("phone", "1800 123 4567", "IN")).details["type"] == "toll_free"
    assert ok(parse("phone", "+1 900 555 1234")).details["type"] == "premium"
    assert ok(parse("phone", "1860 123 4567", "IN")).details["type"] == "shared_cost"


def test_nanp_fictional_555_01xx_flagged_but_kept() -> None:
    assert ok(parse("phone", "(202) 555-0123", "US")).details["fictional"] == "yes"
    assert "fictional" not in ok(parse("phone", "(212) 736-5000", "US")).details


@pytest.mark.parametrize(
    ("text", "words"),
    [("12345", "too few"), ("+999 1234567", "country code"), ("+91 55555 55555", "allocated"),
     ("98l23 45678", "characters"), ("", "empty"), ("12345678901234567890", "too many")],
)  # fmt: skip
def test_phone_rejection_reasons(text: str, words: str) -> None:
    result = parse("phone", text, "IN")
    assert isinstance(result, Rejected)
    assert result.kind == "phone" and result.text == text
    assert words in result.reason.lower()


def test_region_decides_ambiguous_national_numbers() -> None:
    assert ok(parse("phone", "(202) 555-0123", "US")).key == "phone:+12025550123"
    assert ok(parse("phone", "020 2555 0123", "IN")).key == "phone:+912025550123"


def test_region_fallback_reads_indian_mobile_in_us_complaint() -> None:
    assert ok(parse("phone", "98123 45678", "US")).key == "phone:+919812345678"


def test_parse_any_without_region_is_deterministic() -> None:
    assert ok(parse_any("9812345678")).key == "phone:+919812345678"
    assert ok(parse_any("2125550123")).key == "phone:+12125550123"
    assert ok(parse_any("12125550123")).key == "phone:+12125550123"


def test_parse_any_unknown_says_what_it_tried() -> None:
    result = parse_any("hello there")
    assert isinstance(result, Rejected) and result.kind == "unknown"
    assert "phone number" in result.reason and "UPI" in result.reason


def test_parse_any_invalid_wallet_keeps_the_checksum_reason() -> None:
    result = parse_any("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    assert isinstance(result, Rejected) and "EIP-55" in result.reason


def test_bank_account_items_of_the_canonical_complaint() -> None:
    assert ok(parse_bank_account({"ifsc": "SBIN0001234", "account": "0012345678"})).key == (
        "bank:IN:SBIN0001234:0012345678"
    )
    assert ok(parse_bank_account({"routing": "021000021", "account": "12345"})).key == (
        "bank:US:021000021:12345"
    )
    iban = ok(parse_bank_account({"iban": "GB82 WEST 1234 5698 7654 32"}))
    assert (iban.kind, iban.key) == ("iban", "iban:GB82WEST12345698765432")
    bare = ok(parse_bank_account({"account": "1234-5678-9012"}))
    assert bare.key == "bank:XX:-:123456789012" and bare.details["confidence"] == "low"


def test_bank_details_name_the_bank() -> None:
    found = ok(parse_bank_account({"ifsc": "hdfc0000123", "account": "50100123456789"}))
    assert found.details["bank"] == "HDFC Bank" and found.details["ifsc"] == "HDFC0000123"
    odd = ok(parse_bank_account({"ifsc": "ABCD0EF1234", "account": "123456789"}))
    assert odd.details["bank"] == "unknown bank code"


@pytest.mark.parametrize(
    ("item", "words"),
    [({}, "account number"), ({"ifsc": "SBIN0001234"}, "account number"),
     ({"account": "12AB"}, "digits only"), ({"account": "12345"}, "6 to 20"),
     ({"account": "1" * 21}, "6 to 20"), ({"ifsc": "SBIN1001234", "account": "123456789"}, "ifsc"),
     ({"routing": "021000022", "account": "123456"}, "routing"),
     ({"iban": "GB00WEST12345698765432"}, "iban")],
)  # fmt: skip
def test_bank_account_rejections(item: dict[str, str], words: str) -> None:
    result = parse_bank_account(item)
    assert isinstance(result, Rejected) and words in result.reason.lower()


def test_account_keys_of_the_money_trail() -> None:
    assert ok(parse_account_key("WALLET:btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")).kind == "wallet"
    assert ok(parse_account_key("UPI:Shop@YBL")).key == "upi:shop@ybl"
    assert ok(parse_account_key("IBAN:DE89370400440532013000")).kind == "iban"
    result = parse_account_key("CASH")
    assert isinstance(result, Rejected) and "IN:" in result.reason


def test_upi_details_and_unknown_psp() -> None:
    found = ok(parse("upi", "Ramesh.K@OKAXIS"))
    assert found.details == {"handle": "ramesh.k", "psp": "okaxis", "known_psp": "yes"}
    assert ok(parse("upi", "shop@newbankpsp")).details["known_psp"] == "no"


def test_url_and_domain_details() -> None:
    url = ok(parse("url", "hxxps://login.sbi-kyc[.]co[.]in/x"))
    assert url.details == {
        "scheme": "https",
        "host": "login.sbi-kyc.co.in",
        "domain": "sbi-kyc.co.in",
    }
    domain = ok(parse("domain", "kyc.scam.github.io"))
    assert domain.key == "domain:scam.github.io" and domain.details["private_suffix"] == "yes"


def test_email_lowercases_whole_address() -> None:
    found = ok(parse("email", "Refund.Desk@PayPal-Help.NET"))
    assert found.key == "email:refund.desk@paypal-help.net"
    assert found.details["domain"] == "paypal-help.net"


def test_wallet_confidence_levels() -> None:
    assert (
        ok(parse("wallet", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")).details["confidence"]
        == "high"
    )
    assert (
        ok(parse("wallet", "0xde709f2102306220921060314715629080e2fb77")).details["confidence"]
        == "medium"
    )
    assert (
        ok(parse("wallet", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L")).details["confidence"] == "medium"
    )
    sol = ok(parse("wallet", "solana:7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV"))
    assert sol.details == {"chain": "sol", "confidence": "low"}


def test_wallet_bad_chain_name_rejected() -> None:
    result = parse("wallet", "x", "")
    assert isinstance(result, Rejected)
    assert isinstance(parse_account_key("WALLET:not a chain!:abcdefghijklmnopqrstuvwxyz"), Rejected)


def test_non_string_input_is_rejected_not_raised() -> None:
    assert isinstance(parse("email", None), Rejected)  # type: ignore[arg-type]
    assert isinstance(parse_any(None), Rejected)  # type: ignore[arg-type]
