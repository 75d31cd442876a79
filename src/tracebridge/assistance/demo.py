"""Demo: a DOJ-CPB preservation request to the CBI about the demo campaign's call centre
(approved, sent, acknowledged, preserved) and an open production request.

The demo runs one node, so both agencies are on it and every step is signed with this node's
key; the preservation request's signed file is still exported and imported (all its messages
already here, applied idempotently), as the CBI's node would import it.
"""

from __future__ import annotations

import json

from tracebridge.assistance import services
from tracebridge.cases.demo import biggest_cross_border
from tracebridge.cases.services import create_case
from tracebridge.demo import DemoContext

AUTHORITY = "U.S. Department of Justice, Consumer Protection Branch (Trial Attorney M. Ostrowski)"
OFFENCE = "Wire fraud (18 U.S.C. 1343) and conspiracy, by impersonation calls to older adults"


def _preservation(call_centre: str) -> dict[str, object]:
    return {
        "requesting_authority": AUTHORITY,
        "offence": OFFENCE,
        "summary_of_facts": f"Victims in the US and India were called from {call_centre}, "
        "told their accounts were compromised and made to pay by gift cards and UPI.",
        "stored_data": "Subscriber records, call detail records and IP logs of the "
        "call centre's numbers and accounts, 2026-01-01 to today.",
        "relation_to_offence": "The numbers and accounts are the ones named by the victims.",
        "custodian": "Carriers and payment providers serving the call centre in Kolkata, "
        "West Bengal, as identified by the CBI.",
        "necessity": "Call records are kept for a short time; without preservation they will "
        "be deleted before a formal request arrives.",
        "follow_up": "mla",
    }


def _production() -> dict[str, object]:
    return {
        "requesting_authority": AUTHORITY,
        "offence": OFFENCE,
        "identifiers": [
            {
                "value": "+913340001234",
                "type": "phone",
                "from": "2026-01-01T00:00:00",
                "to": "2026-03-31T23:59:59",
                "zone": "Asia/Kolkata",
            },
        ],
        "data_categories": ["subscriber", "call_records"],
        "legal_basis": "US-India MLAT (2005), Art. 1",
    }


def load(ctx: DemoContext) -> None:
    doj, cbi = ctx.agencies["US-DOJ-CPB"], ctx.agencies["IN-CBI"]
    attorney, chief = ctx.users["doj-cpb.analyst"], ctx.users["doj-cpb.supervisor"]
    officer = ctx.users["cbi.analyst"]
    campaign = biggest_cross_border()
    name = f"campaign {campaign.code}" if campaign else "a tech-support call centre"
    case = create_case(
        doj,
        f"Call centre behind {name}",
        by=attorney,
        lead=attorney,
        campaigns=[campaign] if campaign else [],
    )
    links: dict[str, object] = {"campaign": campaign.code if campaign else "", "complaints": []}
    kept = services.create(
        doj, cbi.code, "preservation", case.reference, _preservation(name), attorney, links
    )
    services.act(kept, "approve", chief)
    path = ctx.world_dir.parent / f"{kept.reference}.json"
    path.write_text(json.dumps(services.export(kept), indent=2), encoding="utf-8")
    imported = services.import_file(path.read_bytes(), name=str(path))
    services.act(kept, "acknowledge", officer)
    kept = services.act(kept, "preserve", officer)
    wanted = services.create(
        doj, cbi.code, "production", case.reference, _production(), attorney, links
    )
    services.act(wanted, "approve", chief)
    ctx.note(
        "formal requests",
        f"{kept.reference} preserved until "
        f"{kept.preserved_until:%Y-%m-%d}, {wanted.reference} sent (open)",
    )
    ctx.note("request file", f"{path} (one node: {imported.already} messages already here)")
