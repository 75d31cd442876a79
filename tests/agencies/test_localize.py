"""Amounts, counts, months and dates as English and Hindi readers write them (issue 23.6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from tracebridge.agencies import localize


@pytest.mark.parametrize("language", ["en", "hi"])
def test_rupees_use_indian_grouping_in_every_language(language: str) -> None:
    with translation.override(language):
        assert localize.money(Decimal("114605"), "INR") == "₹1,14,605"
        assert localize.money("10000000.50", "INR") == "₹1,00,00,000.50"
        assert localize.money(999, "INR") == "₹999"
        assert localize.money(None, "INR") == ""


def test_other_amounts_follow_the_language() -> None:
    with translation.override("en"):
        assert localize.money("114605.5", "USD") == "$114,605.50"
        assert localize.money(1000, "EUR") == "1,000 EUR"
        assert localize.count(1234567) == "1,234,567"
    with translation.override("hi"):
        assert localize.money("114605.5", "USD") == "$1,14,605.50"
        assert localize.count(1234567) == "12,34,567"


def test_months_and_countries_in_hindi() -> None:
    with translation.override("hi"):
        assert localize.month_label("2025-12") == "दिसंबर 2025"
        assert localize.month_label("2026-11") == "नवंबर 2026"
        assert localize.month_label("not-a-month") == "not-a-month"
        assert localize.country_name("US") == "अमेरिका"
        assert localize.country_name("IN") == "भारत"
    with translation.override("en"):
        assert localize.month_label("2025-12") == "December 2025"


def test_hindi_dates_are_day_month_year_and_24_hour() -> None:
    moment = datetime(2026, 11, 26, 15, 5, tzinfo=UTC)
    with translation.override("hi"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "26 नवंबर 2026, 15:05"
        assert formats.date_format(date(2026, 12, 7), "DATE_FORMAT") == "7 दिसंबर 2026"
        assert formats.date_format(date(2026, 11, 26), "SHORT_DATE_FORMAT") == "26/11/2026"
        # Django's catalog wrote बजे for both; ours tells morning from afternoon
        assert formats.date_format(moment, "P") == "3:05 अपराह्न"
        assert formats.date_format(moment.replace(hour=9), "P") == "9:05 पूर्वाह्न"
        assert formats.date_format(moment, "j M Y") == "26 नवंबर 2026"  # never नव ("new")


def test_template_filters() -> None:
    template = Template(
        '{% load public_format %}{{ a|money:"INR" }} {{ n|count }} {{ m|month_label }} '
        '{{ c|country_name }} {{ "INR"|currency_symbol }}'
    )
    with translation.override("hi"):
        text = template.render(Context({"a": 114605, "n": 123456, "m": "2025-12", "c": "US"}))
    assert text == "₹1,14,605 1,23,456 दिसंबर 2025 अमेरिका ₹"


def test_a_moment_is_told_on_the_reporters_clock_with_its_zone() -> None:
    utc = datetime(2026, 11, 26, 9, 35, tzinfo=UTC)
    with translation.override("hi"):
        assert localize.moment(utc, "IN") == "26 नवंबर 2026, 15:05 IST"
        assert localize.moment(utc, "IN", short=True) == "26/11/2026 15:05 IST"
        assert localize.moment(utc, "XX") == "26 नवंबर 2026, 09:35 UTC"
        assert localize.moment(None, "IN") == ""
    with translation.override("en"):
        assert localize.moment(utc, "US") == "Nov. 26, 2026, 4:35 a.m. EST"
