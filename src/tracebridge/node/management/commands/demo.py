from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from rich.table import Table

from tracebridge.commands import console
from tracebridge.demo import DEMO_PASSWORD
from tracebridge.node.demo_loader import load_world


class Command(BaseCommand):
    help = (
        "Build the embedded database, load the demo world and serve it on 127.0.0.1 "
        "(a development server; use `tracebridge serve` in production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--reset", action="store_true", help="start from an empty database")
        parser.add_argument("--no-serve", action="store_true", help="load, print logins, exit")

    def handle(self, *args: Any, port: int, reset: bool, no_serve: bool, **options: Any) -> None:
        out = console()
        home = Path(settings.HOME)
        if reset:
            self._reset(home)
        home.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("i18n", "compile", verbosity=0)
        ctx = load_world(out)
        table = Table(title="Demo sign-ins (password for all: " + DEMO_PASSWORD + ")")
        for column in ("username", "agency", "role"):
            table.add_column(column)
        partners = []
        for user in ctx.users.values():
            code = user.agency.code if user.agency else "-"
            if code in ctx.agencies:
                table.add_row(user.username, code, user.role)
            else:
                partners.append(user.username)
        out.print(table)
        if partners:
            out.print(
                f"  also {len(partners)} bank and carrier sign-ins (same password), e.g. "
                + ", ".join(sorted(partners)[:4])
            )
        for what, value in ctx.summary:
            out.print(f"  {what}: {value}")
        out.print(
            f"Open http://127.0.0.1:{port}/login/ and sign in, e.g. as fbi.analyst or "
            f"cbi.analyst with password {DEMO_PASSWORD}. Data lives in {home}."
        )
        if not no_serve:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def _reset(self, home: Path) -> None:
        if connection.vendor == "sqlite":
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{settings.DATABASES['default']['NAME']}{suffix}").unlink(missing_ok=True)
        else:
            call_command("flush", interactive=False, verbosity=0)
        shutil.rmtree(home / "demo-world", ignore_errors=True)
