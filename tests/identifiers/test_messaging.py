"""SMS sender headers and social handles: parsing, keys, extraction (issue 23.15)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracebridge.identifiers import (
    Identifier,
    Rejected,
    extract,
    parse,
    parse_any,
    parse_key,
    social_readings,
)

SETTINGS = settings(max_examples=150, deadline=None)
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.mark.parametrize(
    ("text", "key", "category"),
    [
        ("VM-HDFCBK", "sms:VM-HDFCBK", None),
        ("vm-hdfcbk", "sms:VM-HDFCBK", None),
        ("VM-HDFCBK-S", "sms:VM-HDFCBK", "service"),
        (" JX-AMAZON-T ", "sms:JX-AMAZON", "transactional"),
        ("AD-123456-P", "sms:AD-123456", "promotional"),
        ("CP-GOVTIN-G", "sms:CP-GOVTIN", "government"),
    ],
)
def test_sms_headers(text: str, key: str, category: str | None) -> None:
    found = parse_any(text)
    assert isinstance(found, Identifier) and found.key == key
    assert found.details.get("category") == category
    assert parse_key(key) == found


@pytest.mark.parametrize("text", ["VMX-HDFCBK", "VM-HDFC", "VM-HDFCBK-X", "V-HDFCBK", "VM-HDF BK"])
def test_not_sms_headers(text: str) -> None:
    result = parse("sms", text)
    assert isinstance(result, Rejected) and "SMS sender header" in result.reason


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("telegram:@Pooja_Help", "social:telegram:pooja_help"),
        ("Telegram @pooja_help", "social:telegram:pooja_help"),
        ("instagram:kyc.help", "social:instagram:kyc.help"),
        ("x:@Scam_Guy", "social:x:scam_guy"),
        ("twitter @scam_guy", "social:x:scam_guy"),
        ("https://t.me/kyc_help_desk", "social:telegram:kyc_help_desk"),
        ("instagram.com/fake.store/", "social:instagram:fake.store"),
    ],
)
def test_social_handles(text: str, key: str) -> None:
    found = parse("social", text)
    assert isinstance(found, Identifier) and found.key == key
    assert parse_key(key) == found


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("telegram:@abc", "valid telegram username"),  # Telegram needs 5 characters
        ("instagram:.dot", "valid instagram username"),
        ("x:@sixteen_chars_xx", "valid x username"),
        ("myspace:@name", "does not say its platform"),
        ("@name", "does not say its platform"),
    ],
)
def test_bad_handles_say_why(text: str, reason: str) -> None:
    result = parse("social", text)
    assert isinstance(result, Rejected) and reason in result.reason


def test_a_bare_handle_is_read_on_every_platform_it_fits() -> None:
    keys = [r.key for r in social_readings("@Kyc_Help")]
    assert keys == ["social:telegram:kyc_help", "social:instagram:kyc_help", "social:x:kyc_help"]
    assert [r.key for r in social_readings("@abc")] == [
        "social:instagram:abc",
        "social:x:abc",
    ]
    assert isinstance(parse_any("@kyc_help"), Rejected)


def test_extracted_from_narratives() -> None:
    text = (
        "SMS from VM-HDFCBK-S said my KYC expired; then on Telegram @kyc_help_desk a man asked "
        "me to pay pooja@okicici. इंस्टाग्राम पर @fake.store भी था। PIN 110-001, order AB-123456."
    )
    keys = [f.identifier.key for f in extract(text)]
    assert keys == [
        "sms:VM-HDFCBK",
        "social:telegram:kyc_help_desk",
        "upi:pooja@okicici",
        "social:instagram:fake.store",
    ]
    assert "@random" not in [f.text for f in extract("write to @random about it")]


@given(
    prefix=st.text(UPPER, min_size=2, max_size=2),
    header=st.text(UPPER + "0123456789", min_size=6, max_size=6),
    suffix=st.sampled_from(["", "-S", "-T", "-P", "-G"]),
)
@SETTINGS
def test_sms_keys_round_trip(prefix: str, header: str, suffix: str) -> None:
    found = parse("sms", f"{prefix}-{header}{suffix}".lower())
    assert isinstance(found, Identifier)
    assert found.key == f"sms:{prefix}-{header}"
    assert parse_key(found.key) == found


@given(
    platform=st.sampled_from(["telegram", "instagram", "x"]),
    name=st.from_regex(r"[a-z][a-z0-9_]{4,13}[a-z0-9]", fullmatch=True),
)
@SETTINGS
def test_handle_keys_round_trip_and_are_found(platform: str, name: str) -> None:
    found = parse("social", f"{platform}:@{name.upper()}")
    assert isinstance(found, Identifier) and found.key == f"social:{platform}:{name}"
    assert parse_key(found.key) == found
    word = {"x": "twitter"}.get(platform, platform)
    assert [f.identifier.key for f in extract(f"He found me on {word} as @{name}.")] == [found.key]


@given(st.text(max_size=80))
@SETTINGS
def test_no_input_crashes(text: str) -> None:
    for kind in ("sms", "social"):
        assert isinstance(parse(kind, text), Identifier | Rejected)
    social_readings(text)
