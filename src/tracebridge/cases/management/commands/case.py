from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError

from tracebridge.agencies.markings import TLP_CHOICES
from tracebridge.agencies.models import User
from tracebridge.campaigns.models import Campaign
from tracebridge.cases.models import Case
from tracebridge.cases.services import create_case
from tracebridge.commands import SubcommandCommand


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agency", required=True, help="owning agency code, e.g. US-FBI")
    p.add_argument("--title", required=True)
    p.add_argument("--lead", help="username of the lead investigator (same agency)")
    p.add_argument("--description", default="")
    p.add_argument("--tlp", default="AMBER", choices=[v for v, _ in TLP_CHOICES])
    p.add_argument("--campaign", action="append", default=[], help="campaign code to link")


def _list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agency", help="only this agency's cases")


class Command(SubcommandCommand):
    help = "Open and list cases."
    verbs = {
        "create": ("Open a case; prints its reference.", _create_args),
        "list": ("List cases: reference, status, title.", _list_args),
    }

    def do_create(
        self,
        agency: str,
        title: str,
        lead: str | None,
        description: str,
        tlp: str,
        campaign: list[str],
        **_: Any,
    ) -> None:
        lead_user = User.objects.filter(username=lead).first() if lead else None
        if lead and lead_user is None:
            raise CommandError(f"no user {lead!r}")
        campaigns = list(Campaign.objects.filter(code__in=campaign))
        missing = sorted(set(campaign) - {c.code for c in campaigns})
        if missing:
            raise CommandError(f"no campaign {', '.join(missing)}")
        case = create_case(
            agency, title, lead=lead_user, description=description, tlp=tlp, campaigns=campaigns
        )
        self.stdout.write(case.reference)

    def do_list(self, agency: str | None, **_: Any) -> None:
        cases = Case.objects.select_related("agency")
        if agency:
            cases = cases.filter(agency__code=agency.upper())
        for case in cases:
            self.stdout.write(f"{case.reference}\t{case.status}\t{case.title}")
