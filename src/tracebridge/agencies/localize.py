"""One way to write amounts, counts, months and countries on public pages, per language.

Amounts in rupees use Indian digit grouping and the ₹ sign in every language ("₹1,14,605",
as Indian English writes them too); other numbers follow the active language's format module
(tracebridge/formats/hi: Indian grouping in Hindi). Dates come from the same format modules
("26 नवंबर 2026", 24-hour times).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import formats, numberformat, timezone
from django.utils.translation import gettext_lazy as _lazy

INDIAN_GROUPING = (3, 2, 0)
# The clock a reader of a country's report reads (as evidence.zones assumes for collectors).
ZONES = {"IN": "Asia/Kolkata", "US": "America/New_York"}
SYMBOLS = {"INR": "₹", "USD": "$"}
# The countries whose people report here (the report form's choices too).
COUNTRY_NAMES = {"IN": _lazy("India"), "US": _lazy("United States")}


def group(
    value: int | Decimal, decimals: int = 0, grouping: int | Sequence[int] | None = None
) -> str:
    """``value`` with thousands separators (the language's grouping unless one is given)."""
    return numberformat.format(
        value,
        ".",
        decimal_pos=decimals,
        grouping=grouping if grouping is not None else formats.get_format("NUMBER_GROUPING"),
        thousand_sep=",",
        force_grouping=True,
    )


def money(amount: int | Decimal | str | None, currency: str) -> str:
    """ "₹1,14,605", "$114,605.50", "1,000 EUR"; paise and cents only when there are some."""
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount))
    decimals = 0 if value == value.to_integral_value() else 2
    grouping = INDIAN_GROUPING if currency == "INR" else None
    text = group(value, decimals, grouping)
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}".strip()


def count(value: int) -> str:
    return group(value)


def month_label(month: str) -> str:
    """ "2025-12" as the language writes a month: "December 2025", "दिसंबर 2025"."""
    year, _sep, number = month.partition("-")
    try:
        first = date(int(year), int(number), 1)
    except ValueError:
        return month
    return formats.date_format(first, "YEAR_MONTH_FORMAT")


def country_name(code: str) -> str:
    return str(COUNTRY_NAMES.get(code, code))


def currency_symbol(currency: str) -> str:
    return SYMBOLS.get(currency, currency)


def moment(value: datetime | None, country: str, short: bool = False) -> str:
    """A time as the reporter's country reads it, with its zone: "26 नवंबर 2026, 15:05 IST"."""
    if value is None:
        return ""
    local = timezone.localtime(value, ZoneInfo(ZONES.get(country, "UTC")))
    spec = "SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT"
    return f"{formats.date_format(local, spec)} {local.tzname()}"
