"""A DOJ-CPB case and users on both sides of a request."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tracebridge.agencies.models import User
from tracebridge.assistance import services
from tracebridge.assistance.models import Request
from tracebridge.cases.models import Case
from tracebridge.cases.services import create_case

PRESERVATION: dict[str, Any] = {
    "requesting_authority": "DOJ Consumer Protection Branch, Trial Attorney",
    "offence": "Wire fraud, 18 U.S.C. 1343",
    "summary_of_facts": "Older adults called by a fake tech-support centre.",
    "stored_data": "Subscriber and call records of +913340001234",
    "relation_to_offence": "The number called the victims.",
    "custodian": "The carrier of +913340001234 in Kolkata",
    "necessity": "Call records are deleted after six months.",
    "follow_up": "mla",
}
PRODUCTION: dict[str, Any] = {
    "requesting_authority": "DOJ Consumer Protection Branch",
    "offence": "Wire fraud",
    "identifiers": [
        {
            "value": "+913340001234",
            "from": "2026-01-01T00:00:00",
            "to": "2026-02-01T00:00:00",
            "zone": "Asia/Kolkata",
        }
    ],
    "data_categories": ["subscriber", "call_records"],
}


@pytest.fixture
def fields() -> Callable[[str], dict[str, Any]]:
    return lambda kind: copy.deepcopy(
        {"preservation": PRESERVATION, "production": PRODUCTION}[kind]
    )


@pytest.fixture
def doj(make_user: Callable[..., User]) -> User:
    return make_user("analyst", "US-DOJ-CPB", "doj.analyst")


@pytest.fixture
def doj_chief(make_user: Callable[..., User]) -> User:
    return make_user("supervisor", "US-DOJ-CPB", "doj.chief")


@pytest.fixture
def cbi(make_user: Callable[..., User]) -> User:
    return make_user("analyst", "IN-CBI", "cbi.officer")


@pytest.fixture
def doj_case(doj: User) -> Case:
    return create_case("US-DOJ-CPB", "Call centre", by=doj, lead=doj)


@pytest.fixture
def made(
    doj: User, doj_case: Case, fields: Callable[[str], dict[str, Any]]
) -> Callable[..., Request]:
    """A complete request of ``kind`` from the DOJ to the CBI, waiting for a supervisor."""
    return lambda kind="preservation": services.create(
        doj.agency, "IN-CBI", kind, doj_case.reference, fields(kind), doj
    )


@pytest.fixture
def sent(made: Callable[..., Request], doj_chief: User) -> Callable[..., Request]:
    """The same request approved by the DOJ's supervisor: ``sent``."""
    return lambda kind="preservation": services.act(made(kind), "approve", doj_chief)
