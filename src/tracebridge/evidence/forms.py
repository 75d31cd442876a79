from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("What it is"), max_length=500, required=False)
    collected_by = forms.CharField(label=_("Collected by"), max_length=200, required=False)
    collected_at = forms.DateTimeField(
        label=_("Collected at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    device = forms.CharField(
        label=_("Device (make, model, serial, IMEI)"), max_length=300, required=False
    )
    legal_authority = forms.CharField(label=_("Legal authority"), max_length=300, required=False)


class PackageForm(forms.Form):
    place = forms.CharField(
        label=_("Place named in the certificates"), max_length=200, required=False
    )
