from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracebridge.evidence import zones


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("What it is"), max_length=500, required=False)
    collected_by = forms.CharField(label=_("Collected by"), max_length=200, required=False)
    collected_at = forms.DateTimeField(
        label=_("Collected at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    collected_zone = forms.ChoiceField(
        label=_("Time zone of that time"),
        choices=[(z, z) for z in zones.COMMON_ZONES],
        required=False,
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    device = forms.CharField(
        label=_("Device (make, model, serial, IMEI)"), max_length=300, required=False
    )
    legal_authority = forms.CharField(label=_("Legal authority"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        """Read the typed time as a wall-clock time in the chosen zone, not in UTC."""
        data = super().clean() or {}
        when, zone = data.get("collected_at"), data.get("collected_zone") or ""
        if when is not None:
            wall = timezone.localtime(when).replace(tzinfo=None)
            data["collected_at"] = wall.replace(tzinfo=zones.parse_zone(zone))
        return data


class PackageForm(forms.Form):
    place = forms.CharField(
        label=_("Place named in the certificates"), max_length=200, required=False
    )
