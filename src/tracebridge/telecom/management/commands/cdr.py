"""tracebridge cdr import|analyze|carrier: carriers' call records in, robocall campaigns out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tracebridge.agencies.markings import TLP
from tracebridge.agencies.services import get_agency
from tracebridge.commands import SubcommandCommand, console
from tracebridge.progress import console_progress
from tracebridge.telecom import analytics, services

TLPS = [t.value for t in TLP]


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Parquet or CSV CDRs")
    p.add_argument("--agency", required=True, help="the agency (or carrier) the records belong to")
    p.add_argument("--tlp", default="AMBER", choices=TLPS)


def _analyze_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Parquet/CSV files or dirs")
    p.add_argument("--out", required=True, type=Path, metavar="DIR")
    p.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    p.add_argument("--min-calls", type=int, default=analytics.Params.min_calls)
    p.add_argument("--threshold", type=int, default=analytics.Params.threshold)
    p.add_argument("--save-as", default="", metavar="AGENCY", help="keep the campaigns in the node")


def _carrier_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="the carrier's name as CDRs write it")
    p.add_argument("--agency", default="", help="the carrier's Agency code (CARRIER-…)")
    p.add_argument("--country", default="US")
    p.add_argument("--gateway", action="store_true", help="a US entry gateway")


class Command(SubcommandCommand):
    help = "Import carriers' call detail records and find robocall campaigns in them."
    verbs = {
        "import": ("Store CDR files as Parquet partitions of an agency.", _import_args),
        "analyze": (
            "Detect robocall campaigns: DIR/campaigns.csv, DIR/call_labels.parquet.",
            _analyze_args,
        ),
        "carrier": ("Register a carrier name and the Agency that answers for it.", _carrier_args),
    }

    def do_import(self, files: list[Path], agency: str, tlp: str, **_: Any) -> None:
        owner = get_agency(agency)
        totals = [0, 0, 0]
        with console_progress(console()) as progress:
            task = progress.add_task("importing", total=len(files))
            for path in files:
                batch = services.import_cdrs(path, None, owner, tlp=tlp)
                totals = [
                    totals[0] + batch.rows,
                    totals[1] + batch.accepted,
                    totals[2] + batch.rejected,
                ]
                progress.advance(task)
        self.stdout.write(
            f"imported {len(files)} file(s): {totals[0]:,} rows, {totals[1]:,} stored, "
            f"{totals[2]:,} rejected (see *.rejects.csv) into {services.cdr_store()}"
        )

    def do_analyze(
        self,
        files: list[Path],
        out: Path,
        engine: str,
        min_calls: int,
        threshold: int,
        save_as: str,
        **_: Any,
    ) -> None:
        params = analytics.Params(min_calls=min_calls, threshold=threshold)
        owner = get_agency(save_as) if save_as else None
        with console_progress(console()) as progress:
            task = progress.add_task(f"analysing ({engine})", total=len(analytics.STAGES))
            summary = services.run_analysis(
                files,
                out,
                engine,
                params,
                lambda stage: progress.update(
                    task, completed=analytics.STAGES.index(stage), description=stage
                ),
            )
            progress.update(task, completed=len(analytics.STAGES))
        saved = len(services.save_results(out, owner)) if owner else 0
        self.stdout.write(summary.line() + f"; wrote {out}" + (f"; {saved} saved" if owner else ""))

    def do_carrier(self, name: str, agency: str, country: str, gateway: bool, **_: Any) -> None:
        carrier = services.carrier_named(name)
        carrier.agency = get_agency(agency) if agency else carrier.agency
        carrier.country, carrier.gateway = country.upper()[:2], gateway
        carrier.save()
        who = carrier.agency.code if carrier.agency else "no agency"
        self.stdout.write(
            f"carrier {carrier.name}: {who}, {carrier.country}" + (", gateway" if gateway else "")
        )
