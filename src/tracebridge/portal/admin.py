from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from tracebridge.agencies.services import ServiceError
from tracebridge.portal import policy
from tracebridge.portal.models import PublicationPolicy


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PublicationPolicy
        fields = ("agency", "markings", "min_reports")

    def clean_markings(self) -> str:
        try:
            return ",".join(policy.parse_markings(self.cleaned_data["markings"]))
        except ServiceError as exc:
            raise ValidationError(str(exc)) from None


@admin.register(PublicationPolicy)
class PublicationPolicyAdmin(admin.ModelAdmin):
    """Changes go through policy.set_policy, so the admin's are audited like the command's."""

    form = PolicyForm
    list_display = ("agency", "markings", "min_reports", "updated_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            policy.set_policy(obj.agency, obj.markings, obj.min_reports, request=request)
        except ServiceError as exc:
            raise ValidationError(str(exc)) from None
        obj.pk = PublicationPolicy.objects.get(agency=obj.agency).pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a removed row would change what is published without an audit event
