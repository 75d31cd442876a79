"""Property tests: keys round-trip, planted identifiers are found, no input crashes."""

from __future__ import annotations

import itertools
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from tracebridge.identifiers import (
    KINDS,
    Identifier,
    Rejected,
    extract,
    parse,
    parse_account_key,
    parse_any,
    parse_key,
)
from tracebridge.identifiers.codecs import b58check_encode, eip55

SETTINGS = settings(max_examples=150, deadline=None)


def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body + "0")):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def gb_iban(bank: str, digits: str) -> str:
    bban = bank + digits
    numeric = "".join(str(int(c, 36)) for c in bban + "GB00")
    return f"GB{98 - int(numeric) % 97:02d}{bban}"


digits = st.text("0123456789", min_size=1, max_size=1)
separators = st.sampled_from(["", " ", "-", ".", "  "])
# "-tb" keeps random labels clear of the Public Suffix List's private entries (e.g. x0.com).
label = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12).map(
    lambda s: s + "-tb"
)
suffix = st.sampled_from(["com", "in", "co.in", "org", "net", "gov.in", "co.uk", "xyz", "io"])


@st.composite
def indian_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(st.sampled_from("6789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    sep = draw(separators)
    prefix = draw(st.sampled_from(["", "+91 ", "+91-", "0", "0091 ", "91"]))
    return prefix + number[:5] + sep + number[5:], number


@st.composite
def identifiers(draw: st.DrawFn) -> Identifier:
    kind = draw(st.sampled_from(KINDS))
    if kind == "phone":
        text, _ = draw(indian_mobiles())
    elif kind == "email":
        text = f"{draw(label)}@{draw(label)}.{draw(suffix)}"
    elif kind == "domain":
        text = f"{draw(label)}.{draw(label)}.{draw(suffix)}"
    elif kind == "url":
        path = draw(st.text(min_size=0, max_size=20))
        text = f"https://{draw(label)}.{draw(suffix)}/{path}"
    elif kind == "upi":
        text = f"{draw(label)}{draw(label)}@{draw(st.sampled_from(['ybl', 'okaxis', 'paytm']))}"
    elif kind == "bank":
        text = f"SBIN0{draw(st.text('0123456789', min_size=6, max_size=6))} {draw(st.text('0123456789', min_size=9, max_size=18))}"
    elif kind == "iban":
        text = gb_iban("WEST", draw(st.text("0123456789", min_size=14, max_size=14)))
    elif kind == "card":
        text = luhn_complete("4" + draw(st.text("0123456789", min_size=14, max_size=14)))
    elif kind == "sms":
        letters = string.ascii_uppercase
        text = (
            draw(st.text(letters, min_size=2, max_size=2))
            + "-"
            + draw(st.text(letters + string.digits, min_size=6, max_size=6))
        )
    elif kind == "social":
        platform = draw(st.sampled_from(["telegram", "instagram", "x"]))
        text = f"{platform}:@{draw(st.from_regex(r'[a-z][a-z0-9_]{4,12}[a-z]', fullmatch=True))}"
    else:
        version = draw(st.sampled_from([0x00, 0x05, 0x41]))
        text = b58check_encode(bytes([version]) + draw(st.binary(min_size=20, max_size=20)))
    result = parse(kind, text)
    assert isinstance(result, Identifier), (kind, text, result)
    return result


@SETTINGS
@given(identifiers())
def test_parse_key_gives_the_same_key(found: Identifier) -> None:
    again = parse_key(found.key)
    assert isinstance(again, Identifier)
    assert again.key == found.key and again.kind == found.kind


@SETTINGS
@given(st.binary(min_size=20, max_size=20))
def test_eth_any_case_gives_one_key(raw: bytes) -> None:
    body = raw.hex()
    keys = {parse("wallet", "0x" + form).key for form in (body, body.upper(), eip55(body))}  # type: ignore[union-attr]
    assert keys == {f"wallet:eth:0x{body}"}


@SETTINGS
@given(indian_mobiles())
def test_every_spelling_of_a_mobile_gives_its_e164_key(case: tuple[str, str]) -> None:
    text, number = case
    found = parse("phone", text, "IN")
    assert isinstance(found, Identifier) and found.key == f"phone:+91{number}"


filler = st.text(string.ascii_letters + " ,", min_size=0, max_size=60)


@st.composite
def planted(draw: st.DrawFn) -> tuple[str, str, int, int]:
    kind = draw(st.sampled_from(["phone", "email", "upi", "url", "wallet", "iban"]))
    if kind == "phone":
        value = (
            "+91 "
            + draw(st.sampled_from("6789"))
            + draw(st.text("0123456789", min_size=9, max_size=9))
        )
    elif kind == "email":
        value = f"{draw(label)}@{draw(label)}.{draw(suffix)}"
    elif kind == "upi":
        value = f"{draw(label)}{draw(label)}@{draw(st.sampled_from(['ybl', 'okaxis', 'oksbi']))}"
    elif kind == "url":
        value = f"https://{draw(label)}.{draw(suffix)}/{draw(label)}"
    elif kind == "wallet":
        value = b58check_encode(b"\x00" + draw(st.binary(min_size=20, max_size=20)))
    else:
        value = gb_iban("WEST", draw(st.text("0123456789", min_size=14, max_size=14)))
    expected = parse(kind, value)
    assert isinstance(expected, Identifier)
    before, after = draw(filler), draw(filler)
    text = f"{before} {value} {after}"
    start = len(before) + 1
    return text, expected.key, start, start + len(value)


@SETTINGS
@given(planted())
def test_extract_finds_what_is_planted(case: tuple[str, str, int, int]) -> None:
    text, key, start, end = case
    found = [(f.identifier.key, f.start, f.end) for f in extract(text, "IN")]
    assert (key, start, end) in found


@SETTINGS
@given(st.text(max_size=200), st.sampled_from([None, "IN", "US", "GB", "zz"]))
def test_no_crash_on_any_unicode(text: str, region: str | None) -> None:
    for kind in KINDS:
        assert isinstance(parse(kind, text, region), Identifier | Rejected)
    assert isinstance(parse_any(text, region), Identifier | Rejected)
    assert isinstance(parse_key(text), Identifier | Rejected)
    assert isinstance(parse_account_key(text), Identifier | Rejected)
    for found in extract(text, region):
        assert 0 <= found.start < found.end <= len(text)
        if found.identifier.kind != "card":
            assert text[found.start : found.end] == found.text


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_extract_spans_never_overlap(text: str) -> None:
    found = extract(text)
    for left, right in itertools.pairwise(found):
        assert left.end <= right.start
