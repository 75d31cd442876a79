"""The ``tracebridge`` command: Django management with TraceBridge settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracebridge.settings")
    from django.core.management import execute_from_command_line

    from tracebridge.config import ConfigError

    args = ["tracebridge", *(sys.argv[1:] if argv is None else argv)]
    try:
        execute_from_command_line(args)
    except ConfigError as exc:
        sys.stderr.write(f"tracebridge: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
