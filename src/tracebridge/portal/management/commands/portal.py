from __future__ import annotations

import argparse
import time
from typing import Any

from tracebridge.agencies.models import Agency
from tracebridge.agencies.services import get_agency
from tracebridge.commands import SubcommandCommand
from tracebridge.portal import policy, services


def _no_args(parser: argparse.ArgumentParser) -> None:
    """refresh and policies take no arguments."""


def _policy_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("agency", help="agency code, e.g. IN-I4C")
    p.add_argument(
        "--markings", required=True, help="markings that feed public counts, e.g. CLEAR,GREEN,AMBER"
    )
    p.add_argument(
        "--min-reports",
        type=int,
        required=True,
        help="independent reports of the agency before an identifier is shown",
    )


class Command(SubcommandCommand):
    help = "Maintain the public portal's aggregates and the agencies' publication policies."
    verbs = {
        "refresh": ("Rebuild the public identifier counts and statistics.", _no_args),
        "policy": ("Set an agency's publication policy (audited).", _policy_args),
        "policies": ("List every agency's publication policy.", _no_args),
    }

    def do_refresh(self, **_: Any) -> None:
        started = time.perf_counter()
        rows = services.refresh_identifier_stats()
        services.forget_statistics()
        self.stdout.write(
            f"public aggregates: {rows} identifiers in {time.perf_counter() - started:.1f}s"
        )

    def do_policy(self, agency: str, markings: str, min_reports: int, **_: Any) -> None:
        found = get_agency(agency)
        chosen = policy.set_policy(found, markings, min_reports)
        self.stdout.write(f"{found.code}\t{chosen.describe()}")

    def do_policies(self, **_: Any) -> None:
        for agency in Agency.objects.order_by("code"):
            self.stdout.write(f"{agency.code}\t{policy.policy_of(agency).describe()}")
