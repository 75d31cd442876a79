"""Shared pieces of the ``tracebridge`` management commands: subcommands, errors, output."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from tracebridge.agencies.services import ServiceError

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
        try:
            method(**options)
        except ServiceError as exc:
            raise CommandError(str(exc)) from None


def console() -> Console:
    """Rich console on stderr for progress, so stdout stays for results."""
    return Console(stderr=True)


def run_service(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service, turning its ServiceError into a clean command error."""
    try:
        return fn(*args, **kwargs)
    except ServiceError as exc:
        raise CommandError(str(exc)) from None
