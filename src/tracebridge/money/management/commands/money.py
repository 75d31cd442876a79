"""``tracebridge money import|trace|holds|mules``: thin wrappers over the money services."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from rich.console import Console
from rich.table import Table

from tracebridge.agencies.models import User
from tracebridge.agencies.services import get_agency
from tracebridge.commands import SubcommandCommand, console
from tracebridge.complaints.models import Complaint
from tracebridge.errors import NotFound
from tracebridge.money import holds, registry, services
from tracebridge.progress import console_progress


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help="trail files (.csv or .parquet)")
    p.add_argument("--agency", required=True, help="the submitting bank or agency, e.g. BANK-SBIN")
    p.add_argument("--tlp", default="AMBER", help="marking of the import record (default AMBER)")


def _trace_args(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--complaint", help="complaint ref (or SOURCE:REF)")
    group.add_argument("--txn", help="a transaction id to follow onward")
    p.add_argument("--json", action="store_true", help="print the trail as JSON")


def _holds_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--complaint", required=True, help="complaint ref (or SOURCE:REF)")
    p.add_argument("--user", required=True, help="the analyst who sends the requests")


def _mules_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="write account,key,score,level,victims,reasons CSV")
    p.add_argument("--agency", help="also update the registry, owned by this agency")


class Command(SubcommandCommand):
    help = "Money trails: import, trace, hold requests and the mule scan."
    verbs = {
        "import": ("Import transaction trail files into the store.", _import_args),
        "trace": ("Trace a complaint's payment (or a transaction) forward.", _trace_args),
        "holds": ("Create hold requests for a complaint's trail.", _holds_args),
        "mules": ("Score every account; write a CSV and/or update the registry.", _mules_args),
    }

    def do_import(self, files: list[Path], agency: str, tlp: str, **_: Any) -> None:
        owner = get_agency(agency)
        started, stored, rejected = time.perf_counter(), 0, 0
        with console_progress(console()) as progress:
            task = progress.add_task("importing", total=len(files))
            for path in files:
                _batch, report = services.import_trail(path, owner, tlp=tlp)
                stored, rejected = stored + report.stored, rejected + report.rejected_total
                for problem in report.problems[:20]:
                    console().print(f"{path.name}:{problem['line']}: {problem['reason']}")
                progress.advance(task)
        self.stdout.write(
            f"imported {stored} transactions from {len(files)} file(s); {rejected} rejected "
            f"in {time.perf_counter() - started:.1f}s into {services.store().root}"
        )

    def do_trace(self, complaint: str | None, txn: str | None, **options: Any) -> None:
        if complaint:
            found = _complaint(complaint)
            data = services.trail_dict(services.trace_complaint(found))
        else:
            data = services.trail_dict(services.trace_txn(txn or ""))
        if options.get("json"):
            self.stdout.write(_dumps(data))
            return
        _print_trail(data, self.stdout._out)
        self.stdout.write(
            f"{len(data['hops'])} hops over {len(data['layers'])} layers; paid {data['paid']} "
            f"{data['currency']}, can still be held {data['holdable']}, "
            f"cashed out {data['cashed_out']}"
        )

    def do_holds(self, complaint: str, user: str, **_: Any) -> None:
        sender = User.objects.filter(username=user).first()
        if sender is None:
            raise CommandError(f"no user {user!r}")
        created = holds.create_holds(_complaint(complaint), sender)
        for hold in created:
            self.stdout.write(
                f"{hold.reference}\t{hold.account}\t{hold.bank}\t{hold.amount} {hold.currency}"
            )
        self.stdout.write(f"{len(created)} hold requests")

    def do_mules(self, out: Path | None, agency: str | None, **_: Any) -> None:
        if not out and not agency:
            raise CommandError("give --out FILE.csv, --agency CODE, or both")
        started = time.perf_counter()
        with console_progress(console()) as progress:
            task = progress.add_task("mule scan", total=None)

            def step(what: str) -> None:
                progress.update(task, description=f"mule scan: {what}")

            if agency:
                summary = registry.scan(get_agency(agency), progress=step)
                scores = summary.scores
            else:
                from tracebridge.money import mules

                scores = mules.scan(services.store().connect(), progress=step)
        if out:
            registry.write_csv(scores, out)
        levels = {
            lv: sum(1 for s in scores if s.level == lv) for lv in ("very_high", "high", "medium")
        }
        where = f" to {out}" if out else ""
        self.stdout.write(
            f"{len(scores)} mule accounts ({levels['very_high']} very high, {levels['high']} high, "
            f"{levels['medium']} medium) in {time.perf_counter() - started:.1f}s{where}"
        )


def _complaint(ref: str) -> Complaint:
    found = services.complaint_by_ref(Complaint.objects.all(), ref)
    if found is None:
        raise NotFound(f"no complaint {ref!r}")
    return found


def _dumps(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False)


def _print_trail(data: dict[str, Any], stream: Any) -> None:
    table = Table(title=f"money trail {data['complaint'] or ''} ({data['currency']})")
    for column in ("layer", "account", "bank", "received", "passed on", "cashed out", "holdable"):
        table.add_column(column)
    for a in sorted(data["accounts"], key=lambda a: (a["layer"], a["account"])):
        table.add_row(str(a["layer"]), a["account"], a["bank"] or "", a["received"],
                      a["forwarded"], a["cashed_out"], a["holdable"])  # fmt: skip
    Console(file=stream, width=160).print(table)
