from __future__ import annotations

import argparse
from typing import Any

from tracebridge.commands import SubcommandCommand
from tracebridge.sharing import signing
from tracebridge.sharing.models import Partner
from tracebridge.sharing.sync import add_partner


def _add_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", required=True, help="a short name, e.g. in-node")
    p.add_argument(
        "--url", default="", help="the partner's TAXII API root URL (none when only files travel)"
    )
    p.add_argument(
        "--token", default="", help="API token the partner issued to this node (with --url)"
    )
    p.add_argument(
        "--key", required=True, help="the partner node's key (`tracebridge partner key`)"
    )
    p.add_argument("--agencies", required=True, help="agency codes the partner speaks for")


class Command(SubcommandCommand):
    help = "Partner nodes this node pulls from, and this node's own sharing key."
    verbs = {
        "add": ("Add or update a partner node.", _add_args),
        "list": ("List partner nodes and their sync cursors.", lambda p: None),
        "key": ("Print this node's Ed25519 public key (base64) for partners.", lambda p: None),
    }

    def do_add(self, name: str, url: str, token: str, key: str, agencies: str, **_: Any) -> None:
        partner = add_partner(name, url, token, key, agencies.split(","))
        self.stdout.write(
            f"partner {partner.name}: {partner.api_root or 'files only'} "
            f"({', '.join(partner.agency_codes)})"
        )

    def do_list(self, **_: Any) -> None:
        for p in Partner.objects.order_by("name"):
            self.stdout.write(
                f"{p.name}\t{p.api_root}\t{','.join(p.agency_codes)}\t{p.last_sync_at or 'never'}"
            )

    def do_key(self, **_: Any) -> None:
        self.stdout.write(signing.public_key_text(signing.load_node_key()))
