"""Which identifiers a complaint names, and where: pure, no Django, so the importers, the API
and the benchmark share it and it can be tested on its own.

Only what the complaint says about the *suspect* becomes a sighting: the structured suspect
fields and the narrative. The victim's own phone and e-mail are never sightings, and are removed
from what the narrative yields too (victims often write "they called me on my number 98…"), so
that two victims are never linked through themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tracebridge import identifiers
from tracebridge.complaints.schema import CanonicalComplaint
from tracebridge.identifiers import Identifier

# suspect list -> identifier kind it holds
_SUSPECT_KINDS = (
    ("phones", "phone"),
    ("emails", "email"),
    ("urls", "url"),
    ("upi_ids", "upi"),
    ("crypto_wallets", "wallet"),
)


@dataclass(frozen=True, slots=True)
class SightingRow:
    key: str
    kind: str
    field: str
    start: int | None = None
    end: int | None = None


def victim_keys(complaint: CanonicalComplaint) -> frozenset[str]:
    """Keys of the victim's own phone, e-mail and paying UPI ID (never sightings)."""
    victim = complaint.victim
    if victim is None:
        return frozenset()
    keys = set()
    if victim.phone:
        keys.add(identifiers.parse("phone", victim.phone, complaint.country))
    if victim.email:
        keys.add(identifiers.parse("email", victim.email))
    if victim.debited_upi:
        keys.add(identifiers.parse("upi", victim.debited_upi, complaint.country))
    return frozenset(i.key for i in keys if isinstance(i, Identifier))


def _with_domain(ident: Identifier) -> Iterator[Identifier]:
    """A website is also its registered domain, the key scam sites rotate least; a WhatsApp
    link (``wa.me/<number>``) is also the phone number it opens a chat with."""
    yield ident
    phone = identifiers.phone_of_link(ident)
    if phone is not None:
        yield phone
    domain = ident.details.get("domain") if ident.kind == "url" else None
    if domain and not domain.replace(".", "").isdigit() and ":" not in domain:
        yield Identifier("domain", f"domain:{domain}", domain)


def _structured(complaint: CanonicalComplaint) -> Iterator[tuple[Identifier, str]]:
    suspect, region = complaint.suspect, complaint.country
    for attr, kind in _SUSPECT_KINDS:
        for text in getattr(suspect, attr):
            found = identifiers.parse(kind, text, region)
            if isinstance(found, Identifier):
                for ident in _with_domain(found):
                    yield ident, f"suspect.{attr}"
    for account in suspect.bank_accounts:
        found = identifiers.parse_bank_account(account.model_dump(exclude_none=True))
        if isinstance(found, Identifier):
            yield found, "suspect.bank_accounts"
    yield from _receiving(complaint)
    yield from _messaging(complaint)


def _messaging(complaint: CanonicalComplaint) -> Iterator[tuple[Identifier, str]]:
    """SMS sender headers, and handles (a bare @name read on the platform it came by)."""
    suspect = complaint.suspect
    for text in suspect.sms_senders or []:
        found = identifiers.parse("sms", text)
        if isinstance(found, Identifier):
            yield found, "suspect.sms_senders"
    for text in suspect.handles or []:
        found = identifiers.parse("social", text)
        if not isinstance(found, Identifier) and complaint.channel in ("telegram", "instagram"):
            found = identifiers.parse("social", f"{complaint.channel}:{text}")
        if isinstance(found, Identifier):
            yield found, "suspect.handles"


def _receiving(complaint: CanonicalComplaint) -> Iterator[tuple[Identifier, str]]:
    """The UPI IDs and accounts the victim's transactions went to are the suspect's."""
    for txn in complaint.transactions or []:
        if txn.to_upi:
            found = identifiers.parse("upi", txn.to_upi, complaint.country)
            if isinstance(found, Identifier):
                yield found, "transactions"
        if txn.to_account:
            account = {"account": txn.to_account, "ifsc": txn.to_ifsc}
            found = identifiers.parse_bank_account({k: v for k, v in account.items() if v})
            if isinstance(found, Identifier):
                yield found, "transactions"


def sightings_of(complaint: CanonicalComplaint) -> list[SightingRow]:
    """One row per (key, field): structured suspect fields first, then the narrative."""
    own = victim_keys(complaint)
    rows: dict[tuple[str, str], SightingRow] = {}
    for ident, field in _structured(complaint):
        if ident.key not in own:
            rows.setdefault((ident.key, field), SightingRow(ident.key, ident.kind, field))
    if complaint.narrative:
        for found in identifiers.extract(complaint.narrative, complaint.country):
            for ident in _with_domain(found.identifier):
                if ident.key not in own and (ident.key, "narrative") not in rows:
                    rows[(ident.key, "narrative")] = SightingRow(
                        ident.key, ident.kind, "narrative", found.start, found.end
                    )
    return list(rows.values())
