"""MISP attributes and objects -> suspect selectors, with what was skipped and why.

Shared by the MISP reader and the STIX reader: misp-stix exports what STIX has no object for
(phone numbers, bank accounts, most wallets, UPI IDs) as ``x-misp-attribute`` and
``x-misp-object``, which carry the same MISP attributes. Skips name the attribute's type (in an
object: ``object/relation``) and its uuid, never its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tracebridge.complaints.importers.collect import Collected

# MISP attribute type (or object relation) -> canonical suspect list
FIELDS = {
    "phone-number": "phones",
    "whois-registrant-phone": "phones",
    "email": "emails",
    "email-src": "emails",
    "email-dst": "emails",
    "whois-registrant-email": "emails",
    "url": "urls",
    "link": "urls",
    "domain": "urls",
    "hostname": "urls",
    "ip-src": "ip",  # sighted as its web address (collect.Collected.add)
    "ip-dst": "ip",
    "btc": "crypto_wallets",
    "xmr": "crypto_wallets",
    "dash": "crypto_wallets",
    "address": "crypto_wallets",  # coin-address object
    "address-crypto": "crypto_wallets",
    "iban": "iban",
    "bank-account-nr": "account",
    "account-nr": "account",
}
SPLIT = {"domain|ip": ("urls", "ip")}  # composite types: each part is a selector of its own
CHAINS = ("xmr", "dash")  # types that name their chain (btc is told apart by its shape)
NOTES = ("text", "comment")
NOT_READ = "not a kind of selector this node reads"
VICTIM = "may describe the victim: person objects are not read"
BANK_DETAIL = "bank-account detail this node does not keep (it keeps account, IBAN, routing, IFSC)"
IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")


def _text(attr: dict[str, Any], key: str) -> str:
    return str(attr.get(key) or "").strip()


def read_attribute(found: Collected, attr: Any, label: str = "") -> None:
    """One MISP attribute: a selector, a note for the narrative, or a skip."""
    if not isinstance(attr, dict):
        found.skip(label or "attribute", "not a JSON object")
        return
    kind, value, item = _text(attr, "type"), _text(attr, "value"), _text(attr, "uuid")
    label = label or kind or "attribute"
    target = FIELDS.get(kind) or FIELDS.get(_text(attr, "object_relation"))
    if not value:
        found.skip(label, "no value", item)
    elif kind in SPLIT:
        for target_of_part, part in zip(SPLIT[kind], value.split("|", 1), strict=False):
            found.add(target_of_part, part, label, item)
    elif target:
        found.add(target, f"{kind}:{value}" if kind in CHAINS else value, label, item)
    elif kind in NOTES and "upi" in _text(attr, "comment").lower():
        found.add("upi_ids", value, label, item)
    elif kind in NOTES:
        if value not in found.notes:
            found.notes.append(value)
    else:
        found.skip(label, NOT_READ, item)


def read_object(found: Collected, name: str, attributes: Any, item: str = "") -> None:
    """One MISP object (or misp-stix ``x-misp-object``) by its template name."""
    attrs = [a for a in attributes if isinstance(a, dict)] if isinstance(attributes, list) else []
    if name == "person":
        found.skip(f"object {name}", VICTIM, item)
    elif name == "bank-account":
        _bank_account(found, attrs, item)
    elif name == "coin-address":
        _coin_address(found, attrs, item)
    else:
        for attr in attrs:
            read_attribute(found, attr, _label(name, attr))


def _label(name: str, attr: dict[str, Any]) -> str:
    return f"{name}/{_text(attr, 'object_relation') or _text(attr, 'type')}"


def _by_relation(
    found: Collected, name: str, attrs: Iterable[dict[str, Any]], item: str
) -> dict[str, dict[str, Any]]:
    """The object's attributes by relation; a relation given twice is read once, and said."""
    out: dict[str, dict[str, Any]] = {}
    for attr in attrs:
        relation = _text(attr, "object_relation")
        if relation in out:
            found.skip(f"{name}/{relation}", "a second value for one relation", item)
        out.setdefault(relation, attr)
    return out


def _bank_account(found: Collected, attrs: list[dict[str, Any]], item: str) -> None:
    """An account number with its routing number or IFSC is one bank account; an IBAN another."""
    parts = _by_relation(found, "bank-account", attrs, item)
    used = {"account", "iban"}
    if "iban" in parts:
        found.add("iban", _text(parts["iban"], "value"), "bank-account/iban", item)
    if "account" in parts:
        account = {"account": _text(parts["account"], "value")}
        routing = _text(parts.get("aba-rtn", {}), "value")
        branch = _text(parts.get("branch", {}), "value").upper()
        if routing:
            account["routing"], used = routing, used | {"aba-rtn"}
        elif IFSC.match(branch):
            account["ifsc"], used = branch, used | {"branch"}
        found.add("bank_accounts", account, "bank-account/account", item)
    for relation, attr in parts.items():
        if relation not in used:
            found.skip(f"bank-account/{relation or _text(attr, 'type')}", BANK_DETAIL, item)


def _coin_address(found: Collected, attrs: list[dict[str, Any]], item: str) -> None:
    """The address, on the chain its ``symbol`` names (misp-stix types any address ``btc``)."""
    parts = _by_relation(found, "coin-address", attrs, item)
    chain = _text(parts.get("symbol", {}), "value").lower()
    for relation, attr in parts.items():
        if relation in ("address", "address-crypto"):
            value = _text(attr, "value")
            label = f"coin-address/{relation}"
            found.add(
                "crypto_wallets", f"{chain}:{value}" if chain and value else value, label, item
            )
        elif relation != "symbol":
            read_attribute(found, attr, f"coin-address/{relation}")
