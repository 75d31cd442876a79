from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tracebridge.agencies.services import get_agency
from tracebridge.commands import SubcommandCommand, console
from tracebridge.sharing import signing
from tracebridge.sharing.exports import export_bundle, export_bundle_for
from tracebridge.sharing.services import agreement_between
from tracebridge.sharing.stix import StixError
from tracebridge.sharing.sync import SyncError, get_partner, import_bundle_file


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agency", required=True, help="the sharing agency")
    p.add_argument("--out", required=True, type=Path, help="bundle file to write")
    p.add_argument("--partner", default="", help="receiving agency: what its agreement allows")


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", type=Path)
    p.add_argument("--partner", required=True, help="partner node name (its key verifies)")
    p.add_argument("--signature", type=Path, default=None, help="default: BUNDLE.sig")


class Command(SubcommandCommand):
    help = "STIX 2.1 bundles: export an agency's shareable records; import a partner's bundle."
    verbs = {
        "export": (
            "Write a signed STIX 2.1 bundle (BUNDLE.json and BUNDLE.json.sig).",
            _export_args,
        ),
        "import": ("Verify and import a partner's signed bundle.", _import_args),
    }

    def do_export(self, agency: str, out: Path, partner: str, **_: Any) -> None:
        started = time.perf_counter()
        owner = get_agency(agency)
        with console().status("exporting STIX"):
            if partner:
                agreement = agreement_between(owner, get_agency(partner))
                if agreement is None:
                    raise CommandError(f"no agreement from {owner.code} to {partner}")
                bundle = export_bundle_for(agreement)
            else:
                bundle = export_bundle(owner)
        body = json.dumps(bundle, indent=1, ensure_ascii=False).encode()
        out.write_bytes(body)
        key = signing.load_node_key()
        out.with_name(out.name + ".sig").write_text(signing.sign_file(key, body) + "\n")
        self.stdout.write(
            f"{len(bundle['objects'])} objects -> {out} (+ .sig) "
            f"in {time.perf_counter() - started:.1f}s"
        )

    def do_import(self, bundle: Path, partner: str, signature: Path | None, **_: Any) -> None:
        sig_path = signature or bundle.with_name(bundle.name + ".sig")
        if not sig_path.exists():
            raise CommandError(f"no signature file {sig_path}: unsigned bundles are refused")
        try:
            result = import_bundle_file(
                get_partner(partner), bundle.read_bytes(), sig_path.read_text().strip()
            )
        except (SyncError, StixError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{result.objects} objects: {result.created} complaints created, "
            f"{result.updated} updated, {result.unchanged} unchanged, "
            f"{len(result.rejected)} rejected"
        )
