"""Fill msgstr entries of a .po catalog from a JSON object {msgid: translation}.

Usage: python scripts/po_fill.py path/to/django.po translations.json
Plural entries take a list of two strings. Entries already translated are kept unless the JSON
names them. Prints what is still untranslated.
"""

from __future__ import annotations

import json
import sys

import polib


def main(po_path: str, mapping_path: str) -> int:
    catalog = polib.pofile(po_path)
    with open(mapping_path, encoding="utf-8") as handle:
        mapping = json.load(handle)
    for entry in catalog:
        value = mapping.get(entry.msgid)
        if value is None:
            continue
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value, value]
            entry.msgstr_plural = {0: forms[0], 1: forms[1]}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalog.save(po_path)
    missing = [e.msgid for e in catalog.untranslated_entries()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
