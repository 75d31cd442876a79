"""Demo: a DOJ-CPB preservation request to the CBI about the demo campaign's call centre
(approved, sent, acknowledged, preserved: open) and a production request the CBI answers with
a verified evidence package (finished: verified, the records in the DOJ-CPB's case).

These run on one node, so both agencies are on it and every step is signed with this node's
key; the preservation request's signed file is still exported and imported (all its messages
already here, applied idempotently), as the CBI's node would import it. With the demo's second
node (``tracebridge.node.partner_node``), ``to_partner_node`` sends one more preservation
request over the network to the CBI on that node.
"""

from __future__ import annotations

import io
import json

from tracebridge.agencies.models import User
from tracebridge.assistance import answer, services
from tracebridge.assistance.models import PackageTransfer, Request
from tracebridge.cases.demo import biggest_cross_border
from tracebridge.cases.models import Case
from tracebridge.cases.services import create_case
from tracebridge.demo import DemoContext
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.services import add_evidence

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


RECORDS = {
    "subscriber-913340001234.csv": "msisdn,subscriber,address,activated\n"
    '+913340001234,Sunrise Tele Solutions Pvt Ltd,"4th floor, Salt Lake Sector V, Kolkata",'
    "2025-11-02\n",
    "cdr-913340001234-2026q1.csv": "start,calling,called,duration_s\n"
    + "".join(
        f"2026-01-{d:02d}T{h:02d}:15:00+05:30,+913340001234,+1202555{d:02d}{h:02d},{60 + d * h}\n"
        for d in range(1, 29)
        for h in (19, 21, 23)
    ),
}


def _answer(ctx: DemoContext, wanted: Request, officer: User) -> PackageTransfer:
    """The CBI executes the production request and answers with a verified package of its
    execution case (subscriber and call records), received into the DOJ-CPB's case."""
    for step in ("acknowledge", "accept", "execute"):
        wanted = services.act(wanted, step, officer)
    execution = create_case(
        wanted.to_code, f"Execution of {wanted.reference} (US MLAT)", by=officer, lead=officer
    )
    for name, text in RECORDS.items():
        add_evidence(
            execution,
            io.BytesIO(text.encode()),
            name,
            by=officer,
            description="Records produced by the carrier under notice",
            collected_by=officer.signature_name,
            collected_zone="Asia/Kolkata",
            device="Carrier lawful-disclosure portal",
            legal_authority="BNSS s.94 notice; US-India MLAT (2005)",
        )
    package = ctx.world_dir.parent / f"{wanted.reference}-answer.zip"
    make_package(execution, package, by=officer, place="New Delhi")
    outgoing = answer.answer(
        wanted, package, officer, certifier=answer.Certifier(place="New Delhi")
    )
    return answer.deliver(outgoing)


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
    done = _answer(ctx, wanted, officer)
    ctx.note(
        "formal requests",
        f"{kept.reference} preserved until {kept.preserved_until:%Y-%m-%d} (open); "
        f"{wanted.reference} answered by the CBI with a package, verified and stored as "
        f"{', '.join(done.items)} in {case.reference}",
    )
    ctx.note("request file", f"{path} (one node: {imported.already} messages already here)")


def to_partner_node(ctx: DemoContext) -> Request:
    """A new preservation request of the DOJ-CPB's case, about the call centre's payment
    accounts, approved: this node sends it to the partner node speaking for the CBI."""
    attorney, chief = ctx.users["doj-cpb.analyst"], ctx.users["doj-cpb.supervisor"]
    case = Case.objects.filter(agency__code="US-DOJ-CPB").order_by("created_at").first()
    if case is None:
        case = create_case("US-DOJ-CPB", "Call centre", by=attorney, lead=attorney)
    fields = {
        **_preservation(case.title.removeprefix("Call centre behind ")),
        "stored_data": "KYC records, statements and UPI transaction logs of the accounts the "
        "call centre was paid into, 2026-01-01 to today.",
        "custodian": "The banks and UPI payment providers holding those accounts, as "
        "identified by the CBI.",
    }
    made = services.create(case.agency, "IN-CBI", "preservation", case.reference, fields, attorney)
    return services.act(made, "approve", chief)
