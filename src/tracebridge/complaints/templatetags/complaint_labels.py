"""Human labels (translated) for the canonical codes: ``{{ code|scam_type_label }}``."""

from __future__ import annotations

from django import template

from tracebridge.complaints.models import Channel, PaymentMethod, ScamType

register = template.Library()
_SCAM_TYPES = dict(ScamType.choices)
_PAYMENTS = dict(PaymentMethod.choices)
_CHANNELS = dict(Channel.choices)


@register.filter
def scam_type_label(code: str) -> str:
    return str(_SCAM_TYPES.get(code, code))


@register.filter
def payment_method_label(code: str) -> str:
    return str(_PAYMENTS.get(code, code))


@register.filter
def channel_label(code: str) -> str:
    return str(_CHANNELS.get(code, code))
