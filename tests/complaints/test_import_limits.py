"""Importers of outside files refuse a record nested too deep or holding a NUL, and keep the
other rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.complaints.conftest import record
from tests.complaints.test_importers import misp_event, rejects, stix_bundle
from tracebridge.agencies.models import Agency
from tracebridge.complaints.importers import detect_format, import_file
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.schema import NUL_MESSAGE

pytestmark = pytest.mark.django_db
DEEP = "[" * 5000 + "]" * 5000


def test_stix_bundle_nested_too_deep(agencies: dict[str, Agency], tmp_path: Path) -> None:
    bundle = stix_bundle()
    report = next(o for o in bundle["objects"] if o["type"] == "report")
    deep = {**report, "id": "report--00000000-0000-4000-8000-0000000000dd", "description": "@"}
    text = json.dumps({**bundle, "objects": [*bundle["objects"], deep]})
    path = tmp_path / "deep.json"
    path.write_text(text.replace('"@"', DEEP), encoding="utf-8")
    summary = import_file(path, agencies["IN-CBI"], fmt="stix", rejects_path=tmp_path / "r.jsonl")
    assert summary.created == 1  # the good report before the deep one
    assert Complaint.objects.get().ref == "NCRP-31337"
    last = rejects(tmp_path / "r.jsonl")[-1]
    assert last["item"] == "(rest of the bundle)"
    assert last["reason"].startswith("the bundle nests deeper than the limit of 64 levels (byte ")


def test_misp_event_nested_too_deep(agencies: dict[str, Agency], tmp_path: Path) -> None:
    good = misp_event("5f0c4a5e-1111-4aaa-8bbb-000000000001")
    deep = misp_event("5f0c4a5e-1111-4aaa-8bbb-000000000002", info="@")
    path = tmp_path / "events.json"
    text = json.dumps({"response": [{"Event": good}, {"Event": deep}]})
    path.write_text(text.replace('"@"', DEEP), encoding="utf-8")
    summary = import_file(path, agencies["IN-CBI"], fmt="misp", rejects_path=tmp_path / "r.jsonl")
    assert (summary.created, summary.rejected) == (1, 1)
    reason = rejects(tmp_path / "r.jsonl")[0]["reason"]
    assert reason.startswith("the file nests deeper than the limit of 64 levels (byte ")


def test_format_detection_reads_a_deep_first_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' + "[" * 60000, encoding="utf-8")
    assert detect_format(path) == "canonical"  # then each line is refused on its own


def test_a_nul_character_rejects_its_record_alone(
    agencies: dict[str, Agency], write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    # Runs on SQLite and, with DATABASE_URL, on PostgreSQL, whose text cannot hold U+0000: there
    # the bad record used to abort the batch and lose the good rows after it.
    victim = {"name": "Asha\u0000Devi"}
    suspect = {"phones": ["+91 98123 45678", "98123\u000045679"]}
    account = {"ifsc": "SBIN0001234", "account": "1234\u00005678"}
    path = write_jsonl(
        [
            record("A"),
            record("B", narrative="Caller\u0000said"),
            record("C", victim=victim),
            record("D", suspect=suspect),
            record("E", suspect={"bank_accounts": [account]}),
            record("F"),
        ]
    )
    summary = import_file(path, agencies["IN-I4C"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.rows, summary.created, summary.rejected) == (6, 2, 4)
    assert set(Complaint.objects.values_list("ref", flat=True)) == {"A", "F"}
    assert [(r["line"], r["reason"]) for r in rejects(tmp_path / "r.jsonl")] == [
        (2, f"(record): Value error, narrative {NUL_MESSAGE}"),
        (3, f"(record): Value error, victim.name {NUL_MESSAGE}"),
        (4, f"(record): Value error, suspect.phones {NUL_MESSAGE}"),
        (5, f"(record): Value error, suspect.bank_accounts.account {NUL_MESSAGE}"),
    ]
