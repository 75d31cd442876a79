"""A bare national number shows its other country's reading (issue 20, point 8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tracebridge.identifiers import phone_readings


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        ("9004083368", ["phone:+19004083368", "phone:+919004083368"]),
        ("(844) 883 4034", ["phone:+18448834034", "phone:+918448834034"]),
        ("98123 45678", ["phone:+919812345678"]),
        ("+919004083368", []),
        ("0091 9004083368", []),
        ("12", []),
        ("pooja@okicici", []),
    ],
)
def test_phone_readings(typed: str, keys: list[str]) -> None:
    assert [r.key for r in phone_readings(typed)] == keys


def test_a_us_reader_is_asked_whether_they_meant_the_indian_number(
    analyst: Any,
    client_for: Callable[..., Any],
    make_complaint: Callable[..., Any],
) -> None:
    named = make_complaint("phone:+919004083368", agency="IN-CBI", tlp="CLEAR", country="IN")
    make_complaint("phone:+919004083368", agency="IN-CBI", tlp="RED", country="IN")
    html = client_for(analyst).get("/search/", {"q": "9004083368"}).content.decode()
    assert "Searched for <strong>phone:+19004083368</strong>" in html
    assert (
        'Did you mean <a href="?q=phone%3A%2B919004083368">phone:+919004083368</a>? '
        "1 complaint names it." in html
    )  # the RED complaint of another agency is not counted
    linked = client_for(analyst).get("/search/", {"q": "phone:+919004083368"}).content.decode()
    assert f'href="/complaints/{named.pk}/"' in linked
    assert 'data-testid="did-you-mean"' not in linked
