from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db.models import Sum
from django.utils.dateparse import parse_datetime
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from tracebridge.agencies.models import User
from tracebridge.cases.models import Case
from tracebridge.commands import SubcommandCommand, console
from tracebridge.evidence import zones
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.case_uco import CASE_VERSION
from tracebridge.evidence.models import EvidenceItem
from tracebridge.evidence.provenance import dumps, export_case_uco
from tracebridge.evidence.services import METADATA, add_evidence, record_consent


def _add_args(p: Any) -> None:
    p.add_argument("--case", required=True, help="case reference, e.g. CASE-US-FBI-2026-0001")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--by", help="username recording the evidence")
    p.add_argument("--device", default="", help="make, model, serial number / IMEI of the source")
    p.add_argument("--collected-by", default="")
    p.add_argument(
        "--collected-at", default="", help="ISO 8601 time of collection, with its offset"
    )
    p.add_argument(
        "--collected-zone",
        default="",
        help="IANA zone the collector worked in, e.g. America/New_York "
        "(default: the offset --collected-at gives)",
    )
    p.add_argument("--place", default="", help="where it was collected")
    p.add_argument("--legal-authority", default="", help="warrant, order or consent")
    p.add_argument("--description", default="", help="what it is")


def _package_args(p: Any) -> None:
    p.add_argument("--case", required=True)
    p.add_argument("--out", required=True, type=Path, help="the ZIP to write")
    p.add_argument("--items", nargs="*", default=[], help="only these evidence references")
    p.add_argument("--by", help="username of the certifying officer (named in the certificates)")
    p.add_argument("--place", default="", help="place named in the certificates")


def _progress() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console(),
        transient=True,
    )


def _case(reference: str) -> Case:
    case = Case.objects.select_related("agency").filter(reference=reference).first()
    if case is None:
        raise CommandError(f"no case {reference}")
    return case


def _user(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user


def _when(text: str) -> dt.datetime | None:
    if not text:
        return None
    value = parse_datetime(text)
    if value is None or value.tzinfo is None:
        raise CommandError(f"--collected-at needs an ISO 8601 time with offset, got {text!r}")
    return value


def _consent_args(p: Any) -> None:
    p.add_argument("item", help="evidence reference, e.g. CASE-IN-CBI-2026-0001-E001")
    p.add_argument("--by", required=True, help="username of a supervisor of the owning agency")
    p.add_argument(
        "--granted-by", required=True, help="who consented and how (e.g. a letter's reference)"
    )
    p.add_argument("--scope", default="", help="to whom or for what the consent allows sharing")


def _provenance_args(p: Any) -> None:
    p.add_argument("source", metavar="PKG_OR_CASE", help="a package ZIP, or a case reference")
    p.add_argument("--out", required=True, type=Path, help="the JSON-LD file to write")
    p.add_argument("--by", help="username exporting it (audited, named in the graph)")
    p.add_argument(
        "--trusted-key", help="the issuing node's verifier key, to check a package against"
    )


class Command(SubcommandCommand):
    help = "Add evidence files to a case and write court packages."
    verbs = {
        "add": ("Store files as evidence of a case (SHA-256, ledger, custody).", _add_args),
        "package": ("Write a verifiable evidence package (ZIP) for a case.", _package_args),
        "provenance": (
            "Export a package's or a case's provenance as CASE/UCO JSON-LD.",
            _provenance_args,
        ),
        "consent": (
            "Record the providing state's consent to onward sharing of received evidence.",
            _consent_args,
        ),
    }

    def do_add(
        self, case: str, files: list[Path], by: str | None, collected_at: str, **meta: Any
    ) -> None:
        target, user, when = _case(case), _user(by), _when(collected_at)
        if when is not None and not meta.get("collected_zone"):
            meta["collected_zone"] = zones.offset_name(when)
        for f in files:
            if not f.is_file():
                raise CommandError(f"{f} is not a file")
        started, total = time.perf_counter(), sum(f.stat().st_size for f in files)
        metadata = {k: meta[k] for k in METADATA if k in meta}  # collected_at is `when`
        with _progress() as bar:
            task = bar.add_task("storing", total=total)
            for f in files:
                with f.open("rb") as source:
                    item = add_evidence(
                        target,
                        source,
                        f.name,
                        by=user,
                        collected_at=when,
                        progress=lambda n: bar.advance(task, n),
                        **metadata,
                    )
                self.stdout.write(f"{item.reference}\t{item.sha256}\t{item.size}\t{item.filename}")
        took = time.perf_counter() - started
        self.stderr.write(f"added {len(files)} files ({total} bytes) to {case} in {took:.1f}s")

    def do_package(
        self, case: str, out: Path, items: list[str], by: str | None, place: str, **_: Any
    ) -> None:
        target, started = _case(case), time.perf_counter()
        chosen = target.evidence.filter(reference__in=items) if items else target.evidence.all()
        total = chosen.aggregate(total=Sum("size"))["total"] or 0
        with _progress() as bar:
            task = bar.add_task("packaging", total=total)
            result = make_package(
                target,
                out,
                by=_user(by),
                refs=items,
                place=place,
                progress=lambda n: bar.advance(task, n),
            )
        took = time.perf_counter() - started
        cosigned = "with" if result.cosigned else "without"
        self.stdout.write(
            f"wrote {result.path}: {result.items} items, {result.bytes} bytes, checkpoint size "
            f"{result.checkpoint_size}, {cosigned} partner cosignature, in {took:.1f}s"
        )

    def do_provenance(
        self, source: str, out: Path, by: str | None, trusted_key: str | None, **_: Any
    ) -> None:
        graph = export_case_uco(source, _user(by), trusted_key)
        partial = out.with_name(out.name + ".partial")
        partial.write_bytes(dumps(graph))
        partial.replace(out)
        kinds = [n["@type"] for n in graph["@graph"]]
        self.stdout.write(
            f"wrote {out}: CASE {CASE_VERSION} JSON-LD, {kinds.count('observable:File')} files, "
            f"{kinds.count('investigation:InvestigativeAction')} investigative actions, "
            f"{kinds.count('investigation:ProvenanceRecord')} provenance records"
        )

    def do_consent(self, item: str, by: str, granted_by: str, scope: str, **_: Any) -> None:
        found = EvidenceItem.objects.select_related("case", "agency").filter(reference=item).first()
        if found is None:
            raise CommandError(f"no evidence {item!r}")
        user = _user(by)
        assert user is not None
        event = record_consent(found, user, granted_by, scope)
        self.stdout.write(f"{found.reference}: consent recorded (ledger leaf {event.leaf.index})")
