"""Each kind's JSON Schema, the completeness check naming missing fields, the transition table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.assistance.conftest import PRESERVATION, PRODUCTION
from tracebridge.assistance import rules

ART_29_2 = [
    "requesting_authority",
    "offence",
    "summary_of_facts",
    "stored_data",
    "relation_to_offence",
    "custodian",
    "necessity",
    "follow_up",
]


def test_preservation_requires_article_29_2_six_elements() -> None:
    assert rules.schema("preservation")["required"] == ART_29_2
    assert rules.missing("preservation", {}) == ART_29_2
    assert rules.problems("preservation", PRESERVATION) == []


@pytest.mark.parametrize(
    ("kind", "required"),
    [
        ("production", ["requesting_authority", "offence", "identifiers", "data_categories"]),
        (
            "mla",
            [
                "requesting_authority",
                "legal_provisions",
                "case_summary",
                "assistance_sought",
                "necessity_and_proportionality",
            ],
        ),
        ("emergency", ["requesting_authority", "imminent_risk", "data_requested"]),
    ],
)
def test_each_kind_names_its_missing_fields(kind: str, required: list[str]) -> None:
    assert rules.missing(kind, {}) == required
    with pytest.raises(rules.RuleError) as caught:
        rules.validate(kind, {"requesting_authority": "DOJ"})
    assert caught.value.fields == required[1:]
    assert str(caught.value) == f"incomplete {kind} request: missing: {', '.join(required[1:])}"


def test_blank_text_counts_as_missing() -> None:
    assert rules.missing("preservation", {**PRESERVATION, "necessity": "  "}) == ["necessity"]


def _identifier(**change: str) -> dict[str, Any]:
    return {**PRODUCTION, "identifiers": [{**PRODUCTION["identifiers"][0], **change}]}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"zone": "Mars/Olympus"}, [("identifiers[0].zone", "not an IANA time zone")]),
        ({"from": "yesterday"}, [("identifiers[0].from", "not an ISO 8601 date and time")]),
        ({"to": "2025-01-01T00:00:00"}, [("identifiers[0].to", "before from")]),
        ({"zone": ""}, [("identifiers[0].zone", "missing")]),
    ],
)
def test_identifiers_need_a_time_range_and_zone(
    change: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert rules.problems("production", _identifier(**change)) == expected


def test_unknown_fields_and_bad_choices_are_named() -> None:
    found = rules.problems(
        "production", {**PRODUCTION, "data_categories": ["gossip"], "colour": "red"}
    )
    assert ("colour", "not a field of this kind") in found
    assert found[0][0] == "data_categories[0]" and found[0][1].startswith("one of subscriber")
    assert rules.problems("preservation", []) == [("fields", "must be a JSON object")]


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(rules.RuleError, match="unknown kind 'letter'"):
        rules.schema("letter")


LEGAL = {(s, t.action) for t in rules.TRANSITIONS.values() for s in t.sources}
EVERY = [(s, a) for s in ("", *rules.STATUSES) for a in rules.TRANSITIONS]


@pytest.mark.parametrize(("status", "action"), [p for p in EVERY if p not in LEGAL])
def test_every_illegal_transition_is_refused_with_a_reason(status: str, action: str) -> None:
    with pytest.raises(rules.RuleError) as caught:
        rules.check_transition("preservation", status, action)
    message = str(caught.value)
    if status in rules.TERMINAL:
        assert message == f"the request is {status}: no further step is possible"
    else:
        assert message.startswith(f"cannot {action} a request that is {status or 'new'}: only")


@pytest.mark.parametrize(("status", "action"), sorted(LEGAL))
def test_every_legal_transition_reaches_its_target(status: str, action: str) -> None:
    assert rules.check_transition("preservation", status, action).target == (
        rules.TRANSITIONS[action].target
    )


def test_preservation_steps_only_for_preservation_requests() -> None:
    with pytest.raises(rules.RuleError, match="preserve applies to preservation requests, not mla"):
        rules.check_transition("mla", "accepted", "preserve")
    assert "preserve" not in rules.actions_from("production", "accepted")
    assert rules.actions_from("preservation", "closed") == []


def test_clocks() -> None:
    start = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    assert rules.due_at("emergency", start) == start + dt.timedelta(hours=8)
    assert rules.preservation_days("US") == 90 and rules.preservation_days("IN") == 60
    assert rules.is_expiring(start + dt.timedelta(days=10), start)
    assert not rules.is_expiring(start + dt.timedelta(days=30), start)


def test_docs_hold_each_kinds_schema() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "assistance.md").read_text()
    for kind in rules.KINDS:
        block = text.split(f"### {kind}\n\n```json\n", 1)[1].split("\n```", 1)[0]
        assert json.loads(block) == rules.schema(kind)
