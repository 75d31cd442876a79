"""Links on shared hosts: the host is a hub, one short link, channel or chat on it is not."""

from __future__ import annotations

from tests.complaints.conftest import record
from tracebridge import identifiers, warninglist
from tracebridge.campaigns import linking
from tracebridge.complaints.schema import CanonicalComplaint
from tracebridge.complaints.sightings import sightings_of


def test_the_host_is_listed_a_link_on_it_is_not() -> None:
    assert warninglist.listed("domain:bit.ly") == "big platform"
    assert warninglist.listed("url:https://bit.ly/") == "big platform"
    assert warninglist.listed("url:https://bit.ly/3xYz12") is None
    assert warninglist.listed("url:https://t.me/cryptoking99") is None
    assert warninglist.listed("url:https://wa.me/919812345678") is None
    assert warninglist.listed("url:https://www.linkedin.com/in/someone") == "big platform"


def test_a_whatsapp_link_is_its_phone_number() -> None:
    def phone(text: str) -> str | None:
        url = identifiers.parse("url", text)
        assert isinstance(url, identifiers.Identifier)
        found = identifiers.phone_of_link(url)
        return found.key if found else None

    assert phone("wa.me/919812345678") == "phone:+919812345678"
    assert phone("https://wa.me/+14155550100?text=hi") == "phone:+14155550100"
    assert phone("https://api.whatsapp.com/send?phone=919812345678") == "phone:+919812345678"
    assert phone("https://wa.me/message/ABC") is None
    assert phone("https://t.me/919812345678") is None


def test_telegram_names_ignore_case_short_codes_do_not() -> None:
    assert identifiers.parse("url", "t.me/CryptoKing99").key == "url:https://t.me/cryptoking99"
    assert identifiers.parse("url", "bit.ly/3xYz12").key == "url:https://bit.ly/3xYz12"


def test_extraction_and_structured_fields_yield_each_form() -> None:
    c = CanonicalComplaint.model_validate(
        record(
            narrative="He said: chat on wa.me/919812345678 and join t.me/CryptoKing99",
            suspect={"urls": ["https://bit.ly/3xYz12"]},
        )
    )
    keys = {(r.key, r.field) for r in sightings_of(c)}
    assert ("phone:+919812345678", "narrative") in keys
    assert ("url:https://wa.me/919812345678", "narrative") in keys
    assert ("url:https://t.me/cryptoking99", "narrative") in keys
    assert ("url:https://bit.ly/3xYz12", "suspect.urls") in keys


def test_linking_joins_on_one_link_and_keeps_other_links_apart() -> None:
    pairs = [
        (1, "url:https://bit.ly/3xYz12"),
        (2, "url:https://bit.ly/3xYz12"),
        (3, "url:https://bit.ly/other"),
        (4, "url:https://bit.ly/other"),
        (5, "url:https://wa.me/919812345678"),
        (5, "phone:+919812345678"),
        (6, "phone:+919812345678"),
        (7, "url:https://t.me/cryptoking99"),
        (8, "url:https://t.me/cryptoking99"),
        (7, "domain:t.me"),
        (9, "domain:t.me"),
    ]
    result = linking.link(linking.Graph.from_pairs(pairs), warninglist.listed)
    assert sorted(map(sorted, result.groups)) == [[1, 2], [3, 4], [5, 6], [7, 8]]
    assert [h.key for h in result.hubs] == ["domain:t.me"]


def test_links_on_one_shared_host_are_separate_families() -> None:
    assert linking.family("url:https://bit.ly/3xYz12") == "url:https://bit.ly/3xYz12"
    assert linking.family("url:https://scam.in/pay") == "domain:scam.in"
