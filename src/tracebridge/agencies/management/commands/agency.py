from __future__ import annotations

import argparse
from typing import Any

from tracebridge.agencies.models import Agency
from tracebridge.agencies.services import create_agency
from tracebridge.commands import SubcommandCommand


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("code", help="agency code, e.g. US-FBI")
    p.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. US or IN")
    p.add_argument("--name", required=True, help="full name")
    p.add_argument("--name-hi", help="the name Hindi pages show (default: keep it, or --name)")
    p.add_argument(
        "--central-authority",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the country's central authority for formal requests (default: keep it, or no)",
    )


class Command(SubcommandCommand):
    help = "Create and list agencies (tenants) of this node."
    verbs = {
        "create": ("Create an agency, or update its name and country.", _create_args),
        "list": ("List the agencies of this node.", lambda p: None),
    }

    def do_create(
        self,
        code: str,
        country: str,
        name: str,
        name_hi: str | None = None,
        central_authority: bool | None = None,
        **_: Any,
    ) -> None:
        self._line(create_agency(code, country, name, name_hi, central_authority))

    def do_list(self, **_: Any) -> None:
        for agency in Agency.objects.all():
            self._line(agency)

    def _line(self, agency: Agency) -> None:
        role = "\tcentral authority" if agency.central_authority else ""
        self.stdout.write(f"{agency.code}\t{agency.country}\t{agency.name}{role}")
