from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracebridge.evidence import verifier


class Command(BaseCommand):
    help = "Verify an evidence package offline (same checks as python -m tracebridge.evidence.verifier)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("package")
        parser.add_argument(
            "--trusted-key",
            type=verifier.key_argument,
            help="the node's verifier key, or a file holding it",
        )
        parser.add_argument(
            "--trusted-cosigner",
            type=verifier.key_argument,
            action="append",
            help="a partner's cosigner key, or a file of keys one a line (repeatable)",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verifier.verify_package(
            options["package"], options["trusted_key"], options["trusted_cosigner"]
        )
        verifier.print_report(report, as_json=options["json"], out=self.stdout)
        if not report.ok:
            raise CommandError("the package did NOT verify; see the FAIL lines above")
