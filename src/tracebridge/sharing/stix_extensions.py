"""TraceBridge's own STIX properties and observable types as STIX 2.1 extensions (§7.3).

Extension definitions travel in every bundle: one ``property-extension`` that carries our
properties (an incident's canonical complaint, an agency identity's code and country, an
observable's identifier key) under ``extensions`` instead of ``x_tracebridge_*`` properties, and
one ``new-sco`` for each observable type OpenCTI uses and STIX does not define (one each, as a
consumer such as python-stix2 registers one type per definition). With them a bundle passes
stix2-validator in strict mode, and ``stix2.parse(allow_custom=False)`` once the consumer has
registered those four types.

Bundles written before these extensions put the same values in ``x_tracebridge_<name>``;
``tb_property`` reads either form, so partners' older bundles still import. Pure: no Django.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

StixObject = dict[str, Any]

PROPERTIES = "extension-definition--8a3f5e0c-4b1d-4c3e-9f6a-2d7b1c9e5a41"
CREATOR = "identity--0b9c7d2e-5a4f-4e1b-8c3d-6f2a9e7b1d05"  # TraceBridge, the software
EPOCH = "2026-12-01T00:00:00.000Z"
# Observable types as OpenCTI defines them (pycti's CustomObservable classes in
# OpenCTI-Platform/client-python, pycti/utils/constants.py): type -> its properties.
NEW_SCO_SHAPES = {
    "phone-number": "value",
    "bank-account": "value; iban for an IBAN, else account_number (country:bank:account)",
    "payment-card": "card_number (masked: first six and last four digits)",
    "cryptocurrency-wallet": "value",
}
NEW_SCO_TYPES = frozenset(NEW_SCO_SHAPES)
SCHEMA = (
    "TraceBridge properties, all optional: on an incident, 'complaint' (the redacted canonical "
    "complaint record, docs/complaints.md); on an agency's identity, 'agency' (its code) and "
    "'country' (ISO 3166 alpha-2); on an observable, 'key' (the canonical identifier key, "
    "docs/identifiers.md)."
)


def new_sco(stix_type: str) -> str:
    """The id of the extension definition that declares one of OpenCTI's observable types:
    a fixed UUIDv4-form id derived from the type (``uuid5`` bits, version 4)."""
    digest = uuid.uuid5(uuid.UUID(PROPERTIES.partition("--")[2]), stix_type).bytes
    return f"extension-definition--{uuid.UUID(bytes=digest, version=4)}"


def _definition(ext_id: str, name: str, schema: str, kind: str, what: str) -> StixObject:
    return {"type": "extension-definition", "spec_version": "2.1", "id": ext_id,
            "created": EPOCH, "modified": EPOCH, "created_by_ref": CREATOR, "name": name,
            "description": what, "schema": schema, "version": "1.0",
            "extension_types": [kind]}  # fmt: skip


def _marked(obj: StixObject, marking: str) -> StixObject:
    return {**obj, "object_marking_refs": [marking]}


def definitions(clear: str) -> list[StixObject]:
    """The extension definitions and the identity that created them, marked ``clear``."""
    creator = {"type": "identity", "spec_version": "2.1", "id": CREATOR, "created": EPOCH,
               "modified": EPOCH, "name": "TraceBridge", "identity_class": "system",
               "object_marking_refs": [clear]}  # fmt: skip
    out = [_definition(PROPERTIES, "TraceBridge properties", SCHEMA,
                       "property-extension", "What a TraceBridge node adds")]  # fmt: skip
    for stix_type, shape in sorted(NEW_SCO_SHAPES.items()):
        out.append(_definition(new_sco(stix_type), stix_type, f"{stix_type}: {shape}",
                               "new-sco", f"OpenCTI's {stix_type} observable"))  # fmt: skip
    return [creator, *(_marked(d, clear) for d in out)]


def with_properties(obj: StixObject, **values: Any) -> StixObject:
    """Put our properties on ``obj`` under the property extension (and declare a new SCO type)."""
    extensions = dict(obj.get("extensions") or {})
    if obj["type"] in NEW_SCO_TYPES:
        extensions[new_sco(obj["type"])] = {"extension_type": "new-sco"}
    extensions[PROPERTIES] = {"extension_type": "property-extension", **values}
    obj["extensions"] = extensions
    return obj


def tb_property(obj: Mapping[str, Any], name: str) -> Any:
    """One of our properties, from the extension or from the older ``x_tracebridge_<name>``."""
    extension = (obj.get("extensions") or {}).get(PROPERTIES)
    if isinstance(extension, Mapping) and name in extension:
        return extension[name]
    return obj.get(f"x_tracebridge_{name}")
