from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the production server (gunicorn workers, static files through whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(
        self, *args: Any, bind: str, workers: int, no_collectstatic: bool, **options: Any
    ) -> None:
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        call_command("i18n", "compile", verbosity=0)
        argv = [
            "gunicorn",
            "tracebridge.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        os.execvp("gunicorn", argv)  # noqa: S606 - replaces this process with the server
