from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracebridge.evidence import verifier


class Command(BaseCommand):
    help = "Verify an evidence package offline (same checks as python -m tracebridge.evidence.verifier)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("package")
        parser.add_argument("--trusted-key", help="the node's verifier key, or a file holding it")
        parser.add_argument("--trusted-cosigner", help="the partner's cosigner key, or a file")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [options["package"]]
        for flag in ("trusted_key", "trusted_cosigner"):
            if options[flag]:
                argv += [f"--{flag.replace('_', '-')}", options[flag]]
        if options["json"]:
            argv.append("--json")
        if verifier.main(argv) != 0:
            raise CommandError("the package did NOT verify; see the FAIL lines above")
