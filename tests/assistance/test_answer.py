"""Answering a request with an evidence package on one node: the certificate of authenticity
bound to the package's hash, the checks before anything is stored, the received and shared
custody events, and every refusal naming its reason."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.assistance import answer, authenticity, inbound, receipt, services, transfer
from tracebridge.assistance.models import PackageTransfer, Request
from tracebridge.cases.models import Case
from tracebridge.cases.services import create_case
from tracebridge.commands import EXIT_CODES
from tracebridge.errors import Conflict, Forbidden, Invalid
from tracebridge.evidence import keys, ledger
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.models import CustodyEvent, EvidenceItem
from tracebridge.evidence.services import add_evidence, record_consent

Send = Callable[..., Request]
FILES = {"subscriber.csv": b"msisdn,name\n+913340001234,R. Das\n", "cdr.csv": b"a,b\n" * 5000}


@pytest.fixture
def cbi_case(cbi: User) -> Case:
    keys.init_keys()
    case = create_case("IN-CBI", "MLAT execution for the DOJ", by=cbi, lead=cbi)
    for name, data in FILES.items():
        add_evidence(
            case,
            io.BytesIO(data),
            name,
            by=cbi,
            device="Carrier lawful-disclosure portal",
            collected_by="Inspector R. Sen",
            collected_zone="Asia/Kolkata",
        )
    return case


@pytest.fixture
def executing(sent: Send, cbi: User) -> Request:
    request = sent("production")
    for step in ("acknowledge", "accept", "execute"):
        request = services.act(request, step, cbi)
    return request


@pytest.fixture
def package(cbi_case: Case, cbi: User, tmp_path: Path) -> Path:
    out = tmp_path / "answer.zip"
    make_package(cbi_case, out, by=cbi)
    return out


def _answer(request: Request, package: Path, user: User, **kwargs: Any) -> PackageTransfer:
    return answer.answer(request, package, user, **kwargs)


def test_answer_is_verified_and_stored_in_the_requesting_case(
    executing: Request, package: Path, cbi: User, doj_case: Case, cbi_case: Case
) -> None:
    out = _answer(executing, package, cbi, certifier=answer.Certifier("R. Sen", "Inspector"))
    request = Request.objects.get()
    assert request.status == "returned"
    data = receipt.answer_data(request.messages.get(message_id=out.message_id))
    sha, size = transfer.hash_file(package)
    assert (data["package"]["sha256"], data["package"]["size"]) == (sha, size)
    assert data["certificate"]["package"] == {"sha256": sha, "size": size}
    assert data["certificate"]["custodian"]["name"] == "R. Sen"
    assert data["conditions"]["onward_sharing"] == "consent_required"
    done = answer.deliver(out)
    assert done.state == "delivered"
    request.refresh_from_db()
    assert request.status == "verified"
    assert request.messages.order_by("-seq").first().by == services.NODE_BY
    received = list(EvidenceItem.objects.filter(case=doj_case).order_by("id"))
    assert [i.filename for i in received] == [
        "subscriber.csv",
        "cdr.csv",
        f"certificate-of-authenticity-{request.reference}.txt",
    ]
    assert [i.sha256 for i in received[:2]] == [
        i.sha256 for i in EvidenceItem.objects.filter(case=cbi_case).order_by("id")
    ]
    assert received[0].conditions["onward_sharing"] == "consent_required"
    assert received[0].collected_by == "Inspector R. Sen"
    event = CustodyEvent.objects.get(item=received[0])
    record = json.loads(event.leaf.record)
    assert event.action == "received"
    assert record["package_sha256"] == sha and record["request"] == request.reference
    sender_leaf = EvidenceItem.objects.filter(case=cbi_case).order_by("id")[0].leaf.index
    assert record["sender_leaf"] == sender_leaf
    assert record["sender_checkpoint"]["size"] > sender_leaf
    shared = CustodyEvent.objects.get(case=cbi_case, action="shared")
    shared_record = json.loads(shared.leaf.record)
    assert shared_record["package_sha256"] == sha
    assert shared_record["checkpoint"] == record["sender_checkpoint"]
    assert ledger.verify_ledger(None).problem is None


def test_certificate_text_names_the_package_and_each_record(
    executing: Request, package: Path, cbi: User
) -> None:
    out = _answer(executing, package, cbi)
    data = receipt.answer_data(Request.objects.get().messages.get(message_id=out.message_id))
    text = authenticity.text(data["certificate"])
    assert data["package"]["sha256"] in text
    assert "at or near the time" in text and "regularly conducted activity" in text
    for record in data["certificate"]["records"]:
        assert record["sha256"] in text


def test_answer_by_the_wrong_side_or_from_the_wrong_state_is_refused(
    sent: Send, package: Path, cbi: User, doj: User
) -> None:
    request = sent("production")
    with pytest.raises(services.Refused, match="cannot return a request that is sent"):
        _answer(request, package, cbi)
    for step in ("acknowledge", "accept", "execute"):
        request = services.act(request, step, cbi)
    with pytest.raises(services.Refused, match=r"doj\.analyst is not a user of IN-CBI"):
        _answer(request, package, doj)
    assert not PackageTransfer.objects.exists()


def test_a_package_that_does_not_verify_is_not_sent(
    executing: Request, package: Path, cbi: User, tmp_path: Path
) -> None:
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(altered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data.replace(b"R. Das", b"X. Yyy"))
    with pytest.raises(services.Refused, match="does not verify with this node's key"):
        _answer(executing, altered, cbi)
    assert Request.objects.get().status == "executing"


def _receive_with(out: PackageTransfer, path: Path) -> receipt.Verdict:
    incoming = PackageTransfer.objects.create(
        request=out.request,
        direction="in",
        message_id=out.message_id,
        package_sha256=out.package_sha256,
        size=out.size,
        state="receiving",
    )
    from tracebridge.assistance import signed

    return receipt.receive(incoming, path, signed.own_key())


def test_truncated_package_is_refused_and_nothing_stored(
    executing: Request, package: Path, cbi: User, doj_case: Case, tmp_path: Path
) -> None:
    out = _answer(executing, package, cbi)
    short = tmp_path / "short.zip"
    short.write_bytes(package.read_bytes()[:-100])
    verdict = _receive_with(out, short)
    assert verdict.state == "refused" and verdict.reason.startswith("truncated")
    assert not EvidenceItem.objects.filter(case=doj_case).exists()
    request = Request.objects.get()
    assert request.status == "executing"  # back to the recipient, who answers again
    reject = request.messages.order_by("-seq").first()
    assert reject.action == "reject" and reject.by == services.NODE_BY
    assert verdict.messages[0]["body"]["data"]["reason"] == verdict.reason
    assert AuditEvent.objects.filter(action="request.package_refused", outcome="denied").exists()


def test_package_differing_from_the_announced_hash_is_refused(
    executing: Request, package: Path, cbi: User, doj_case: Case, tmp_path: Path
) -> None:
    out = _answer(executing, package, cbi)
    other = tmp_path / "other.zip"
    data = bytearray(package.read_bytes())
    data[-30] ^= 0xFF  # the ZIP's end record: same size, other bytes
    other.write_bytes(bytes(data))
    verdict = _receive_with(out, other)
    assert verdict.state == "refused"
    assert f"not the {out.package_sha256} the answer announced" in verdict.reason
    assert not EvidenceItem.objects.filter(case=doj_case).exists()


def test_certificate_not_bound_to_the_package_is_refused(
    executing: Request, package: Path, cbi: User, doj_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = authenticity.make

    def other_hash(*args: Any) -> dict[str, Any]:
        made = real(*args)
        made["package"]["sha256"] = "0" * 64
        return made

    monkeypatch.setattr(authenticity, "make", other_hash)
    out = _answer(executing, package, cbi)
    done = answer.deliver(out)
    assert done.state == "refused"
    assert f"the certificate names package {'0' * 64}, not {out.package_sha256}" in done.reason
    assert not EvidenceItem.objects.filter(case=doj_case).exists()
    with pytest.raises(Exception, match="already refused: nothing is sent twice"):
        answer.deliver(PackageTransfer.objects.get(direction="out"))


def test_binding_problems_name_missing_and_extra_records() -> None:
    cert = authenticity.make(
        authenticity.Custodian("A", "B", "C", ""),
        "REQ-1",
        "a" * 64,
        10,
        [{"path": "files/0001-x", "filename": "x", "sha256": "b" * 64, "size": 3}],
        "2026-01-01T00:00:00Z",
    )
    held = [{"path": "files/0002-y", "sha256": "c" * 64, "size": 4}]
    problems = authenticity.binding_problems(cert, "a" * 64, held)
    assert problems == [
        f"the certificate lists files/0001-x ({'b' * 64}), which the package does not hold",
        f"the package holds files/0002-y ({'c' * 64}), which the certificate does not list",
    ]
    assert authenticity.binding_problems({}, "a", []) == [
        f"the answer carries no {authenticity.FORM} certificate"
    ]
    with pytest.raises(ValueError, match="custodian's custodian name"):
        authenticity.make(authenticity.Custodian(" ", "B", "C", ""), "R", "a", 1, [{}], "")


def test_request_answer_command_answers_and_delivers(
    executing: Request, package: Path, cbi: User, doj_case: Case
) -> None:
    out = io.StringIO()
    call_command(
        "request",
        "answer",
        executing.reference,
        "--package",
        str(package),
        "--by",
        "cbi.officer",
        "--custodian-name",
        "R. Sen",
        "--custodian-title",
        "Inspector",
        stdout=out,
    )
    sha, size = transfer.hash_file(package)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{executing.reference}: answered with package {sha} ({size} bytes)"
    refs = list(EvidenceItem.objects.filter(case=doj_case).values_list("reference", flat=True))
    assert lines[1] == f"delivered {sha}: 0 chunks sent; stored as {', '.join(refs)}"
    assert Request.objects.get().status == "verified"
    with pytest.raises(CommandError, match="already delivered: nothing is sent twice") as exc:
        call_command("request", "transfer", executing.reference)
    assert exc.value.returncode == EXIT_CODES[Conflict]


def test_request_answer_with_a_missing_package_exits_3(executing: Request, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a file") as exc:
        call_command(
            "request", "answer", executing.reference, "--package", str(tmp_path / "no.zip"),
            "--by", "cbi.officer",
        )  # fmt: skip
    assert exc.value.returncode == 3


@pytest.fixture
def received(executing: Request, package: Path, cbi: User, doj_case: Case) -> list[EvidenceItem]:
    answer.deliver(_answer(executing, package, cbi))
    return list(EvidenceItem.objects.filter(case=doj_case).order_by("id"))


def test_received_evidence_cannot_be_exported_until_consent_is_recorded(
    received: list[EvidenceItem],
    doj_case: Case,
    doj: User,
    doj_chief: User,
    tmp_path: Path,
    client_for: Callable[[User], Any],
) -> None:
    assert all(i.needs_consent for i in received)
    with pytest.raises(Forbidden, match="no onward sharing without its consent") as exc:
        make_package(doj_case, tmp_path / "court.zip", by=doj)
    assert exc.value.details[0]["blocked"] == [i.reference for i in received]
    assert not (tmp_path / "court.zip").exists()
    assert AuditEvent.objects.filter(action="evidence.package", outcome="denied").exists()
    page = client_for(doj).get(f"/evidence/item/{received[0].reference}/")
    assert b"handling-conditions" in page.content and b"consent-form" not in page.content
    with pytest.raises(Forbidden, match=r"doj\.analyst is not a supervisor of US-DOJ-CPB"):
        record_consent(received[0], doj, "letter")
    with pytest.raises(Invalid, match="say who gave the consent"):
        record_consent(received[0], doj_chief, " ")
    chief = client_for(doj_chief)
    assert b"consent-form" in chief.get(f"/evidence/item/{received[0].reference}/").content
    for item in received:
        chief.post(
            f"/evidence/item/{item.reference}/consent/",
            {"granted_by": "CBI letter 14/2026", "scope": "US v. Doe, trial"},
        )
    event = CustodyEvent.objects.filter(action="consent").first()
    assert json.loads(event.leaf.record)["granted_by"] == "CBI letter 14/2026"
    assert AuditEvent.objects.filter(action="evidence.consent", outcome="ok").count() == 3
    result = make_package(doj_case, tmp_path / "court.zip", by=doj)
    assert result.items == 3


def test_consent_command_and_items_without_conditions(
    received: list[EvidenceItem], cbi_case: Case, doj_chief: User
) -> None:
    out = io.StringIO()
    call_command(
        "evidence", "consent", received[0].reference, "--by", "doj.chief",
        "--granted-by", "CBI letter", stdout=out,
    )  # fmt: skip
    assert out.getvalue().startswith(f"{received[0].reference}: consent recorded (ledger leaf ")
    own = EvidenceItem.objects.filter(case=cbi_case).first()
    assert not own.needs_consent
    with pytest.raises(CommandError, match="came with no handling conditions") as exc:
        call_command(
            "evidence", "consent", own.reference, "--by", "cbi.officer", "--granted-by", "x"
        )
    assert exc.value.returncode == 3


def test_answer_from_the_request_page(
    executing: Request,
    cbi_case: Case,
    cbi: User,
    doj: User,
    doj_case: Case,
    client_for: Callable[[User], Any],
) -> None:
    url = f"/requests/{executing.reference}/"
    page = client_for(cbi).get(url)
    assert b'data-testid="request-answer"' in page.content
    assert b'data-testid="request-answer"' not in client_for(doj).get(url).content
    done = client_for(cbi).post(
        f"{url}answer/", {"case": cbi_case.reference, "custodian_name": "R. Sen"}, follow=True
    )
    assert b"the package was verified and stored as" in done.content
    assert Request.objects.get().status == "verified"
    shown = client_for(doj).get(url).content
    assert b'data-testid="request-packages"' in shown
    assert "No onward sharing without the providing state's consent." in shown.decode()
    assert EvidenceItem.objects.filter(case=doj_case).count() == 3


def test_answer_through_the_api(
    executing: Request, cbi_case: Case, cbi: User, doj: User, api_for: Callable[..., Any]
) -> None:
    path = f"/requests/{executing.reference}/answer"
    wrong = api_for(cbi).post(path, {"case": "CASE-NONE"})
    assert wrong.status_code == 422 and wrong.json()["error"]["details"] == [{"field": "case"}]
    assert api_for(doj).post(path, {"case": cbi_case.reference}).status_code == 422
    answered = api_for(cbi).post(path, {"case": cbi_case.reference, "allow_onward_sharing": True})
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert (body["state"], len(body["items"])) == ("delivered", 3)
    assert body["conditions"]["onward_sharing"] == "allowed"
    assert not any(
        i.needs_consent for i in EvidenceItem.objects.filter(reference__in=body["items"])
    )


def test_chunks_are_kept_only_when_whole_and_a_lost_chunk_is_asked_for_again(
    executing: Request, package: Path, cbi: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "CHUNK_SIZE", transfer.MIN_CHUNK)
    out = _answer(executing, package, cbi)
    plan = receipt.plan_for(out)
    incoming = PackageTransfer.objects.create(
        request=out.request, direction="in", message_id=out.message_id,
        package_sha256=out.package_sha256, size=out.size, state="receiving",
    )  # fmt: skip
    transfer.prepare(incoming, plan)
    source = transfer.outgoing_path(out)
    chunks = [transfer.read_chunk(source, plan, i) for i in range(len(plan.chunks))]
    with pytest.raises(transfer.TransferError, match="truncated or altered, not kept"):
        transfer.put_chunk(incoming, plan, plan.chunks[0], io.BytesIO(chunks[0][:-1]), None)
    with pytest.raises(transfer.TransferError, match=r"this one says 5 \(truncated\?\)"):
        transfer.put_chunk(incoming, plan, plan.chunks[0], io.BytesIO(b"short"), 5)
    assert transfer.missing(incoming, plan) == list(range(len(plan.chunks)))
    for name, data in zip(plan.chunks, chunks, strict=True):
        assert transfer.put_chunk(incoming, plan, name, io.BytesIO(data), len(data))["held"]
    again = transfer.put_chunk(incoming, plan, plan.chunks[0], io.BytesIO(b""), 0)
    assert again["already"] is True
    assert transfer.running_digest(incoming, plan) == plan.sha256  # carried in order
    part = transfer.part_path(incoming)
    with part.open("r+b") as f:  # a crash lost the last chunk's bytes, not its marker
        f.seek(plan.span(len(plan.chunks) - 1)[0])
        f.write(b"\0" * 10)
    assert transfer.hash_file(part)[0] != plan.sha256
    assert transfer.recheck(incoming, plan) == [len(plan.chunks) - 1]
    assert transfer.missing(incoming, plan) == [len(plan.chunks) - 1]


def test_transfer_routes_refuse_a_caller_that_does_not_answer_the_request_and_audit_it(
    received: list[EvidenceItem], doj: User, api_for: Callable[..., Any]
) -> None:
    transfer_row = PackageTransfer.objects.get(direction="in")
    answered = inbound.reply(inbound.transfer_status, transfer_row.package_sha256, doj)
    assert answered.status == 403
    assert "is not of the partner node that answers" in answered.body["error"]["message"]
    event = AuditEvent.objects.get(action="request.transfer", outcome="denied")
    assert event.detail["step"] == "transfer_status"
    unknown = api_for(doj).get(f"/transfers/{'0' * 64}")
    assert unknown.status_code == 404
    assert "was offered to this node" in unknown.json()["error"]["message"]
    assert unknown.headers["X-TraceBridge-Signature"]  # errors are signed answers too
    assert api_for(None).get(f"/transfers/{'0' * 64}").status_code == 401
