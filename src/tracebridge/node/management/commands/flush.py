"""`tracebridge flush`: wipe every table, the audit log included.

The audit log's SQLite triggers refuse DELETE, so this one deliberate operator action lifts them
for the duration of the flush and puts them back. (PostgreSQL flushes with TRUNCATE, which the
row triggers do not cover; see migration 0002.)
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

_triggers = import_module("tracebridge.agencies.migrations.0002_audit_append_only")


class Command(FlushCommand):
    help = "Remove ALL data from the database, the audit log included (operators only)."

    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database", "default")]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with connection.cursor() as cursor:
            for sql in _triggers.SQLITE_DOWN:
                cursor.execute(sql)
        try:
            super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for sql in _triggers.SQLITE_UP:
                    cursor.execute(sql)
