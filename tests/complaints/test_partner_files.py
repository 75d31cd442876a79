"""Files partners' software really writes (tests/corpus, sources in its README), imported with
every count asserted: rows, complaints, identifiers kept, and what was skipped and why.

The expected numbers were read off the files themselves (each event's attributes, each
report's object_refs), not copied from an import's output.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tracebridge.agencies.models import Agency
from tracebridge.complaints.importers import detect_format, import_file
from tracebridge.complaints.models import Complaint

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent.parent / "corpus"
NOT_READ = "not a kind of selector this node reads"
UNREFERENCED = "not referred to by any report or grouping"
NOTHING = "its pattern names nothing this node reads"

# file: (format, rows, complaints, identifiers kept per suspect list, skipped by (kind, reason))
EXPECTED: dict[str, tuple[str, int, int, dict[str, int], dict[tuple[str, str], int]]] = {
    # misp-stix: MISP events (an AS; a domain; a domain|ip; a filename) and their STIX 2.1
    "misp-stix/test_events_collection_1.json": ("misp", 2, 2, {"urls": 1}, {("AS", NOT_READ): 1}),
    "misp-stix/test_events_collection_2.json": (
        "misp", 2, 2, {"urls": 2}, {("filename", NOT_READ): 1},
    ),
    "misp-stix/test_event1_stix21.json": (
        "stix", 2, 2, {"urls": 1}, {("autonomous-system", NOT_READ): 1},
    ),
    "misp-stix/test_event2_stix21.json": (
        "stix", 2, 2, {"urls": 2}, {("file", NOT_READ): 1, ("indicator", NOTHING): 1},
    ),
    "misp-stix/test_events_collection_stix21.json": (
        "stix", 4, 4, {"urls": 3},
        {("autonomous-system", NOT_READ): 1, ("file", NOT_READ): 1, ("indicator", NOTHING): 1},
    ),
    # an attribute search and an object search: MISP JSON, but no event in them
    "misp-stix/test_attributes_collection_1.json": (
        "misp", 0, 0, {},
        {("(whole file)", "no MISP event at response.item (expected Event objects)"): 1},
    ),
    "misp-stix/test_objects_collection_1.json": (
        "misp", 0, 0, {},
        {("Object", "not a MISP event (an event has info, date, Attribute or Object)"): 2},
    ),
    # STIX with no report or grouping: 3 indicators, 2 domains, an AS, an IP, a file
    "misp-stix/test_attributes_collection_stix21.json": (
        "stix", 0, 0, {},
        {("indicator", UNREFERENCED): 3, ("domain-name", UNREFERENCED): 2,
         ("autonomous-system", UNREFERENCED): 1, ("ipv4-addr", UNREFERENCED): 1,
         ("file", UNREFERENCED): 1},
    ),
    "misp-stix/test_objects_collection_stix21.json": (
        "stix", 0, 0, {},
        {("indicator", UNREFERENCED): 3, ("email-addr", UNREFERENCED): 2,
         ("email-message", UNREFERENCED): 1, ("file", UNREFERENCED): 1,
         ("directory", UNREFERENCED): 1, ("ipv4-addr", UNREFERENCED): 1,
         ("domain-name", UNREFERENCED): 1, ("user-account", UNREFERENCED): 1},
    ),
    # PyMISP: bare events (no {"Event": …}), some with neither uuid nor date
    "pymisp/misp_event.json": ("misp", 1, 1, {"urls": 1}, {}),
    "pymisp/new_misp_event.json": ("misp", 1, 1, {}, {}),
    "pymisp/event.json": ("misp", 1, 1, {}, {}),
    "pymisp/attribute.json": ("misp", 1, 1, {}, {("filename", NOT_READ): 1}),
    "pymisp/def_param.json": ("misp", 1, 1, {"urls": 3}, {("whois/registrar", NOT_READ): 1}),
    "pymisp/event_obj_attr_tag.json": (
        "misp", 1, 1, {"urls": 1}, {("file/filename", NOT_READ): 1},
    ),
    "pymisp/misp_custom_obj.json": ("misp", 1, 1, {}, {}),
    "pymisp/57c4445b-c548-4654-af0b-4be3950d210f.json": (
        "misp", 1, 1, {"urls": 2},
        {("filename", NOT_READ): 1, ("md5", NOT_READ): 1, ("sha1", NOT_READ): 1,
         ("sha256", NOT_READ): 1, ("regkey|value", NOT_READ): 1},
    ),
    # OASIS examples: threat reports, and bundles without any report
    "oasis/apt1.json": (
        "stix", 1, 1, {"urls": 3},
        {("tool", NOT_READ): 10, ("attack-pattern", NOT_READ): 7, ("malware", NOT_READ): 6,
         ("indicator", NOTHING): 5, ("threat-actor", NOT_READ): 5,
         ("identity", "a person may be the victim: not read"): 4,
         ("indicator", "not one IP address (a range or a name)"): 4,
         ("intrusion-set", NOT_READ): 1},
    ),
    "oasis/poisonivy.json": (
        "stix", 1, 1, {"urls": 43},
        {("malware", NOT_READ): 24, ("vulnerability", NOT_READ): 6, ("campaign", NOT_READ): 3,
         ("attack-pattern", NOT_READ): 3, ("indicator", NOTHING): 2,
         ("course-of-action", NOT_READ): 1, ("malware", UNREFERENCED): 1},
    ),
    "oasis/indicator-for-c2-ip-address.json": (
        "stix", 0, 0, {}, {("indicator", UNREFERENCED): 1},
    ),
    "oasis/indicators-for-C2-with-COA.json": (
        "stix", 0, 0, {},
        {("indicator", UNREFERENCED): 2, ("malware", UNREFERENCED): 1,
         ("course-of-action", UNREFERENCED): 1},
    ),
    "oasis/malicious-email-indicator-with-attachment.json": (
        "stix", 0, 0, {}, {("indicator", UNREFERENCED): 2, ("attack-pattern", UNREFERENCED): 1},
    ),
    "oasis/infrastructure.json": (
        "stix", 0, 0, {},
        {("infrastructure", UNREFERENCED): 2, ("malware", UNREFERENCED): 2,
         ("ipv4-addr", UNREFERENCED): 1, ("domain-name", UNREFERENCED): 1},
    ),
}  # fmt: skip


def _kept(complaints: Any) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for suspect in complaints.values_list("suspect", flat=True):
        counts.update({name: len(values) for name, values in suspect.items()})
    return dict(counts)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_imports_with_exact_counts(
    name: str, agencies: dict[str, Agency], tmp_path: Path
) -> None:
    fmt, rows, created, kept, skipped = EXPECTED[name]
    path = CORPUS / name
    assert detect_format(path) == fmt
    summary = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.rows, summary.created, summary.rejected) == (rows, created, 0)
    assert _kept(Complaint.objects.all()) == kept
    assert dict(summary.skipped) == skipped
    again = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r2.jsonl")
    assert again.created == 0


def test_every_corpus_file_is_named_in_the_readme_and_tested() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    files = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.json"))
    assert files == sorted(EXPECTED)
    assert [f for f in files if f"`{f}`" not in readme] == []
    assert sum(p.stat().st_size for p in CORPUS.rglob("*")) < 2_000_000


def test_misp_stix_sightings_by_kind(agencies: dict[str, Agency], tmp_path: Path) -> None:
    """What the misp-stix and PyMISP files name becomes sightings, IPs included."""
    import_file(CORPUS / "misp-stix/test_events_collection_2.json", agencies["IN-CBI"])
    keys = set(
        Complaint.objects.get(ref__startswith="50bf87fc").sightings.values_list("key", flat=True)
    )
    assert keys == {"url:https://circl.lu/", "domain:circl.lu", "url:https://149.13.33.14/"}
    import_file(CORPUS / "misp-stix/test_event2_stix21.json", agencies["IN-CBI"])
    report = Complaint.objects.get(ref="grouping--50bf87fc-d134-499f-9e26-806cbe89ed37")
    assert set(report.sightings.values_list("key", flat=True)) == keys
