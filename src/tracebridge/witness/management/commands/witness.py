"""`tracebridge witness`: have partners cosign this node's ledger, and show what is witnessed."""

from __future__ import annotations

import json
from typing import Any

from tracebridge.agencies.models import User
from tracebridge.commands import SubcommandCommand
from tracebridge.errors import NotFound, Unavailable
from tracebridge.evidence import ledger
from tracebridge.witness import client, reading, reset


def _run_args(p: Any) -> None:
    p.add_argument("--all", action="store_true", help="try partners still waiting to retry too")


def _reset_args(p: Any) -> None:
    p.add_argument("--partner", required=True, help="the partner's name (`partner list`)")
    p.add_argument(
        "--key", required=True, help="its new node key, as pinned with `partner add --key`"
    )
    p.add_argument("--reason", required=True, help="why the key changed (audited)")
    p.add_argument("--by", required=True, help="username of the agency admin resetting")


def _json_args(p: Any) -> None:
    p.add_argument("--json", dest="as_json", action="store_true", help="print JSON")


class Command(SubcommandCommand):
    help = "Partner witnessing (C2SP tlog-witness): cosignatures of this node's ledger."
    verbs = {
        "run": (
            "Sign a checkpoint if the ledger grew, and send it to every partner to cosign.",
            _run_args,
        ),
        "status": ("The partners' logs witnessed here and this node's witnesses.", _json_args),
        "split-views": ("Split views caught, with both signed checkpoints.", _json_args),
        "reset": (
            "Start a partner's witnessed logs again under its new key (the old ones are kept).",
            _reset_args,
        ),
    }

    def do_run(self, all: bool, **_: Any) -> None:
        latest = ledger.latest_checkpoint()
        if ledger.size() and (latest is None or latest.size < ledger.size()):
            latest = ledger.sign_checkpoint()  # its signal already asks the due partners
        outcomes = client.push_all(due_only=not all)
        for o in outcomes:
            self.stdout.write(f"{o.partner}\t{'cosigned' if o.ok else 'pending'}\t{o.message}")
        size = latest.size if latest else 0
        cosigned = client.partner_cosignatures(latest) if latest else 0  # the signal's too
        self.stdout.write(f"checkpoint {size}: cosigned by {cosigned} partners")
        failed = [o.partner for o in outcomes if not o.ok]
        if failed:
            raise Unavailable(f"not cosigned by {', '.join(failed)}: run again later")

    def do_status(self, as_json: bool, **_: Any) -> None:
        logs = [
            {"origin": g.origin, "partner": g.partner.name, "size": g.size, "root": g.root}
            for g in reading.logs()
        ]
        peers = [
            {"partner": p.partner.name, "size": p.size, "cosigner_key": p.cosigner_key,
             "last_error": p.last_error}
            for p in reading.peers()
        ]  # fmt: skip
        resets = [reading.reset_row(r) for r in reading.resets()]
        if as_json:
            self.stdout.write(_dumps({"witnessed": logs, "witnesses": peers, "resets": resets}))
            return
        for g in logs:
            self.stdout.write(f"witnessed\t{g['origin']}\t{g['partner']}\t{g['size']}\t{g['root']}")
        for p in peers:
            self.stdout.write(f"witness\t{p['partner']}\t{p['size']}\t{p['last_error'] or 'ok'}")
        for r in resets:
            self.stdout.write(f"reset\t{r['origin']}\t{r['size']}\t{r['by']}\t{r['reason']}")

    def do_reset(self, partner: str, key: str, reason: str, by: str, **_: Any) -> None:
        user = User.objects.filter(username=by).first()
        if user is None:
            raise NotFound(f"--by: no user {by!r}")
        for r in reset.reset_partner_logs(partner, key, reason, user):
            self.stdout.write(
                f"{r.log.origin}: reset at size {r.size}; the next checkpoint starts from 0"
            )

    def do_split_views(self, as_json: bool, **_: Any) -> None:
        rows = [reading.split_view_row(a) for a in reading.split_views()]
        if as_json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            self.stdout.write(
                f"{r['detected_at']}\t{r['origin']}\tsize {r['size']}\t{r['partner']}"
            )
        self.stdout.write(f"{len(rows)} split views")


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
