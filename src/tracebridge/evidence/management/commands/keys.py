from __future__ import annotations

from typing import Any

from tracebridge.commands import SubcommandCommand
from tracebridge.evidence import keys


def _init_args(p: Any) -> None:
    p.add_argument(
        "--force",
        action="store_true",
        help="replace existing keys (old packages stay valid under the old key)",
    )


class Command(SubcommandCommand):
    help = "The node's Ed25519 keys for signing and cosigning ledger checkpoints."
    verbs = {
        "init": ("Create the node's keys under TRACEBRIDGE_HOME/keys (mode 0600).", _init_args),
        "show": (
            "Print the verifier keys (C2SP signed-note format) to give to partners and courts.",
            lambda p: None,
        ),
    }

    def do_init(self, force: bool, **_: Any) -> None:
        written = keys.init_keys(force=force)
        for role, path in written.items():
            self.stderr.write(f"created {role} key {path}")
        if not written:
            self.stderr.write(f"keys already exist in {keys.key_dir()} (use --force to replace)")
        self.do_show()

    def do_show(self, **_: Any) -> None:
        self.stdout.write(f"node\t{keys.verifier_key('node')}")
        self.stdout.write(f"cosigner\t{keys.verifier_key('cosigner')}")
