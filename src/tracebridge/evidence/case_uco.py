"""An evidence package's provenance as CASE 1.5 / UCO 1.4 JSON-LD. Pure: no Django.

CASE (https://caseontology.org) is the interchange format forensic tools (Autopsy and others)
read. The graph holds, for one case:

- the investigation (``investigation:Investigation``) with the legal authorities the items were
  collected under (``investigation:Authorization``);
- each evidence file as ``observable:File`` with a ``FileFacet`` (name, size, path in the
  package) and a ``ContentDataFacet`` whose ``types:Hash`` is its SHA-256;
- one ``investigation:ProvenanceRecord`` per item (its exhibit number is the item's reference;
  for evidence received from a partner, the root exhibit number is the sender's reference);
- investigative actions: the collection of each item, then one per custody event of the ledger
  (export, sharing, receipt, viewing, sealing, consent), each with its performer
  (``identity:Person`` for a user, ``identity:Organization`` for an agency), the tool
  (TraceBridge) and, in its description, the ledger leaf that commits to it;
- for a package: the package itself as a file with its SHA-256, the export that made it and
  the offline verification it passed.

Every node's IRI ends with a UUID (UCO's advice) derived from the origin and what it names, so
exporting the same package twice gives the same graph. The JSON-LD context is inline: reading
the file needs nothing from the network.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CASE_VERSION = "1.5.0"
BASE = "https://tracebridge.example/kb/"
NAMESPACE = uuid.UUID("6f1c1b0e-4a52-5d5e-9a55-2f6f8d1c7a10")
CONTEXT = {
    "kb": BASE,
    "action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "investigation": "https://ontology.caseontology.org/case/investigation/",
    "location": "https://ontology.unifiedcyberontology.org/uco/location/",
    "marking": "https://ontology.unifiedcyberontology.org/uco/marking/",
    "observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# custody events of the ledger (evidence.models.CustodyAction) as investigative actions
ACTION_NAMES = {
    "collected": "collection",
    "viewed": "viewing",
    "exported": "export",
    "shared": "sharing",
    "received": "receipt",
    "sealed": "sealing",
    "consent": "consent to onward sharing",
}


class CaseUcoError(ValueError):
    """The input cannot be described (a record without what the graph needs)."""


@dataclass(frozen=True)
class PackageFacts:
    """The package file itself and the offline verification it passed."""

    name: str
    sha256: str
    size: int
    checkpoint: str  # "<origin> size N"
    checks: int
    verified_at: str


@dataclass(frozen=True)
class Provenance:
    """What the graph is built from: a package's manifest (or the same shape read from a
    node's database), its export record and, for a package, the package facts."""

    origin: str
    case: dict[str, Any]
    items: list[dict[str, Any]]  # {"path", "leaf_index", "record"}
    custody: list[dict[str, Any]]  # {"leaf_index", "record"}
    export: dict[str, Any] | None = None  # {"leaf_index", "record"}
    package: PackageFacts | None = None
    tool_version: str = ""
    exported_by: str = ""


def _literal(kind: str, value: Any) -> dict[str, Any]:
    return {"@type": f"xsd:{kind}", "@value": value}


def _ref(node: dict[str, Any]) -> dict[str, str]:
    return {"@id": node["@id"]}


@dataclass
class _Graph:
    origin: str
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def node(self, kind: str, key: str, type_: str, **props: Any) -> dict[str, Any]:
        """The node of ``type_`` for ``key`` (created once; later calls return it)."""
        name = uuid.uuid5(NAMESPACE, f"{self.origin}\n{kind}\n{key}")
        iri = f"kb:{kind}-{name}"
        if iri not in self.nodes:
            clean = {k: v for k, v in props.items() if v not in (None, "", [])}
            self.nodes[iri] = {"@id": iri, "@type": type_, **clean}
        return self.nodes[iri]

    def organization(self, code: str) -> dict[str, Any]:
        return self.node("organization", code, "identity:Organization", **{"core:name": code})

    def identity(self, name: str, agency: str) -> dict[str, Any]:
        """A user of this or a partner node (``username``), named with the agency."""
        if not name:
            return self.organization(agency)
        label = f"{name} ({agency})" if agency else name
        return self.node("person", f"{agency}/{name}", "identity:Person", **{"core:name": label})

    def collector(self, name: str) -> dict[str, Any]:
        """Who collected an item, as written on it (a person, a carrier, a bank)."""
        return self.node("identity", name, "identity:Identity", **{"core:name": name})

    def hash_of(self, sha256: str) -> dict[str, Any]:
        return self.node(
            "hash",
            sha256,
            "types:Hash",
            **{"types:hashMethod": "SHA256", "types:hashValue": _literal("hexBinary", sha256)},
        )

    def file(
        self, key: str, name: str, sha256: str, size: int, path: str = "", mime: str = ""
    ) -> dict[str, Any]:
        """An ``observable:File`` with its name, size, path and SHA-256."""
        facets = [
            self.node(
                "file-facet",
                key,
                "observable:FileFacet",
                **{
                    "observable:fileName": name,
                    "observable:filePath": path,
                    "observable:sizeInBytes": _literal("integer", size),
                },
            ),
            self.node(
                "content-data-facet",
                key,
                "observable:ContentDataFacet",
                **{
                    "observable:mimeType": mime,
                    "observable:sizeInBytes": _literal("integer", size),
                    "observable:hash": [_ref(self.hash_of(sha256))],
                },
            ),
        ]
        return self.node(
            "file", key, "observable:File", **{"core:hasFacet": [_ref(f) for f in facets]}
        )


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CaseUcoError(f"{what} must be a whole number of bytes, got {value!r}")
    return value


def _sha(value: Any, what: str) -> str:
    text = str(value or "")
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise CaseUcoError(f"{what} has no SHA-256 (64 lowercase hex digits): {value!r}")
    return text


def _time(value: Any) -> dict[str, Any] | None:
    return _literal("dateTime", str(value)) if value else None


def build(source: Provenance) -> dict[str, Any]:
    """The JSON-LD document (a dict ready for ``json.dumps``)."""
    g = _Graph(source.origin)
    tool = g.node(
        "tool",
        "tracebridge",
        "tool:Tool",
        **{
            "core:name": "TraceBridge",
            "tool:version": source.tool_version,
            "tool:toolType": "evidence ledger and cross-border exchange",
            "core:description": f"the node whose evidence ledger is {source.origin}",
        },
    )
    case_ref = str(source.case.get("reference") or "")
    if not case_ref:
        raise CaseUcoError("the manifest names no case reference")
    owner = g.organization(str(source.case.get("agency") or ""))
    files, provenance, collections = _items(g, source, tool, owner)
    actions = list(collections.values())
    for entry in source.custody:
        if not _merge_collected(g, entry, collections):
            actions.append(_custody_action(g, entry, tool, files, provenance, collections))
    if source.export is not None:
        actions += _package_actions(g, source, tool, files)
    authorizations = [n for n in g.nodes.values() if n["@type"] == "investigation:Authorization"]
    g.node(
        "investigation",
        case_ref,
        "investigation:Investigation",
        **{
            "core:name": case_ref,
            "core:description": source.case.get("title"),
            "investigation:investigationForm": "case",
            "investigation:focus": "cross-border fraud",
            "core:createdBy": _ref(owner),
            "investigation:relevantAuthorization": [_ref(a) for a in authorizations],
            "core:object": [_ref(n) for n in [*actions, *provenance.values()]],
        },
    )
    return {"@context": CONTEXT, "@graph": list(g.nodes.values())}


def _items(
    g: _Graph, source: Provenance, tool: dict[str, Any], owner: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Each item's file, provenance record and collection action, by item reference."""
    files, provenance, collections = {}, {}, {}
    received = {
        str(c["record"].get("item")): c["record"]
        for c in source.custody
        if c.get("record", {}).get("event") == "received"
    }
    for entry in source.items:
        record = entry.get("record") or {}
        ref = str(record.get("item") or "")
        if not ref:
            raise CaseUcoError(
                f"an item of the manifest (leaf {entry.get('leaf_index')}) has no reference"
            )
        sha = _sha(record.get("sha256"), ref)
        files[ref] = g.file(
            ref,
            str(record.get("filename") or ""),
            sha,
            _int(record.get("size"), f"{ref}'s size"),
            str(entry.get("path") or ""),
            str(record.get("media_type") or ""),
        )
        sender = received.get(ref, {})
        provenance[ref] = g.node(
            "provenance-record",
            ref,
            "investigation:ProvenanceRecord",
            **{
                "investigation:exhibitNumber": ref,
                "investigation:rootExhibitNumber": sender.get("sender_item"),
                "core:description": f"{record.get('description') or record.get('filename')}; "
                f"ledger leaf {entry.get('leaf_index')} of {source.origin}",
                "core:object": [_ref(files[ref])],
            },
        )
        conditions = record.get("conditions")
        if isinstance(conditions, dict) and conditions:
            marking = [_ref(_terms_of_use(g, conditions))]
            files[ref]["core:objectMarking"] = provenance[ref]["core:objectMarking"] = marking
        collections[ref] = _collection(g, record, tool, owner, files[ref], provenance[ref])
    return files, provenance, collections


def _terms_of_use(g: _Graph, conditions: dict[str, Any]) -> dict[str, Any]:
    """The handling conditions evidence was received under (limits on use, onward sharing),
    as a UCO terms-of-use marking on its file and provenance record."""
    provider = conditions.get("provider") or "the providing state"
    onward = (
        f"no onward sharing without the consent of {provider}"
        if conditions.get("onward_sharing") == "consent_required"
        else "onward sharing allowed"
    )
    request = f" (request {conditions['request']})" if conditions.get("request") else ""
    text = f"{conditions.get('use') or 'Limits on use as the request states'}; {onward}{request}"
    model = g.node(
        "terms-of-use",
        text,
        "marking:TermsOfUseMarking",
        **{"marking:definitionType": "terms-of-use", "marking:termsOfUse": text},
    )
    return g.node(
        "marking",
        text,
        "marking:MarkingDefinition",
        **{"marking:definitionType": "terms-of-use", "marking:definition": [_ref(model)]},
    )


def _collection(
    g: _Graph,
    record: dict[str, Any],
    tool: dict[str, Any],
    owner: dict[str, Any],
    file: dict[str, Any],
    provenance: dict[str, Any],
) -> dict[str, Any]:
    ref = str(record["item"])
    collector = str(record.get("collected_by") or "")
    authority = str(record.get("legal_authority") or "")
    if authority:
        g.node(
            "authorization",
            authority,
            "investigation:Authorization",
            **{
                "investigation:authorizationType": "legal authority",
                "investigation:authorizationIdentifier": authority,
            },
        )
    place = str(record.get("place") or "")
    location = (
        g.node("location", place, "location:Location", **{"core:name": place}) if place else None
    )
    device = str(record.get("device") or "")
    source_device = (
        g.node("device", device, "observable:Device", **{"core:description": device})
        if device
        else None
    )
    notes = [
        f"collected under {authority}" if authority else "",
        f"recorded by {record.get('recorded_by')}" if record.get("recorded_by") else "",
    ]
    return g.node(
        "investigative-action",
        f"collection/{ref}",
        "investigation:InvestigativeAction",
        **{
            "core:name": "collection",
            "core:description": "; ".join(n for n in [f"collection of {ref}", *notes] if n),
            "action:startTime": _time(record.get("collected_at")),
            "action:performer": _ref(g.collector(collector) if collector else owner),
            "action:instrument": [_ref(tool)],
            "action:location": [_ref(location)] if location else [],
            "action:object": [_ref(source_device)] if source_device else [],
            "action:result": [_ref(file), _ref(provenance)],
            "action:actionStatus": "Success",
        },
    )


def _merge_collected(
    g: _Graph, entry: dict[str, Any], collections: dict[str, dict[str, Any]]
) -> bool:
    """A *collected* custody event is the item's entry into the ledger: it joins the item's
    collection action (who entered it, which leaf) instead of making an action of its own."""
    record = entry.get("record") or {}
    action = collections.get(str(record.get("item")))
    if record.get("event") != "collected" or action is None:
        return False
    action["core:description"] += (
        f"; entered into the ledger at {record.get('at')} (leaf {entry.get('leaf_index')})"
    )
    action["action:participant"] = [_ref(_performer(g, record))]
    return True


def _performer(g: _Graph, record: dict[str, Any]) -> dict[str, Any]:
    return g.identity(str(record.get("by") or ""), str(record.get("agency") or ""))


def _covered(record: dict[str, Any], files: dict[str, dict[str, Any]]) -> list[str]:
    named = record.get("items")
    listed = named if isinstance(named, list) else [record.get("item")]
    return [str(i) for i in listed if str(i) in files]


def _custody_action(
    g: _Graph,
    entry: dict[str, Any],
    tool: dict[str, Any],
    files: dict[str, dict[str, Any]],
    provenance: dict[str, dict[str, Any]],
    collections: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    record = entry.get("record") or {}
    event = str(record.get("event") or "")
    leaf = entry.get("leaf_index")
    covered = _covered(record, files)
    other = str(record.get("from") or record.get("to") or "")
    return g.node(
        "investigative-action",
        f"custody/{leaf}",
        "investigation:InvestigativeAction",
        **{
            "core:name": ACTION_NAMES.get(event, event or "custody"),
            "core:description": _custody_description(record, leaf, g.origin),
            "action:startTime": _time(record.get("at")),
            "action:performer": _ref(_performer(g, record)),
            "action:participant": [_ref(g.organization(other))] if other else [],
            "action:instrument": [_ref(tool)],
            "action:object": [_ref(files[i]) for i in covered],
            "action:result": [_ref(provenance[i]) for i in covered],
            "investigation:wasInformedBy": [_ref(collections[i]) for i in covered],
            "action:actionStatus": "Success",
        },
    )


def _custody_description(record: dict[str, Any], leaf: Any, origin: str) -> str:
    parts = [f"custody event '{record.get('event')}', ledger leaf {leaf} of {origin}"]
    for key, label in (
        ("request", "request"),
        ("from", "from"),
        ("to", "to"),
        ("package_sha256", "package SHA-256"),
        ("sender_item", "sender's item"),
        ("sender_leaf", "sender's ledger leaf"),
        ("manifest_sha256", "manifest SHA-256"),
        ("granted_by", "consent given by"),
        ("scope", "scope"),
    ):
        if record.get(key) not in (None, ""):
            parts.append(f"{label} {record[key]}")
    checkpoint = record.get("sender_checkpoint") or record.get("checkpoint")
    if isinstance(checkpoint, dict) and checkpoint.get("size") is not None:
        parts.append(f"checkpoint size {checkpoint.get('size')}")
    return "; ".join(parts)


def _package_actions(
    g: _Graph, source: Provenance, tool: dict[str, Any], files: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The export that made the package and, for a package file, its verification."""
    assert source.export is not None
    record = source.export.get("record") or {}
    leaf = source.export.get("leaf_index")
    results: list[dict[str, Any]] = []
    package = source.package
    if package is not None:
        package_file = g.file(
            "package",
            package.name,
            _sha(package.sha256, "the package"),
            package.size,
            mime="application/zip",
        )
        results = [
            package_file,
            g.node(
                "provenance-record",
                "package",
                "investigation:ProvenanceRecord",
                **{
                    "investigation:exhibitNumber": package.name,
                    "core:description": f"evidence package of {source.case.get('reference')}, "
                    f"manifest SHA-256 {record.get('manifest_sha256')}, {package.checkpoint}",
                    "core:object": [_ref(package_file), *(_ref(f) for f in files.values())],
                },
            ),
        ]
    export = g.node(
        "investigative-action",
        f"custody/{leaf}",
        "investigation:InvestigativeAction",
        **{
            "core:name": "export",
            "core:description": _custody_description(record, leaf, g.origin),
            "action:startTime": _time(record.get("at")),
            "action:performer": _ref(_performer(g, record)),
            "action:instrument": [_ref(tool)],
            "action:object": [_ref(f) for f in files.values()],
            "action:result": [_ref(r) for r in results],
            "action:actionStatus": "Success",
        },
    )
    if package is None:
        return [export]
    verifier = g.node(
        "tool",
        "verifier",
        "tool:Tool",
        **{
            "core:name": "tracebridge.evidence.verifier",
            "tool:version": source.tool_version,
            "tool:toolType": "offline evidence package verifier",
        },
    )
    verification = g.node(
        "investigative-action",
        f"verification/{package.sha256}",
        "investigation:InvestigativeAction",
        **{
            "core:name": "verification",
            "core:description": f"{package.checks} checks passed: every file's SHA-256, the "
            f"inclusion proofs and the signature of {package.checkpoint}",
            "action:startTime": _time(package.verified_at),
            "action:performer": _ref(
                g.identity(source.exported_by, str(source.case.get("agency") or ""))
            )
            if source.exported_by
            else [],
            "action:instrument": [_ref(verifier)],
            "action:object": [_ref(results[0])],
            "investigation:wasInformedBy": [_ref(export)],
            "action:actionStatus": "Success",
        },
    )
    return [export, verification]


def files_of(graph: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """The graph's ``observable:File`` nodes (for tests and summaries)."""
    return (n for n in graph["@graph"] if n.get("@type") == "observable:File")
