from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import CommandError

from tracebridge.agencies.services import get_agency
from tracebridge.commands import SubcommandCommand
from tracebridge.sharing.exports import publish
from tracebridge.sharing.models import Agreement
from tracebridge.sharing.services import agreement_between, create_agreement, revoke_agreement


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="owner", required=True, help="sharing agency code")
    p.add_argument("--to", dest="partner", required=True, help="receiving agency code")
    p.add_argument("--tlp", required=True, help="markings, e.g. CLEAR,GREEN,AMBER")
    p.add_argument(
        "--kinds", default="", help="record kinds (default: the intelligence kinds, not telecom)"
    )
    p.add_argument("--fields", default="", help="victim fields shared, e.g. city,state")
    p.add_argument("--expires", type=date.fromisoformat, default=None, help="YYYY-MM-DD")


def _pair_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="owner", required=True)
    p.add_argument("--to", dest="partner", required=True)


class Command(SubcommandCommand):
    help = "Sharing agreements between agencies: create, list, revoke."
    verbs = {
        "create": ("Create or re-state the agreement from one agency to another.", _create_args),
        "list": ("List active agreements.", lambda p: None),
        "revoke": ("Revoke the agreement from one agency to another.", _pair_args),
    }

    def do_create(
        self, owner: str, partner: str, tlp: str, kinds: str, fields: str,
        expires: date | None, **_: Any,
    ) -> None:  # fmt: skip
        agreement = create_agreement(
            owner, partner, _csv(tlp), kinds=_csv(kinds) or None, fields=_csv(fields),
            expires_on=expires,
        )  # fmt: skip
        added = publish(agreement)
        note = "; AMBER waits for a supervisor's approval" if agreement.needs_approval else ""
        self.stdout.write(
            f"agreement {agreement.pk}: {agreement.owner.code} -> {agreement.partner.code} "
            f"TLP {','.join(agreement.tlp)}; collection {agreement.collection_id}; "
            f"{added} objects published{note}"
        )

    def do_list(self, **_: Any) -> None:
        for a in Agreement.objects.select_related("owner", "partner").filter(
            revoked_at__isnull=True
        ):
            state = "awaiting approval" if a.needs_approval else "active"
            if not a.is_active():
                state = "expired"
            self.stdout.write(
                f"{a.pk}\t{a.owner.code}\t{a.partner.code}\t{','.join(a.tlp)}\t"
                f"{','.join(a.fields) or '-'}\t{a.expires_on or '-'}\t{state}\t{a.collection_id}"
            )

    def do_revoke(self, owner: str, partner: str, **_: Any) -> None:
        agreement = agreement_between(get_agency(owner), get_agency(partner))
        if agreement is None:
            raise CommandError(f"no active agreement from {owner} to {partner}")
        revoke_agreement(agreement)
        self.stdout.write(f"agreement {agreement.pk} revoked")
