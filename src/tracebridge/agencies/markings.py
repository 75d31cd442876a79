"""TLP 2.0 and PAP markings: pure definitions, no Django.

TLP 2.0: https://www.first.org/tlp/ ; PAP: https://cert.ssi.gouv.fr/csirt/sharing-policy/

``effective_marking`` is the one decision on the marking of anything that comes in (STIX
bundles, MISP events, TAXII posts, canonical records, sync pulls): among all the markings an
object carries, the strictest TLP wins and, separately, the strictest PAP wins, whatever their
order. Markings it cannot read, and objects that carry more than one TLP (or PAP), are reported
in its notes so that callers audit them and show them in their summaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, NamedTuple, Self


class _Scale(StrEnum):
    """A marking scale: members listed from least to most restrictive."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept 'amber+strict', 'TLP:AMBER', 'PAP:green', 'white' (the older name for CLEAR)."""
        kind = cls.__name__
        value = text.strip().upper().removeprefix(f"{kind}:").replace(" ", "")
        try:
            return cls("CLEAR" if value == "WHITE" else value)
        except ValueError:
            names = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown {kind} marking {text!r}; expected one of {names}") from None


class TLP(_Scale):
    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"

    @property
    def leaves_agency(self) -> bool:
        """RED and AMBER+STRICT stay inside the organisation that marked them."""
        return self not in (TLP.RED, TLP.AMBER_STRICT)


class PAP(_Scale):
    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"


TLP_CHOICES = [(m.value, m.value) for m in TLP]
PAP_CHOICES = [(m.value, m.value) for m in PAP]

# STIX marking-definition ids: TLP 2.0 (OASIS extension definition, the ids this node writes)
# and TLP 1.0 (STIX 2.1 §7.2.1.4, read only).
STIX_TLP2_IDS: dict[TLP, str] = {
    TLP.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    TLP.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    TLP.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    TLP.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    TLP.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
STIX_TLP_IDS: dict[str, TLP] = {ref: tlp for tlp, ref in STIX_TLP2_IDS.items()} | {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.CLEAR,
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.RED,
}
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"


class Marking(NamedTuple):
    """The effective marking of one object: None where it carries no readable TLP (or PAP)."""

    tlp: TLP | None
    pap: PAP | None
    notes: tuple[str, ...] = ()


def _strictest(kind: str, values: Iterable[str | TLP | PAP], parse: Any, notes: list[str]) -> Any:
    found = []
    for value in values:
        try:
            found.append(parse(str(value)))
        except ValueError:
            notes.append(f"unknown {kind} marking {str(value)!r} ignored")
    if not found:
        return None
    best = max(found, key=lambda m: m.rank)
    distinct = sorted(set(found), key=lambda m: m.rank)
    if len(distinct) > 1:
        names = ", ".join(f"{kind}:{m.value}" for m in distinct)
        notes.append(
            f"conflicting {kind} markings {names}: the strictest, {kind}:{best.value}, applies"
        )
    return best


def effective_marking(tlps: Iterable[str | TLP], paps: Iterable[str | PAP] = ()) -> Marking:
    """The strictest TLP and, separately, the strictest PAP among all of an object's markings.

    Order never matters. Unreadable values are ignored and noted; more than one distinct value
    of either kind is noted as a conflict.
    """
    notes: list[str] = []
    tlp = _strictest("TLP", tlps, TLP.parse, notes)
    pap = _strictest("PAP", paps, PAP.parse, notes)
    return Marking(tlp, pap, tuple(notes))


def labels_marking(labels: Iterable[str]) -> Marking:
    """The effective marking of labels such as MISP tags or STIX definition names.

    'tlp:amber', 'TLP:RED' count as TLP, 'PAP:GREEN' as PAP; any other label is noted as an
    unknown marking (callers pass only the labels that are markings).
    """
    tlps: list[str] = []
    paps: list[str] = []
    other: list[str] = []
    for label in labels:
        text = str(label).strip()
        head = text[:4].upper()
        (tlps if head == "TLP:" else paps if head == "PAP:" else other).append(text)
    found = effective_marking(tlps, paps)
    unknown = tuple(f"unknown marking {text!r} ignored" for text in other)
    return Marking(found.tlp, found.pap, found.notes + unknown)


def stix_labels(obj: Mapping[str, Any], definitions: Mapping[str, Any]) -> list[str]:
    """Every marking label a STIX object carries: by well-known id and by its definition.

    Both object-level (``object_marking_refs``) and granular markings count: the object is as
    restricted as its most restricted part. A definition is read by name, TLP 1.0 ``tlp``,
    the TLP 2.0 extension's ``tlp_2_0`` and a ``statement`` (PAP); a reference that yields
    none of these is returned as is, which ``labels_marking`` notes as unknown.
    """
    refs = list(obj.get("object_marking_refs") or [])
    refs += [
        g.get("marking_ref") for g in obj.get("granular_markings") or [] if isinstance(g, dict)
    ]
    labels: list[str] = []
    for ref in refs:
        found = []
        if str(ref) in STIX_TLP_IDS:
            found.append(f"TLP:{STIX_TLP_IDS[str(ref)].value}")
        definition = definitions.get(str(ref))
        if isinstance(definition, Mapping):
            found += _definition_labels(definition)
        labels += found or [str(ref)]
    return labels


def _definition_labels(definition: Mapping[str, Any]) -> list[str]:
    out = []
    name = str(definition.get("name") or "")
    if name[:4].upper() in ("TLP:", "PAP:"):
        out.append(name)
    body = definition.get("definition")
    if isinstance(body, Mapping):
        if body.get("tlp"):
            out.append(f"TLP:{body['tlp']}")
        statement = str(body.get("statement") or "")
        if statement[:4].upper() == "PAP:":
            out.append(statement)
    elif isinstance(body, str) and body[:4].upper() in ("TLP:", "PAP:"):
        out.append(body)  # OpenCTI writes definition "TLP:AMBER+STRICT"
    extension = (definition.get("extensions") or {}).get(TLP_EXTENSION)
    if isinstance(extension, Mapping) and extension.get("tlp_2_0"):
        out.append(f"TLP:{extension['tlp_2_0']}")
    return out
