"""Signed steps: every transition is a signed message and a ledger leaf; forged, altered,
replayed and out-of-order messages are refused and audited; replays are idempotent; two
agencies on two nodes exchange the messages as files, checked against the partner's key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.assistance import services, signed
from tracebridge.assistance.models import Message, Request
from tracebridge.cases.models import Case
from tracebridge.evidence import ledger
from tracebridge.evidence.merkle import canonical_json, leaf_hash
from tracebridge.evidence.models import LedgerEntry
from tracebridge.sharing import signing
from tracebridge.sharing.models import Partner

Fields = Callable[[str], dict[str, Any]]


Send = Callable[..., Request]


def _file(request: Request) -> bytes:
    return json.dumps(services.export(request)).encode()


def test_each_step_is_a_signed_message_and_a_ledger_leaf(cbi: User, sent: Send) -> None:
    request = sent()
    assert request.reference == f"REQ-US-DOJ-CPB-{dt.date.today().year}-0001"
    assert request.status == "sent" and request.requested_on is not None
    services.act(request, "acknowledge", cbi)
    request = services.act(request, "preserve", cbi)
    assert request.status == "preserved"
    days = (request.preserved_until - dt.datetime.now(dt.UTC)).days
    assert days in (59, 60)  # the CBI is in India: Art. 29(7)'s 60 days
    stored = list(request.messages.order_by("seq"))
    assert [m.action for m in stored] == ["create", "submit", "approve", "acknowledge", "preserve"]
    assert [m.by for m in stored] == ["doj.analyst"] * 2 + ["doj.chief"] + ["cbi.officer"] * 2
    for m in stored:
        entry = LedgerEntry.objects.get(index=m.ledger_index)
        assert entry.kind == "request_message"
        assert json.loads(entry.record)["signature"] == m.signature
        assert entry.leaf_hash == leaf_hash(entry.record.encode()).hex()
        signed.verify(services.message_of(m))
    report = ledger.verify_ledger(None)
    assert (report.problem, report.leaves) == (None, ledger.size())


def test_supervisor_approval_and_the_right_side(
    doj: User, cbi: User, doj_case: Case, made: Send
) -> None:
    request = made()
    assert (request.case, request.partner, request.recipient) == (doj_case, None, cbi.agency)
    with pytest.raises(services.Refused, match=r"doj\.analyst needs the supervisor role"):
        services.act(request, "approve", doj)
    with pytest.raises(services.Refused, match=r"cbi\.officer is not a user of US-DOJ-CPB"):
        services.act(request, "withdraw", cbi)
    with pytest.raises(
        services.Refused,
        match="cannot acknowledge a request that is supervisor_review: only from sent",
    ):
        services.act(request, "acknowledge", cbi)
    assert Request.objects.get().status == "supervisor_review"


def test_incomplete_request_names_fields_and_stores_nothing(
    doj: User, doj_case: Case, fields: Fields
) -> None:
    data = fields("preservation")
    del data["custodian"], data["follow_up"]
    with pytest.raises(services.Refused) as caught:
        services.create(doj.agency, "IN-CBI", "preservation", doj_case.reference, data, doj)
    assert caught.value.fields == ["custodian", "follow_up"]
    assert Request.objects.count() == 0 and Message.objects.count() == 0


def test_refusal_needs_a_reason_code_and_records_the_final_action(cbi: User, sent: Send) -> None:
    request = sent("production")
    with pytest.raises(services.Refused, match="reason must be one of insufficient_information"):
        services.act(request, "refuse", cbi, reason="bored")
    request = services.act(request, "refuse", cbi, reason="data_not_held")
    assert (request.status, request.refusal_reason) == ("refused", "data_not_held")
    assert request.acted_on == dt.datetime.now(dt.UTC).date()


def test_replayed_file_is_idempotent(sent: Send) -> None:
    request = sent()
    before = ledger.size()
    result = services.import_file(_file(request))
    assert (result.applied, result.already) == (0, 3)
    assert ledger.size() == before and request.messages.count() == 3


def _tamper(data: bytes, fn: Callable[[list[dict[str, Any]]], None]) -> bytes:
    document = json.loads(data)
    fn(document["messages"])
    return json.dumps(document).encode()


def _refused(data: bytes, reason: str) -> None:
    with pytest.raises(services.Refused, match=reason):
        services.import_file(data)
    event = AuditEvent.objects.filter(action="request.message_refused").last()
    assert event is not None and event.outcome == "denied"
    assert re.search(reason, event.detail["reason"])


def _other_node(settings: Any, tmp_path: Path, name: str) -> None:
    settings.HOME = tmp_path / name
    settings.HOME.mkdir()


def _partner(name: str, key: str, agency: str) -> Partner:
    """The other node, pinned by its key, speaking for ``agency``."""
    return Partner.objects.create(
        name=name,
        api_root=f"https://{name}.example/taxii2/",
        token="t",
        public_key=key,
        agency_codes=[agency],
    )


@pytest.fixture
def us_file(sent: Send, settings: Any, tmp_path: Path) -> bytes:
    """The DOJ's sent request as a file, then this database turned into the CBI's node: the
    request gone, another node key, the US node registered as a partner with its key."""
    request = sent()
    data, us_key = _file(request), signed.own_key()
    request.delete()
    _other_node(settings, tmp_path, "in-node")
    assert signed.own_key() != us_key
    _partner("us-node", us_key, "US-DOJ-CPB")
    return data


def test_partner_file_applies_and_the_recipient_answers(us_file: bytes, cbi: User) -> None:
    result = services.import_file(us_file)
    assert (result.applied, result.already) == (3, 0)
    request = Request.objects.get()
    assert (request.status, request.partner.name, request.requester) == ("sent", "us-node", None)
    request = services.act(request, "acknowledge", cbi)
    assert request.messages.get(seq=4).signer_key == signed.own_key()
    with pytest.raises(
        services.Refused,
        match="withdraw is the requester's step and that agency is on us-node's node",
    ):
        services.act(request, "withdraw", cbi)
    assert services.import_file(us_file).already == 3


def test_round_trip_back_to_the_requesting_node(
    us_file: bytes, cbi: User, settings: Any, tmp_path: Path
) -> None:
    services.import_file(us_file)
    request = services.act(Request.objects.get(), "acknowledge", cbi)
    request = services.act(request, "preserve", cbi, until="2026-12-31T00:00:00")
    answer, in_key = _file(request), signed.own_key()
    request.delete()
    settings.HOME = tmp_path / "home"  # back to the US node's key
    _partner("in-node", in_key, "IN-CBI")
    services.import_file(us_file)
    result = services.import_file(answer)
    request = Request.objects.get()
    assert (result.applied, result.already) == (2, 3)
    assert request.status == "preserved" and request.preserved_until.year == 2026
    assert [m.signer_key for m in request.messages.order_by("seq")][-2:] == [in_key, in_key]


def test_altered_message_is_refused(us_file: bytes) -> None:
    def alter(messages: list[dict[str, Any]]) -> None:
        messages[0]["body"]["data"]["fields"]["necessity"] = "none at all"

    _refused(_tamper(us_file, alter), "forged or altered: \\(3\\) the signature does not match")
    assert Request.objects.count() == 0


def test_message_signed_by_an_unknown_key_is_refused(us_file: bytes) -> None:
    forger = Ed25519PrivateKey.generate()

    def forge(messages: list[dict[str, Any]]) -> None:
        for m in messages:
            m["key"] = signing.public_key_text(forger)
            m["signature"] = signing.sign(
                forger, m["body"]["id"], "assistance", canonical_json(m["body"])
            )

    _refused(_tamper(us_file, forge), "signed by a key that is neither this node's nor a partner")


def test_signature_under_the_wrong_key_is_refused(us_file: bytes) -> None:
    other = base64.b64encode(b"\x01" * 32).decode()

    def swap(messages: list[dict[str, Any]]) -> None:
        messages[1]["key"] = other

    _refused(_tamper(us_file, swap), "forged or altered")


def test_partner_speaking_for_another_agency_is_refused(us_file: bytes) -> None:
    Partner.objects.update(agency_codes=["US-FTC"])
    _refused(us_file, "partner us-node does not speak for 'US-DOJ-CPB'")


def test_out_of_order_message_is_refused_and_nothing_applied(us_file: bytes) -> None:
    _refused(_tamper(us_file, lambda ms: ms.pop(1)), "out of order, step 2 is the next one")
    assert Request.objects.count() == 0 and Message.objects.count() == 0


def test_message_for_an_unknown_request_is_refused(us_file: bytes) -> None:
    _refused(_tamper(us_file, lambda ms: ms.pop(0)), "no request REQ-US-DOJ-CPB-")


def test_replay_with_another_signature_is_refused(us_file: bytes) -> None:
    services.import_file(us_file)

    def resign(messages: list[dict[str, Any]]) -> None:
        messages[2]["signature"] = base64.b64encode(b"\x00" * 64).decode()

    _refused(_tamper(us_file, resign), "forged or altered")


def test_message_for_a_closed_request_is_refused(doj: User, sent: Send) -> None:
    request = services.act(sent(), "withdraw", doj)
    assert request.status == "withdrawn"
    body = json.loads(request.messages.get(seq=4).body)
    late = {**body, "id": signed.new_id(), "seq": 5, "action": "close", "from": "withdrawn"}
    document = {"format": signed.FORMAT, "messages": [signed.sign(late).as_dict()]}
    _refused(json.dumps(document).encode(), "the request is withdrawn")
    assert request.messages.count() == 4


def test_not_a_request_file(db: None) -> None:
    with pytest.raises(services.Refused, match="is not a tracebridge-request-v1 file"):
        services.import_file(b'{"format": "stix"}')
    with pytest.raises(services.Refused, match="the file"):
        services.import_file(b"[[[")


def test_request_to_a_partners_agency_names_the_partner(
    doj: User, doj_chief: User, cbi: User, doj_case: Case, fields: Fields
) -> None:
    partner = _partner("in-node", signing.public_key_text(Ed25519PrivateKey.generate()), "IN-ED")
    request = services.create(
        doj.agency, "in-ed", "preservation", doj_case.reference, fields("preservation"), doj
    )
    assert (request.to_code, request.recipient, request.partner) == ("IN-ED", None, partner)
    assert request.case == doj_case
    request = services.act(request, "approve", doj_chief)
    with pytest.raises(services.Refused, match=r"acknowledge is the recipient's step .* in-node's"):
        services.act(request, "acknowledge", cbi)


@pytest.mark.parametrize(
    ("step", "drop", "lacks"),
    [(1, "due_at", "data.due_at"), (3, "due_at", "data.due_at"), (3, "at", "at")],
)
def test_signed_message_lacking_what_its_action_needs_is_refused(
    sent: Send, step: int, drop: str, lacks: str
) -> None:
    """A trusted signer's message without a field its action needs: refused naming it."""
    request = sent()
    bodies = [json.loads(m.body) for m in request.messages.order_by("seq")]
    request.delete()
    for body in bodies:
        body["id"] = signed.new_id()
    body = bodies[step - 1]
    body.pop(drop) if drop in body else body["data"].pop(drop)
    document = {"format": signed.FORMAT, "messages": [signed.sign(b).as_dict() for b in bodies]}
    _refused(json.dumps(document).encode(), f"the message lacks {lacks}$")
    assert Request.objects.count() == 0


def _preserved(cbi: User, sent: Send, lapsed: dt.datetime) -> Request:
    """A preserved request whose expiry is ``lapsed`` (as if the days had passed)."""
    request = services.act(services.act(sent(), "acknowledge", cbi), "preserve", cbi)
    Request.objects.filter(pk=request.pk).update(preserved_until=lapsed)
    request.refresh_from_db()
    return request


def test_a_lapsed_preservation_is_not_extended(cbi: User, sent: Send) -> None:
    lapsed = dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC)
    request = _preserved(cbi, sent, lapsed)
    size = ledger.size()
    with pytest.raises(services.Refused, match="lapsed on 2026-01-31 12:00 UTC") as caught:
        services.act(request, "extend", cbi)
    assert caught.value.fields == ["expires"]
    request.refresh_from_db()
    assert (request.status, request.preserved_until) == ("preserved", lapsed)
    assert (request.messages.count(), ledger.size()) == (5, size)
    assert services.act(request, "expire", cbi).status == "expired"


def _extend_at(request: Request, at: dt.datetime) -> bytes:
    """The recipient's extension, signed as its node would sign it, taken at ``at``."""
    body = json.loads(request.messages.get(seq=5).body)
    until = (at + dt.timedelta(days=60)).isoformat()
    step = {**body, "id": signed.new_id(), "seq": 6, "action": "extend", "from": "preserved"}
    step.update(at=at.isoformat(), data={"until": until})
    document = {"format": signed.FORMAT, "messages": [signed.sign(step).as_dict()]}
    return json.dumps(document).encode()


def test_an_extension_taken_after_the_lapse_is_refused_on_arrival(cbi: User, sent: Send) -> None:
    lapsed = dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC)
    request = _preserved(cbi, sent, lapsed)
    _refused(_extend_at(request, lapsed + dt.timedelta(hours=1)), "lapsed on 2026-01-31")
    request.refresh_from_db()
    assert (request.preserved_until, request.messages.count()) == (lapsed, 5)
    # one taken in time but delivered late (the nodes could not talk) still counts
    assert services.import_file(_extend_at(request, lapsed - dt.timedelta(hours=1))).applied == 1
    request.refresh_from_db()
    assert request.preserved_until == lapsed + dt.timedelta(days=60, hours=-1)
