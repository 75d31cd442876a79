from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from rich.console import Console
from rich.table import Table

from tracebridge.commands import console
from tracebridge.demo import DEMO_PASSWORD
from tracebridge.errors import Unavailable
from tracebridge.node import partner_node
from tracebridge.node.demo_loader import load_world
from tracebridge.node.partner_node import PartnerNode


class Command(BaseCommand):
    help = (
        "Build the embedded database, load the demo world and serve it on 127.0.0.1 "
        "(a development server; use `tracebridge serve` in production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--reset", action="store_true", help="start from an empty database")
        parser.add_argument("--no-serve", action="store_true", help="load, print logins, exit")
        parser.add_argument(
            "--partner-port",
            type=int,
            default=0,
            help="port of the demo's second node, for India (default: --port + 1)",
        )
        parser.add_argument(
            "--one-node", action="store_true", help="serve the US node alone (no Indian node)"
        )

    def handle(
        self,
        *args: Any,
        port: int,
        reset: bool,
        no_serve: bool,
        partner_port: int,
        one_node: bool,
        **options: Any,
    ) -> None:
        out = console()
        home = Path(settings.HOME)
        if reset:
            self._reset(home)
        home.mkdir(parents=True, exist_ok=True)
        fresh = self._sqlite_file()
        fresh = fresh if fresh is not None and not fresh.exists() else None
        call_command("migrate", interactive=False, verbosity=0)
        india = None
        if not (no_serve or one_node):  # its set-up runs while this node loads
            at, b_port = home / partner_node.NAME, partner_port or port + 1
            india = partner_node.begin(at, b_port, DEMO_PASSWORD, schema=fresh)
        try:
            self._load_and_serve(out, home, port, no_serve, india)
        finally:
            if india is not None:
                india.stop()

    def _load_and_serve(
        self, out: Console, home: Path, port: int, no_serve: bool, india: PartnerNode | None
    ) -> None:
        call_command("i18n", "compile", verbosity=0)
        ctx = load_world(out)
        if india is not None:
            try:
                partner_node.demo(ctx, india, f"http://127.0.0.1:{port}")
            except Unavailable as exc:  # the US node is served all the same
                out.print(f"[bold red]The Indian node is not running:[/] {exc}")
                india = None
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
        if india is not None:
            partner_node.print_logins(india, out)
        if not no_serve:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def _sqlite_file(self) -> Path | None:
        name = str(settings.DATABASES["default"]["NAME"])
        return Path(name) if connection.vendor == "sqlite" else None

    def _reset(self, home: Path) -> None:
        if connection.vendor == "sqlite":
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{settings.DATABASES['default']['NAME']}{suffix}").unlink(missing_ok=True)
        else:
            call_command("flush", interactive=False, verbosity=0)
        shutil.rmtree(home / "demo-world", ignore_errors=True)
        shutil.rmtree(home / partner_node.NAME, ignore_errors=True)
