from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.complaints.conftest import record
from tracebridge.complaints import models
from tracebridge.complaints.schema import (
    CHANNELS,
    PAYMENT_METHODS,
    SCAM_TYPES,
    CanonicalComplaint,
    error_details,
    parse_line,
)
from tracebridge.complaints.sightings import sightings_of


def errors(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        CanonicalComplaint.model_validate(data)
    return {d["field"]: d["message"] for d in error_details(caught.value)}


def test_choice_lists_match_the_models() -> None:
    assert list(CHANNELS) == models.Channel.values
    assert list(SCAM_TYPES) == models.ScamType.values
    assert list(PAYMENT_METHODS) == models.PaymentMethod.values


def test_normalises_codes_and_markings() -> None:
    c = CanonicalComplaint.model_validate(
        record(source=" ncrp ", country="in", tlp="tlp:white", pap="pap:amber")
    )
    assert (c.source, c.country, c.tlp, c.pap) == ("NCRP", "IN", "CLEAR", "AMBER")
    assert (
        c.incident_datetime() is not None
        and c.incident_datetime().isoformat() == "2026-03-01T00:00:00+00:00"
    )  # type: ignore[union-attr]


def test_errors_name_the_field() -> None:
    found = errors(
        record(
            country="India",
            received_at="2026-03-02 10:15",
            loss={"amount": "-1", "currency": "rupees"},
            suspect={"bank_accounts": [{"ifsc": "SBIN0001234"}], "phone": ["x"]},
            tlp="PURPLE",
        )
    )
    assert set(found) >= {
        "country",
        "received_at",
        "loss.amount",
        "loss.currency",
        "suspect.bank_accounts.0",
        "suspect.phone",
        "tlp",
    }
    assert "unknown TLP marking" in found["tlp"]


def test_limits() -> None:
    assert "narrative" in errors(record(narrative="x" * 20_001))
    assert "suspect.phones" in errors(record(suspect={"phones": ["1"] * 51}))
    assert "ref" in errors(record(ref=""))


def test_content_hash_ignores_spelling_of_the_same_content() -> None:
    a = CanonicalComplaint.model_validate(record(source="ncrp", country="in"))
    b = CanonicalComplaint.model_validate(dict(reversed(list(record().items()))))
    assert a.content_hash() == b.content_hash()
    assert (
        a.content_hash() != CanonicalComplaint.model_validate(record(narrative="x")).content_hash()
    )


@given(st.text(max_size=200))
def test_parse_line_never_crashes_on_junk(text: str) -> None:
    with contextlib.suppress(ValidationError):
        parse_line(text)


def test_sightings_of_suspect_and_narrative_but_never_the_victim() -> None:
    c = CanonicalComplaint.model_validate(
        record(
            victim={"phone": "9876543210", "email": "asha@example.in"},
            narrative="Call 98123 45678; my own is 09876543210 and asha@example.in. See kyc-fix.in/pay",
            suspect={
                "phones": ["+91 98123 45678"],
                "names": ["Rahul"],
                "urls": ["hxxps://kyc-fix[.]in/pay"],
            },
        )
    )
    rows = {(r.key, r.field): r for r in sightings_of(c)}
    assert ("phone:+919812345678", "suspect.phones") in rows
    assert ("domain:kyc-fix.in", "suspect.urls") in rows
    narrative = rows[("phone:+919812345678", "narrative")]
    assert c.narrative[narrative.start : narrative.end] == "98123 45678"  # type: ignore[index]
    keys = {key for key, _ in rows}
    assert "phone:+919876543210" not in keys
    assert "email:asha@example.in" not in keys
    assert not any(key.startswith("name") for key in keys)
