"""The chain across the border in CASE/UCO: the CBI answers the DOJ's request with a package,
and each side's case exports its provenance (sharing on one, receipt on the other, the sender's
exhibit numbers and the handling conditions carried), valid under case_validate."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from case_utils.case_validate import validate
from django.core.management import call_command

from tests.assistance.test_answer import cbi_case, executing, package  # noqa: F401 (fixtures)
from tracebridge.agencies.models import User
from tracebridge.assistance import answer
from tracebridge.assistance.models import Request
from tracebridge.cases.models import Case
from tracebridge.evidence.models import EvidenceItem

pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.* is deprecated. Use files:DeprecationWarning"),
]


def _export(reference: str, out: Path) -> dict[str, Any]:
    call_command("evidence", "provenance", reference, "--out", str(out), stdout=StringIO())
    return dict(json.loads(out.read_text()))


def _actions(graph: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [
        n
        for n in graph["@graph"]
        if n["@type"] == "investigation:InvestigativeAction" and n["core:name"] == name
    ]


def _node(graph: dict[str, Any], ref: dict[str, str]) -> dict[str, Any]:
    return next(n for n in graph["@graph"] if n["@id"] == ref["@id"])


def test_both_sides_of_an_answered_request_export_valid_case(
    executing: Request,  # noqa: F811
    package: Path,  # noqa: F811
    cbi: User,
    doj_case: Case,
    cbi_case: Case,  # noqa: F811
    tmp_path: Path,
) -> None:
    done = answer.deliver(answer.answer(executing, package, cbi))
    assert done.state == "delivered"
    received = _export(doj_case.reference, tmp_path / "doj.jsonld")
    result = validate(str(tmp_path / "doj.jsonld"), case_version="case-1.5.0")
    assert result.conforms, result.text

    sender_refs = [i.reference for i in EvidenceItem.objects.filter(case=cbi_case).order_by("id")]
    roots = {
        n.get("investigation:rootExhibitNumber")
        for n in received["@graph"]
        if n["@type"] == "investigation:ProvenanceRecord"
    }
    assert set(sender_refs) <= roots
    receipts = _actions(received, "receipt")
    assert len(receipts) == 3  # the two files and the certificate of authenticity
    assert all(executing.reference in r["core:description"] for r in receipts)
    assert {_node(received, r["action:participant"][0])["core:name"] for r in receipts} == {
        "IN-CBI"
    }
    terms = [n for n in received["@graph"] if n["@type"] == "marking:TermsOfUseMarking"]
    assert (
        len(terms) == 1
        and "no onward sharing without the consent of" in terms[0]["marking:termsOfUse"]
    )

    shared = _export(cbi_case.reference, tmp_path / "cbi.jsonld")
    sharing = _actions(shared, "sharing")
    assert len(sharing) == 1 and len(sharing[0]["action:object"]) == 2
    assert _node(shared, sharing[0]["action:participant"][0])["core:name"] == "US-DOJ-CPB"
    assert done.package_sha256 in sharing[0]["core:description"]
