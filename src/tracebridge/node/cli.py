"""The ``tracebridge`` command: Django management with TraceBridge settings."""

from __future__ import annotations

import os
import secrets
import sys

# Commands that read only the files they are given: a defence expert checking a package, or
# anyone reading help, has no node and no node settings (issue 20, point 10).
OFFLINE_COMMANDS = frozenset({"verify", "simulate", "help", "version", "--version"})
OFFLINE_VERBS = frozenset({("shaken", "verify")})
HELP_FLAGS = frozenset({"-h", "--help"})


def is_offline(args: list[str]) -> bool:
    """True for a command line that needs no node: an offline command, or help of any."""
    if not args or HELP_FLAGS & set(args):
        return True
    return args[0] in OFFLINE_COMMANDS or tuple(args[:2]) in OFFLINE_VERBS


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracebridge.settings")
    args = sys.argv[1:] if argv is None else argv
    if is_offline(args) and not os.environ.get("TRACEBRIDGE_SECRET_KEY"):
        # Offline commands sign nothing with Django's key and keep no session: a key for this
        # process alone lets settings load without a node's configuration.
        os.environ["TRACEBRIDGE_SECRET_KEY"] = secrets.token_urlsafe(50)
    from django.core.management import execute_from_command_line

    from tracebridge.config import ConfigError
    from tracebridge.errors import TracebridgeError

    try:
        execute_from_command_line(["tracebridge", *args])
    except ConfigError as exc:
        sys.stderr.write(f"tracebridge: {exc}\n")
        raise SystemExit(2) from None
    except TracebridgeError as exc:  # from a command that does not use SubcommandCommand
        from tracebridge.commands import command_error

        error = command_error(exc)
        sys.stderr.write(f"tracebridge: {error}\n")
        raise SystemExit(error.returncode) from None


if __name__ == "__main__":
    main()
