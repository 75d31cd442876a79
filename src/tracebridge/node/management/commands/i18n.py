from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import polib
from django.conf import settings

from tracebridge.commands import SubcommandCommand


def _compile_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--check", action="store_true", help="fail when a catalog has untranslated or fuzzy entries"
    )


def _write_mo(catalog: polib.POFile, path: Path) -> None:
    """Write beside ``path``, then rename over it: a process reading the catalog meanwhile
    (another worker of a node that ``serve`` recompiles for, another pytest worker while a test
    runs ``demo``) reads the old file or the new one, never half of one."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    catalog.save_as_mofile(str(partial))
    os.replace(partial, path)


class Command(SubcommandCommand):
    help = "Compile the UI translations (.po to .mo) without needing GNU gettext."
    verbs = {"compile": ("Compile every locale's .po catalog.", _compile_args)}

    def do_compile(self, check: bool, **_: Any) -> None:
        for po_path in sorted(Path(settings.BASE_DIR).glob("**/locale/*/LC_MESSAGES/*.po")):
            catalog = polib.pofile(str(po_path))
            missing = catalog.untranslated_entries() + catalog.fuzzy_entries()
            if check and missing:
                raise SystemExit(
                    f"{po_path}: {len(missing)} untranslated or fuzzy entries, "
                    f"first: {missing[0].msgid!r}"
                )
            _write_mo(catalog, po_path.with_suffix(".mo"))
            if int(_.get("verbosity", 1)) > 0:
                self.stdout.write(
                    f"{po_path.parent.parent.name}: {catalog.percent_translated()}% translated"
                )
