"""`tracebridge request`: formal requests between agencies, their steps and signed files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tracebridge import jsonlimits
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.services import get_agency
from tracebridge.assistance import alerts, answer, delivery, letter, reading, rules, services
from tracebridge.assistance.models import Request
from tracebridge.commands import SubcommandCommand, console, run_service
from tracebridge.errors import Unavailable
from tracebridge.progress import console_progress

# verb -> (action, help); each takes REF and --by USERNAME
STEPS = {
    "submit": ("submit", "Submit a draft for a supervisor's review."),
    "acknowledge": ("acknowledge", "Acknowledge receipt (the recipient)."),
    "ask": ("ask", "Ask the requester for more information (the recipient)."),
    "inform": ("inform", "Answer the recipient's question (the requester)."),
    "refuse": ("refuse", "Refuse with a reason code (the recipient)."),
    "accept": ("accept", "Accept the request (the recipient)."),
    "preserve": ("preserve", "Record the data preserved, until --expires (the recipient)."),
    "extend": ("extend", "Extend a preservation to --expires (the recipient)."),
    "execute": ("execute", "Start executing the request (the recipient)."),
    "return-part": ("return_part", "Record a partial return (the recipient)."),
    "return": ("return", "Record the full return (the recipient)."),
    "verify": ("verify", "Record the returned material verified (the requester)."),
    "reject": ("reject", "Reject the returned material, with a --note (the requester)."),
    "close": ("close", "Close the request (the requester)."),
    "withdraw": ("withdraw", "Withdraw the request (the requester)."),
    "expire": ("expire", "Record a preservation lapsed (the recipient)."),
}


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agency", required=True, help="requesting agency code")
    p.add_argument("--to", required=True, help="receiving agency (partner's or custodian) code")
    p.add_argument("--kind", required=True, choices=rules.KINDS)
    p.add_argument("--case", required=True, help="the requesting agency's case reference")
    p.add_argument("--fields", required=True, help="JSON file of the kind's fields")
    p.add_argument("--by", required=True, help="username of the analyst making it")
    p.add_argument("--campaign", default="", help="campaign code to link")
    p.add_argument("--complaint", action="append", default=[], help="complaint ref to link")


def _step_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("reference")
    p.add_argument("--by", required=True, help="username taking the step")
    p.add_argument("--note", default="")
    p.add_argument("--reason", choices=rules.REFUSAL_REASONS, help="refusal reason code")
    p.add_argument("--expires", help="preservation expiry, ISO 8601 (default 90/60 days)")


def _ref_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("reference")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _approve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("reference")
    p.add_argument("--by", required=True, help="the approving supervisor's username")


VERBS: dict[str, Any] = {
    "create": ("Create a request; prints its reference.", _create_args),
    "fields": (
        "Print a kind's fields as JSON Schema.",
        lambda p: (
            p.add_argument("--kind", required=True, choices=rules.KINDS),
            p.add_argument("--json", action="store_true"),
        ),
    ),
    "approve": ("A supervisor's approval: the request is sent.", _approve_args),
    "show": ("Show a request: kind, status, clocks, signed messages.", _ref_args),
    "list": ("List requests.", lambda p: p.add_argument("--json", action="store_true")),
    "export": (
        "Write a request's signed messages to a file.",
        lambda p: (p.add_argument("reference"), p.add_argument("--out", required=True)),
    ),
    "import": ("Apply a file of signed messages (idempotent).", lambda p: p.add_argument("file")),
    "send": (
        "Send a request's signed messages to the partner's node now; print each receipt.",
        lambda p: p.add_argument("reference"),
    ),
    "deliver": ("Try every pending message whose next attempt is due.", lambda p: None),
}
VERBS.update({verb: (text, _step_args) for verb, (_, text) in STEPS.items()})


def _answer_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("reference")
    p.add_argument("--package", required=True, type=Path, help="the evidence package (ZIP)")
    p.add_argument("--by", required=True, help="username of the recipient's analyst answering")
    p.add_argument("--part", action="store_true", help="a partial return (more will follow)")
    p.add_argument("--custodian-name", default="", help="who certifies (default: --by's name)")
    p.add_argument("--custodian-title", default="", help="their title (default: --by's title)")
    p.add_argument("--place", default="", help="where the certificate is executed")
    p.add_argument("--use", default="", help="the limits on use (default: the request's purpose)")
    p.add_argument(
        "--allow-onward-sharing",
        action="store_true",
        help="allow onward sharing without asking (default: only with consent)",
    )
    p.add_argument("--note", default="")
    p.add_argument("--no-send", action="store_true", help="announce only; send later")


VERBS["answer"] = (
    "Answer with an evidence package and its certificate of authenticity; sends it.",
    _answer_args,
)
VERBS["letter"] = (
    "Print the request as a formal letter (PDF; Hindi headings for an Indian addressee).",
    lambda p: (
        p.add_argument("reference"),
        p.add_argument("--out", required=True, type=Path, help="the PDF to write"),
        p.add_argument("--by", help="username printing it (audited)"),
    ),
)
VERBS["alerts"] = (
    "List overdue requests and expiring or lapsed preservations of an agency (or of all).",
    lambda p: (
        p.add_argument("--agency", help="agency code (default: every agency of this node)"),
        p.add_argument("--json", action="store_true", help="machine-readable output"),
    ),
)
VERBS["transfer"] = (
    "Send, or resume sending, an answer's package to the requesting node.",
    lambda p: p.add_argument("reference"),
)


def _user(username: str) -> User:
    user = User.objects.filter(username=username).select_related("agency").first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user


def _request(reference: str) -> Request:
    request = Request.objects.filter(reference=reference).first()
    if request is None:
        raise CommandError(f"no request {reference!r} on this node")
    return request


class Command(SubcommandCommand):
    help = (
        "Formal cross-border requests: create, approve, steps, answer with evidence, transfer, "
        "show, list, export, import."
    )
    verbs = VERBS

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb in STEPS:
            options.pop("verb")
            action = STEPS[verb][0]
            return run_service(self.do_step, action=action, **options)
        return super().handle(*args, **options)

    def do_create(
        self,
        agency: str,
        to: str,
        kind: str,
        case: str,
        fields: str,
        by: str,
        campaign: str,
        complaint: list[str],
        **_: Any,
    ) -> None:
        try:
            data = jsonlimits.loads(Path(fields).read_bytes(), fields)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{fields}: {exc}") from None
        links = {"campaign": campaign, "complaints": complaint}
        request = services.create(get_agency(agency), to, kind, case, data, _user(by), links)
        self.stdout.write(request.reference)

    def do_fields(self, kind: str, **_: Any) -> None:
        self.stdout.write(json.dumps(rules.schema(kind), indent=2, ensure_ascii=False))

    def do_approve(self, reference: str, by: str, **_: Any) -> None:
        request = services.act(_request(reference), "approve", _user(by))
        self.stdout.write(f"{request.reference}: {request.status}")

    def do_step(
        self,
        reference: str,
        action: str,
        by: str,
        note: str = "",
        reason: str | None = None,
        expires: str | None = None,
        **_: Any,
    ) -> None:
        data = {"note": note, "reason": reason or "", "until": expires}
        request = services.act(_request(reference), action, _user(by), **data)
        self.stdout.write(f"{request.reference}: {request.status}")

    def do_answer(
        self,
        reference: str,
        package: Path,
        by: str,
        part: bool,
        custodian_name: str,
        custodian_title: str,
        place: str,
        use: str,
        allow_onward_sharing: bool,
        note: str,
        no_send: bool,
        **_: Any,
    ) -> None:
        outgoing = answer.answer(
            _request(reference),
            package,
            _user(by),
            part=part,
            certifier=answer.Certifier(custodian_name, custodian_title, place),
            conditions=answer.Conditions(use or answer.DEFAULT_USE, allow_onward_sharing),
            note=note,
        )
        self.stdout.write(
            f"{reference}: answered with package {outgoing.package_sha256} ({outgoing.size} bytes)"
        )
        if not no_send:
            self._deliver(outgoing)

    def do_letter(self, reference: str, out: Path, by: str | None, **_: Any) -> None:
        data = letter.letter_pdf(_request(reference), _user(by) if by else None)
        partial = out.with_name(out.name + ".partial")
        partial.write_bytes(data)
        partial.replace(out)
        self.stdout.write(f"wrote {out}: {len(data)} bytes")

    def do_alerts(self, agency: str | None, json: bool, **_: Any) -> None:
        chosen = [get_agency(agency)] if agency else list(Agency.objects.order_by("code"))
        rows = [
            {"agency": a.code, **alert.as_dict()} for a in chosen for alert in alerts.of_agency(a)
        ]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            self.stdout.write(
                f"{r['agency']}  {r['reference']}  {r['alert']:<8} {r['side']:<8} "
                f"{r['kind']:<12} {r['from']} -> {r['to']}  {str(r['when'])[:16]}"
            )
        self.stderr.write(f"{len(rows)} alerts")

    def do_transfer(self, reference: str, **_: Any) -> None:
        self._deliver(answer.pending(_request(reference)))

    def _deliver(self, outgoing: Any) -> None:
        counted = {"chunks": 0}
        with console_progress(console(), transient=True) as bar:
            task = bar.add_task("sending", total=outgoing.size)
            done = answer.deliver(
                outgoing,
                progress=lambda n: bar.advance(task, n),
                chunks_sent=lambda n: counted.update(chunks=n),
            )
        if done.state == "refused":
            raise CommandError(
                f"the receiving node refused package {done.package_sha256}: {done.reason}",
                returncode=3,
            )
        self.stdout.write(
            f"delivered {done.package_sha256}: {counted['chunks']} chunks sent; "
            f"stored as {', '.join(done.items)}"
        )

    def do_show(self, reference: str, json: bool, **_: Any) -> None:
        view = reading.detail(_request(reference))
        if json:
            self.stdout.write(_dumps(view))
            return
        self.stdout.write(
            f"{view['reference']}  {view['kind']}  {view['status']}  "
            f"{view['from']} -> {view['to']}  case {view['case']}"
        )
        for name, value in view["clocks"].items():
            self.stdout.write(f"  {name}: {value}")
        for m in view["messages"]:
            receipt = m.get("receipt")
            got = f"; receipt {receipt['status']} by {receipt['signer']}" if receipt else ""
            self.stdout.write(
                f"  {m['seq']:>3} {m['action']:<12} by {m['by']} "
                f"signed {m['signer']} ledger #{m['ledger_index']}{got}"
            )

    def do_list(self, json: bool, **_: Any) -> None:
        rows = [reading.row(r) for r in Request.objects.select_related("partner")]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            due = r["clocks"]["due_at"][:16]
            self.stdout.write(
                f"{r['reference']}  {r['kind']:<12} {r['status']:<18} "
                f"{r['from']} -> {r['to']}  due {due}"
            )

    def do_export(self, reference: str, out: str, **_: Any) -> None:
        document = services.export(_request(reference))
        Path(out).write_text(_dumps(document) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(document['messages'])} signed messages written to {out}")

    def do_import(self, file: str, **_: Any) -> None:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc}") from None
        result = services.import_file(data, name=file)
        self.stdout.write(
            f"{', '.join(result.references)}: {result.applied} applied, "
            f"{result.already} already here"
        )

    def do_send(self, reference: str, **_: Any) -> None:
        request = _request(reference)
        self._report(delivery.send(request))
        for m in reading.detail(request)["messages"]:
            receipt, sent = m["receipt"], m["delivery"]
            if sent is not None and receipt is not None:
                self.stdout.write(
                    f"  {m['seq']:>3} {m['action']:<12} {receipt['status']} by "
                    f"{receipt['signer']} ledger #{receipt['ledger_index']}"
                )

    def do_deliver(self, **_: Any) -> None:
        self._report(delivery.deliver_due())

    def _report(self, sent: delivery.Sent) -> None:
        self.stdout.write(
            f"{sent.delivered} delivered, {sent.pending} pending, {sent.refused} refused"
        )
        for problem in sent.problems:
            self.stderr.write(problem)
        if sent.refused:
            raise services.Refused(f"{sent.refused} refused by the partner: {sent.problems[0]}")
        if sent.pending:
            raise Unavailable(
                f"{sent.pending} not delivered yet, kept in the outbox for the next attempt "
                f"(`tracebridge request deliver`): {sent.problems[0] if sent.problems else ''}"
            )


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
