"""India's 28 states and 8 union territories (LGD state codes, Local Government Directory,
lgdirectory.gov.in, as of 2024), their districts, and the state cyber crime cell a report from
each goes to.

Districts come from ``data/districts.csv``: LGD's "All Districts of India" with LGD district
codes (its header names the publication date; ``scripts/lgd_districts.py`` rewrites it from a
newer download). A district is chosen by its LGD code; records keep its English name, as they
keep the state's.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# LGD state code -> name
STATES = {
    "35": _("Andaman and Nicobar Islands"), "28": _("Andhra Pradesh"),
    "12": _("Arunachal Pradesh"), "18": _("Assam"), "10": _("Bihar"), "4": _("Chandigarh"),
    "22": _("Chhattisgarh"), "38": _("Dadra and Nagar Haveli and Daman and Diu"),
    "7": _("Delhi"), "30": _("Goa"), "24": _("Gujarat"), "6": _("Haryana"),
    "2": _("Himachal Pradesh"), "1": _("Jammu and Kashmir"), "20": _("Jharkhand"),
    "29": _("Karnataka"), "32": _("Kerala"), "37": _("Ladakh"), "31": _("Lakshadweep"),
    "23": _("Madhya Pradesh"), "27": _("Maharashtra"), "14": _("Manipur"), "17": _("Meghalaya"),
    "15": _("Mizoram"), "13": _("Nagaland"), "21": _("Odisha"), "34": _("Puducherry"),
    "3": _("Punjab"), "8": _("Rajasthan"), "11": _("Sikkim"), "33": _("Tamil Nadu"),
    "36": _("Telangana"), "16": _("Tripura"), "9": _("Uttar Pradesh"), "5": _("Uttarakhand"),
    "19": _("West Bengal"),
}  # fmt: skip


def state_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("Choose your state")), *sorted(STATES.items(), key=lambda kv: str(kv[1]))]


def state_name(code: str) -> str:
    """The state's English name, as records keep it ("" for no or an unknown code)."""
    with translation.override("en"):
        return str(STATES.get(code, ""))


def cyber_cell(code: str) -> str:
    """The state cyber crime cell that takes a report from ``code`` ("" when unknown)."""
    name = STATES.get(code)
    return str(_("Cyber Crime Cell, %(state)s") % {"state": name}) if name else ""


DISTRICTS_FILE = Path(__file__).resolve().parent / "data" / "districts.csv"


@dataclass(frozen=True)
class District:
    code: str  # LGD district code
    state: str  # LGD state code
    name: str  # LGD's English name


@cache
def districts() -> dict[str, District]:
    """LGD district code -> district, in the order of the file (state, then code)."""
    with open(DISTRICTS_FILE, encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        found = [District(r["district_code"], r["state_code"], r["name"]) for r in rows]
    return {d.code: d for d in found}


def districts_of(state: str) -> list[District]:
    """The districts of the state with LGD code ``state``, by name."""
    return sorted((d for d in districts().values() if d.state == state), key=lambda d: d.name)


def district_choices(state: str = "") -> list[tuple[object, object]]:
    """Choices for the district field: of ``state`` alone, or every state's under its name."""
    first: tuple[object, object] = ("", _("Choose your district"))
    if state:
        return [first, *((d.code, d.name) for d in districts_of(state))]
    groups = [
        (name, [(d.code, d.name) for d in districts_of(code)]) for code, name in STATES.items()
    ]
    return [first, *sorted(groups, key=lambda g: str(g[0]))]


def district_problem(state: str, district: str) -> str:
    """Why ``district`` (an LGD code) cannot go with ``state`` ("" when it can)."""
    found = districts().get(district)
    if found is None:
        return str(_("Choose your district from the list."))
    if state and found.state != state:
        return str(
            _("%(district)s is not in %(state)s: choose a district of your state.")
            % {"district": found.name, "state": STATES.get(state, "")}
        )
    return ""


def state_of(district: str) -> str:
    """The LGD state code of the district with LGD code ``district`` ("" when unknown)."""
    found = districts().get(district)
    return found.state if found else ""


def district_name(code: str) -> str:
    """The district's LGD name ("" for no or an unknown code)."""
    found = districts().get(code)
    return found.name if found else ""
