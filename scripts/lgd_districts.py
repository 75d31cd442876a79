"""Write src/tracebridge/complaints/data/districts.csv from LGD's "All Districts of India" CSV.

    python scripts/lgd_districts.py DOWNLOADED.csv "14 December 2022"

The input is the Local Government Directory's download (lgdirectory.gov.in, Download Directory,
DISTRICT, All Districts of India): columns "State Code", "District Code" and "District Name"
(older downloads say "District Name (In English)"). Names LGD writes in capitals are written in
title case; acronyms (SPSR, NTR) and initials (Y.S.R.) stay as they are.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/tracebridge/complaints/data/districts.csv"
SMALL = {"and", "of", "the"}


def _word(match: re.Match[str]) -> str:
    word = match.group(0)
    lower = word.lower()
    if len(word) == 1 or not re.search("[aeiouy]", lower):
        return word  # initials and acronyms
    if lower in SMALL and match.start() > 0:
        return lower
    return lower.capitalize()


def display(name: str) -> str:
    name = " ".join(name.split())
    return re.sub(r"[A-Za-z]+", _word, name) if name.isupper() else name


def column(row: dict[str, str], *names: str) -> str:
    return next(row[n] for n in names if n in row).strip()


def main(source: str, published: str) -> None:
    with open(source, newline="", encoding="utf-8-sig") as f:
        rows = [
            (
                int(column(r, "State Code")),
                int(column(r, "District Code")),
                display(column(r, "District Name", "District Name (In English)")),
            )
            for r in csv.DictReader(f)
        ]
    rows.sort()
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        f.write(
            "# India's districts: the Local Government Directory (LGD, lgdirectory.gov.in,\n"
            "# Ministry of Panchayati Raj), 'All Districts of India', as published on "
            f"{published}.\n"
            "# Government Open Data License - India. Written by scripts/lgd_districts.py.\n"
        )
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["state_code", "district_code", "name"])
        out.writerows(rows)
    print(f"{len(rows)} districts -> {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
