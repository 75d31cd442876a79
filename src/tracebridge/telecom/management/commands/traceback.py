"""tracebridge traceback --call CALL_ID: the call's path from carriers' hop records."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tracebridge.commands import run_service
from tracebridge.telecom import services


class Command(BaseCommand):
    help = "Print a stored call's path, hop by hop, from the terminating carrier back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--call", required=True, metavar="CALL_ID")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, call: str, json: bool = False, **options: Any) -> None:
        trace = run_service(services.trace_call, call)
        if json:
            self.stdout.write(_json(trace))
            return
        t = trace.target
        self.stdout.write(f"call {call}: {t.calling} -> {t.called}")
        for hop in trace.hops:
            upstream = f" <- {hop.upstream}" if hop.upstream else ""
            detail = ""
            if hop.record is not None:
                detail = f"  (attestation {hop.record.attestation or '-'}, origid {hop.record.origid or '-'})"
            self.stdout.write(f"  {hop.position}. {hop.carrier} [{hop.role}]{upstream}{detail}")
        self.stdout.write(trace.outcome)


def _json(trace: services.Trace) -> str:
    return json.dumps(
        {
            "call_id": trace.target.call_id,
            "calling_number": trace.target.calling,
            "called_number": trace.target.called,
            "hops": [
                {
                    "position": h.position,
                    "carrier": h.carrier,
                    "upstream": h.upstream,
                    "role": h.role,
                }
                for h in trace.hops
            ],
            "outcome": trace.outcome,
        },
        indent=2,
    )
