"""Shared pieces of the ``tracebridge`` management commands: subcommands, errors, output."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from tracebridge import errors

# The exit code of each kind of the one error root (docs/operator.md lists them); 2 stays
# argparse's and the settings' (a wrong command line, a node not configured).
EXIT_CODES: dict[type[errors.TracebridgeError], int] = {
    errors.TracebridgeError: 1,  # a bare ServiceError, as every command failed before kinds
    errors.Invalid: 3,
    errors.NotFound: 4,
    errors.Forbidden: 5,
    errors.Conflict: 6,
    errors.Unavailable: 7,
}

Handler = Callable[..., None]


class SubcommandCommand(BaseCommand):
    """A command with verbs, e.g. ``tracebridge agency create``.

    Subclasses list ``verbs``: name -> (help, add_arguments(parser), method name).
    """

    verbs: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {}

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="verb", required=True, metavar="VERB", parser_class=argparse.ArgumentParser
        )
        for name, (text, add) in self.verbs.items():
            add(sub.add_parser(name, help=text, description=text))

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options.pop("verb")
        method: Handler = getattr(self, f"do_{verb.replace('-', '_')}")
        run_service(method, **options)


def console() -> Console:
    """Rich console on stderr for progress, so stdout stays for results."""
    return Console(stderr=True)


def exit_code(exc: errors.TracebridgeError) -> int:
    return EXIT_CODES[errors.kind_of(exc)]


def command_error(exc: errors.TracebridgeError) -> CommandError:
    """One line on stderr and the kind's exit code (Django prints it and exits with it)."""
    return CommandError(" ".join(str(exc).split()), returncode=exit_code(exc))


def run_service(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service, turning an error of the one root into a clean command error."""
    try:
        return fn(*args, **kwargs)
    except errors.TracebridgeError as exc:
        raise command_error(exc) from None
