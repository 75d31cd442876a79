"""``{% load public_format %}``: amounts, counts, months and countries as the reader writes them.

``{{ amount|money:"INR" }}``, ``{{ n|count }}``, ``{{ "2025-12"|month_label }}``,
``{{ "US"|country_name }}``, ``{{ text|call_links }}`` (1930 as a tel: link); dates use Django's ``date`` filter with DATE_FORMAT or
DATETIME_FORMAT, which tracebridge/formats sets per language.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from tracebridge.agencies import localize
from tracebridge.agencies.models import Agency

register = template.Library()


@register.filter
def money(amount: int | Decimal | str | None, currency: str) -> str:
    return localize.money(amount, currency)


@register.filter
def count(value: int) -> str:
    return localize.count(value)


@register.filter
def month_label(month: str) -> str:
    return localize.month_label(month)


@register.filter
def country_name(code: str) -> str:
    return localize.country_name(code)


@register.filter
def moment(value: datetime | None, country: str) -> str:
    return localize.moment(value, country)


@register.filter
def agency_name(agency: Agency) -> str:
    return agency.name_in(get_language() or "en")


@register.filter
def currency_symbol(currency: str) -> str:
    return localize.currency_symbol(currency)


_HELPLINE = re.compile(r"(?<!\d)1930(?!\d)")


@register.filter(needs_autoescape=True)
def call_links(text: str, autoescape: bool = True) -> SafeString:
    """``{{ message|call_links }}``: the 1930 helpline becomes a tap-to-call link."""
    escaped = conditional_escape(text) if autoescape else str(text)
    return mark_safe(_HELPLINE.sub('<a href="tel:1930">1930</a>', str(escaped)))
