"""Evidence fixtures: node keys in the test's TRACEBRIDGE_HOME and a case with evidence."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tracebridge.agencies.models import User
from tracebridge.cases.models import Case
from tracebridge.cases.services import create_case
from tracebridge.evidence import keys
from tracebridge.evidence.models import EvidenceItem
from tracebridge.evidence.services import add_evidence

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(2000)
CSV = b"call_id,start_time\n1,2026-11-01T10:00:00Z\n"


@pytest.fixture
def node_keys(_home: Any) -> None:
    keys.init_keys()


@pytest.fixture
def case(analyst: User, node_keys: None) -> Case:
    return create_case("US-FBI", "Digital arrest ring", by=analyst, lead=analyst)


@pytest.fixture
def items(case: Case, analyst: User) -> list[EvidenceItem]:
    return [
        add_evidence(
            case,
            io.BytesIO(WAV),
            "call recording.wav",
            by=analyst,
            device="Samsung A52, IMEI 356789104567891",
            place="New Delhi",
            legal_authority="Order u/s 94 BNSS",
        ),
        add_evidence(case, io.BytesIO(CSV), "cdr.csv", by=analyst, collected_by="Carrier X"),
    ]
