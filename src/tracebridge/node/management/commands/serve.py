from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tracebridge import uploads
from tracebridge.node import serving


class Command(BaseCommand):
    help = "Run the production server (gunicorn workers, static files through whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
        parser.add_argument("--threads", type=int, default=4, help="threads per worker")
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--no-redis",
            action="store_true",
            help="do not look for Redis on 127.0.0.1:6379 when REDIS_URL is not set",
        )

    def handle(
        self,
        *args: Any,
        bind: str,
        workers: int,
        threads: int,
        no_collectstatic: bool,
        no_redis: bool,
        **options: Any,
    ) -> None:
        self._choose_cache(no_redis)
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        call_command("i18n", "compile", verbosity=0)
        removed = uploads.remove_stale(Path(settings.FILE_UPLOAD_TEMP_DIR))
        if removed:
            self.stderr.write(f"removed {removed} upload(s) left by a server that stopped")
        argv = serving.gunicorn_argv(bind, workers, threads, settings.CONFIG.worker_timeout)
        os.execv(argv[0], argv)  # noqa: S606 - replaces this process with the server

    def _choose_cache(self, no_redis: bool) -> None:
        url = serving.node_redis_url(settings.CONFIG.redis_url, look=not no_redis)
        if url:
            os.environ["REDIS_URL"] = url  # the workers build their settings from it
        where = f"Redis at {url}" if url else "each worker's memory (no Redis)"
        self.stderr.write(f"rate limits and caches: {where}")
