"""The leak sweep's world: three agencies and canaries only some of them may see.

US-FBI owns every canary. IN-CBI receives FBI's CLEAR, GREEN and AMBER records through an
approved agreement (no victim fields); US-FTC has only an agreement still awaiting approval, so
GREEN flows through it (only AMBER waits for approval) and AMBER does not. Anonymous visitors see public pages only. Each canary is a string
unique in the world (or a figure, ``CAMPAIGN_SIZE``) with the agencies that may see it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.services import create_agency, issue_token

OWNER, PARTNER, OUTSIDER = "US-FBI", "IN-CBI", "US-FTC"
AGENCIES = {OWNER: "US", PARTNER: "IN", OUTSIDER: "US"}
ROLES = ("viewer", "analyst", "supervisor", "agency_admin")
ANONYMOUS = "anonymous"
EVERY_AGENCY = frozenset(AGENCIES)
OWNER_ONLY = frozenset({OWNER})
THROUGH_AGREEMENT = frozenset({OWNER, PARTNER})  # AMBER: the approved agreement only
GREEN_FLOWS = EVERY_AGENCY  # GREEN needs no approval, so FTC's pending agreement carries it
HIDDEN_RED = 17  # RED members beyond the five below: the campaign's size is an unusual 23
CAMPAIGN_SIZE = 6 + HIDDEN_RED
BASE = datetime(2026, 4, 6, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Canary:
    text: str
    seen_by: frozenset[str]
    what: str


@dataclass
class World:
    canaries: list[Canary] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # identity -> API token
    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, list[str]] = field(default_factory=dict)  # what -> values for URL parameters

    def add(self, text: str, seen_by: frozenset[str], what: str) -> str:
        self.canaries.append(Canary(text, seen_by, what))
        return text

    def keep(self, what: str, *values: Any) -> None:
        self.ids.setdefault(what, []).extend(str(v) for v in values)


def _phone(n: int) -> str:
    return f"+1 202 555 {n:04d}"


def phone_spellings(number: str) -> list[str]:
    """A US number as pages and exports may write it: E.164, digits, dashed, spaced."""
    digits = number.replace("+", "").replace(" ", "")[1:]
    return [
        digits,
        f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
        f"{digits[:3]} {digits[3:6]} {digits[6:]}",
        f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
    ]


def _people(world: World) -> None:
    for code, country in AGENCIES.items():
        agency = create_agency(code, country, f"{code} (leak sweep)")
        for role in ROLES:
            _person(world, agency, f"{code.lower()}-{role}", role)
    _person(world, Agency.objects.get(code=OUTSIDER), "node-operator", "operator")


def _person(world: World, agency: Agency, name: str, role: str) -> None:
    # No password: Argon2 for 13 users would cost seconds; the sweep signs in with force_login.
    user = User.objects.create(
        username=name, agency=agency, role=role, is_staff=role in ("agency_admin", "operator"),
        is_superuser=role == "operator",
    )  # fmt: skip
    world.users[name] = user
    world.tokens[name] = issue_token(user, "sweep").secret
    world.keep("username", name)
    world.keep("token-prefix", world.tokens[name].split("_")[1])  # tb_<prefix>_<secret>


def _record(
    world: World, ref: str, tlp: str, seen_by: frozenset[str], n: int, owner: str = OWNER
) -> dict[str, Any]:
    """A complaint whose narrative, victim, identifiers and amount are canaries."""
    tag = ref.replace("-", "").replace("+", "")
    victim = frozenset({owner})  # a victim's data stays with the agency that took the report
    victim_name = world.add(f"Zorba {tag}victim", victim, f"{ref} victim name")
    victim_mail = world.add(f"{tag.lower()}.victim@example.org", victim, f"{ref} e-mail")
    victim_phone = _phone(7100 + n)
    for spelling in phone_spellings(victim_phone):
        world.add(spelling, victim, f"{ref} victim phone")
    own_phone = _phone(7300 + n)  # named by this complaint only
    for spelling in phone_spellings(own_phone):
        world.add(spelling, seen_by, f"{ref} suspect phone")
    amount = f"{7000 + n * 37}.{n + 13}"
    world.add(amount, seen_by, f"{ref} loss")
    story = world.add(f"Narrative {tag}canary: gift cards", seen_by, f"{ref} narrative")
    return {
        "ref": ref,
        "source": "IC3",
        "country": "US",
        "received_at": (BASE + timedelta(hours=n)).isoformat(),
        "channel": "phone_call",
        "scam_type": "tech_support",
        "narrative": f"{story}. I am {victim_name}, write to {victim_mail} or {victim_phone}.",
        "loss": {"amount": amount, "currency": "USD", "payment_method": "gift_card"},
        "victim": {
            "name": victim_name,
            "email": victim_mail,
            "phone": victim_phone,
            "city": world.add(f"{tag}ville", victim, f"{ref} victim city"),
            "state": world.add(f"{tag}state", victim, f"{ref} victim state"),
            "age_band": "70+",
        },
        # One busy number and a chain of carried-over ones: one campaign, no hub, no bridge.
        "suspect": {"phones": [_phone(7499), _phone(7500 + n), _phone(7501 + n), own_phone]},
        "tlp": tlp,
    }


def _complaints(world: World) -> None:
    from tracebridge.complaints.models import Complaint
    from tracebridge.complaints.services import ingest

    plan = [("CLEAR", EVERY_AGENCY), ("GREEN", GREEN_FLOWS), ("AMBER", THROUGH_AGREEMENT),
            ("AMBER+STRICT", OWNER_ONLY), ("RED", OWNER_ONLY)]  # fmt: skip
    plan += [("RED", OWNER_ONLY)] * HIDDEN_RED
    records = [
        _record(world, f"SWEEP-{tlp}-{n}", tlp, seen_by, n)
        for n, (tlp, seen_by) in enumerate(plan, start=1)
    ]
    ingest(records, Agency.objects.get(code=OWNER))
    partner = _record(world, "SWEEP-CBI-0", "GREEN", frozenset({PARTNER}), 0, owner=PARTNER)
    partner |= {"source": "NCRP", "country": "IN"}
    ingest([partner], Agency.objects.get(code=PARTNER))
    for complaint in Complaint.objects.order_by("id"):
        world.keep(f"complaint-{complaint.tlp}", complaint.pk)
        world.keep(f"reference-{complaint.tlp}", complaint.reference)
    _attachments(world)


def _attachments(world: World) -> None:
    """A statement on each marking's complaint: its name and its bytes are the owner's alone."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tracebridge.complaints.models import Complaint
    from tracebridge.complaints.reports import attach

    for tlp in ("GREEN", "AMBER", "AMBER+STRICT", "RED"):  # the complaints the sweep opens
        complaint = Complaint.objects.get(pk=world.ids[f"complaint-{tlp}"][0])
        tag = tlp.replace("+", "")
        name = world.add(f"statement-{tag.lower()}canary.pdf", OWNER_ONLY, f"{tlp} file name")
        inside = world.add(f"Statement {tag}canary", OWNER_ONLY, f"{tlp} file content")
        content = f"%PDF-1.4\n({inside})\n%%EOF\n".encode()
        (row,) = attach(complaint, [SimpleUploadedFile(name, content, "application/pdf")])
        world.keep("attachment", row.pk)


def _campaign(world: World) -> None:
    from tracebridge.campaigns import services
    from tracebridge.campaigns.models import Campaign

    services.full_link()
    campaign = Campaign.objects.get()
    assert campaign.size == CAMPAIGN_SIZE, campaign.size
    world.keep("campaign", campaign.code)


def _sharing(world: World) -> None:
    from tracebridge.sharing import stix
    from tracebridge.sharing.exports import publish
    from tracebridge.sharing.models import SharedObject
    from tracebridge.sharing.services import approve_agreement, create_agreement

    given = create_agreement(OWNER, PARTNER, ["CLEAR", "GREEN", "AMBER"])
    approve_agreement(given, world.users["us-fbi-supervisor"])
    publish(given)
    pending = create_agreement(OWNER, OUTSIDER, ["CLEAR", "GREEN", "AMBER"])
    publish(pending)
    world.keep("agreement", given.pk, pending.pk)
    world.keep("collection", given.collection_id, pending.collection_id)
    shared = SharedObject.objects.filter(agreement=given).order_by("id")
    world.keep("stix", *shared.values_list("stix_id", flat=True)[:3])
    world.keep("stix", stix.sdo_id("incident", world.ids["reference-RED"][0]))


def _cases(world: World) -> None:
    from tracebridge.cases import services
    from tracebridge.complaints.models import Complaint
    from tracebridge.evidence import keys
    from tracebridge.evidence.services import add_evidence

    keys.init_keys()
    analyst = world.users["us-fbi-analyst"]
    red = Complaint.objects.filter(tlp="RED")
    for tlp, seen_by in (("RED", OWNER_ONLY), ("AMBER", THROUGH_AGREEMENT)):
        case = services.create_case(
            OWNER, world.add(f"Case {tlp}canary title", seen_by, f"{tlp} case title"),
            by=analyst, lead=analyst, tlp=tlp, complaints=red if tlp == "RED" else [],
            description=world.add(f"Case {tlp}canary description", seen_by, f"{tlp} case"),
        )  # fmt: skip
        services.add_note(case, world.add(f"Note {tlp}canary", seen_by, f"{tlp} note"), analyst)
        item = add_evidence(
            case, io.BytesIO(f"evidence {tlp}".encode()), f"evidence-{tlp.lower()}.txt",
            by=analyst, description=world.add(f"Evidence {tlp}canary", seen_by, f"{tlp} item"),
        )  # fmt: skip
        world.keep("case", case.reference)
        world.keep("evidence", item.reference)


def _telecom(world: World) -> None:
    from tracebridge.telecom.models import CdrBatch, RobocallCampaign, TracebackRequest

    owner = Agency.objects.get(code=OWNER)
    for n, tlp in enumerate(("RED", "AMBER+STRICT"), start=1):
        tag = tlp.replace("+", "")
        CdrBatch.objects.create(
            agency=owner, tlp=tlp, sha256="0" * 64, path="cdr/none.parquet",
            filename=world.add(f"cdrs-{tag.lower()}canary.csv", OWNER_ONLY, f"{tlp} CDR batch"),
        )  # fmt: skip
        robocall = RobocallCampaign.objects.create(
            agency=owner, tlp=tlp, campaign_id=f"RC-{tag}", key_kind="number",
            key=world.add(f"phone:+1202555{8800 + n}", OWNER_ONLY, f"{tlp} robocall key"),
            calls=4321, unique_called=99, answer_rate=0.5, median_duration_s=30.0,
            first_seen=BASE, last_seen=BASE, score=90,
            reasons=world.add(f"Robocall {tag}canary reason", OWNER_ONLY, f"{tlp} robocall"),
        )  # fmt: skip
        request = TracebackRequest.objects.create(
            agency=owner, tlp=tlp, reference=f"TB-SWEEP-{tag}", call_id=f"call-{tag}",
            calling_number="+12025558899", called_number="+12025558898", start_time=BASE,
            campaign=robocall, note=world.add(f"Traceback {tag}canary", OWNER_ONLY, tlp),
        )  # fmt: skip
        world.keep("robocall", robocall.campaign_id)
        world.keep("traceback", request.reference)


def _money(world: World) -> None:
    from tracebridge.complaints.models import Complaint
    from tracebridge.money.models import HoldRequest, MuleEntry, TrailBatch

    owner = Agency.objects.get(code=OWNER)
    red = Complaint.objects.filter(tlp="RED").first()
    for tlp in ("RED", "AMBER+STRICT"):
        tag = tlp.replace("+", "")
        TrailBatch.objects.create(
            agency=owner, tlp=tlp, batch=f"TRAIL-{tag}",
            source=world.add(f"trail-{tag.lower()}canary.csv", OWNER_ONLY, f"{tlp} trail"),
        )  # fmt: skip
        account = world.add(f"9{len(tag)}8877665544{len(tlp)}", OWNER_ONLY, f"{tlp} account")
        hold = HoldRequest.objects.create(
            agency=owner, tlp=tlp, reference=f"HOLD-{tag}", complaint=red,
            account_key=f"bank:{account}", account=account, amount=Decimal("6543.21"),
            currency="USD", respond_by=BASE, note=world.add(f"Hold {tag}canary", OWNER_ONLY, tlp),
        )  # fmt: skip
        MuleEntry.objects.create(
            agency=owner, tlp=tlp, key=f"bank:M{account}", account=f"M{account}",
            reasons=[world.add(f"Mule {tag}canary", OWNER_ONLY, f"{tlp} mule")], seen_at=BASE,
        )  # fmt: skip
        world.keep("hold", hold.reference)
        world.keep("account", account)


def _assistance(world: World) -> None:
    """A formal request from the owner to a custodian bank on this node: only they see it."""
    from tracebridge.assistance import services
    from tracebridge.cases.models import Case

    create_agency("BANK-SWEEP", "IN", "Custodian bank (leak sweep)")
    case = Case.objects.get(reference=world.ids["case"][0])
    fields = {
        "requesting_authority": "FBI, Special Agent",
        "offence": "Wire fraud, 18 U.S.C. 1343",
        "summary_of_facts": world.add("Request summary canary", OWNER_ONLY, "request facts"),
        "stored_data": world.add("Request stored-data canary", OWNER_ONLY, "request data"),
        "relation_to_offence": "The account received the victims' money.",
        "custodian": "Custodian bank (leak sweep)",
        "necessity": "Statements are purged after 90 days.",
        "follow_up": "mla",
    }
    request = services.create(
        Agency.objects.get(code=OWNER), "BANK-SWEEP", "preservation", case.reference, fields,
        world.users["us-fbi-analyst"],
    )  # fmt: skip
    world.keep("request", request.reference)


def build() -> World:
    world = World()
    _people(world)
    _complaints(world)
    _campaign(world)
    _sharing(world)
    _cases(world)
    _assistance(world)
    _telecom(world)
    _money(world)
    return world
