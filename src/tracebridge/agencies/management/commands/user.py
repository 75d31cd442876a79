from __future__ import annotations

import argparse
import os
from typing import Any

from tracebridge.agencies.models import Role
from tracebridge.agencies.services import create_user
from tracebridge.commands import SubcommandCommand


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("username")
    p.add_argument("--agency", required=True, help="agency code, e.g. IN-CBI")
    p.add_argument("--role", required=True, choices=Role.values)
    p.add_argument("--email", default="")
    p.add_argument("--name", default="", help="the person's full name, as certificates show it")
    p.add_argument("--title", default="", help="official title, e.g. 'Special Agent'")
    p.add_argument(
        "--password-env",
        default="",
        help="name of an environment variable holding the password "
        "(default: a random password is generated and printed once)",
    )


class Command(SubcommandCommand):
    help = "Create agency users with one role each."
    verbs = {"create": ("Create or update a user of an agency.", _create_args)}

    def do_create(
        self,
        username: str,
        agency: str,
        role: str,
        email: str,
        password_env: str,
        name: str,
        title: str,
        **_: Any,
    ) -> None:
        password = os.environ.get(password_env) if password_env else None
        user, secret = create_user(
            username, agency, role, password=password, email=email, name=name, title=title
        )
        self.stdout.write(f"user {user.username} ({role}) of {agency}")
        if not password:
            self.stdout.write(f"password (shown once): {secret}")
