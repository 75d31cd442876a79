from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies.markings import TLP_CHOICES
from tracebridge.agencies.models import User
from tracebridge.cases.models import CaseStatus


def _agency_users(form: forms.Form, name: str, agency_id: int | None) -> None:
    """Offer in the field ``name`` the active users of the agency (none without an agency)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    users = User.objects.filter(is_active=True).order_by("username")
    field.queryset = users.none() if agency_id is None else users.filter(agency_id=agency_id)


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    tlp = forms.ChoiceField(label=_("TLP marking"), choices=TLP_CHOICES, initial="AMBER")
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=User.objects.none(), required=False)
    campaign = forms.CharField(label=_("Campaign"), required=False, max_length=16)
    take = forms.ChoiceField(
        label=_("Complaints of the campaign to link"),
        choices=[
            ("all", _("every complaint of the campaign that I may see")),
            ("own", _("only my agency's complaints")),
            ("none", _("none (link them later)")),
        ],
        initial="all",
        required=False,
    )

    def __init__(self, *args: Any, agency_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _agency_users(self, "lead", agency_id)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_date = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, agency_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _agency_users(self, "assignee", agency_id)


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.none())
    role = forms.CharField(label=_("Role on the case"), max_length=64, required=False)

    def __init__(self, *args: Any, agency_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _agency_users(self, "user", agency_id)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)


class LinkComplaintForm(forms.Form):
    complaint = forms.CharField(
        label=_("Complaints (source:ref)"),
        help_text=_("Several at once: separate them by commas, spaces or lines."),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
