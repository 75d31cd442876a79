"""India's 28 states and 8 union territories (LGD state codes, Local Government Directory,
lgdirectory.gov.in, as of 2024) and the state cyber crime cell a report from each goes to.

Districts are not listed yet: a victim's district is kept as written.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

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


def state_choices() -> list[tuple[str, str]]:
    return [("", _("Choose your state")), *sorted(STATES.items(), key=lambda kv: str(kv[1]))]


def state_name(code: str) -> str:
    """The state's English name, as records keep it ("" for no or an unknown code)."""
    with translation.override("en"):
        return str(STATES.get(code, ""))


def cyber_cell(code: str) -> str:
    """The state cyber crime cell that takes a report from ``code`` ("" when unknown)."""
    name = STATES.get(code)
    return str(_("Cyber Crime Cell, %(state)s") % {"state": name}) if name else ""
