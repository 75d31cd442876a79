"""Forms of the agency admin pages: people and API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tracebridge.agencies.models import Role, TokenScope


def _offer(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    """Limit the choice field ``name`` of ``form`` to ``choices`` (this request's)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


USERNAME = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{1,60}$",
    _("Use 2 to 61 lower-case letters, digits, dots, hyphens or underscores."),
)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=61, validators=[USERNAME])
    name = forms.CharField(label=_("Full name"), max_length=150)
    title = forms.CharField(label=_("Official title"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "role", [(v, lbl) for v, lbl in Role.choices if v in roles])


class TokenCreateForm(forms.Form):
    user = forms.ChoiceField(label=_("Acts as"))
    name = forms.CharField(label=_("What it is for"), max_length=100)
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), min_value=1, max_value=366, initial=90
    )
    scopes = forms.MultipleChoiceField(
        label=pgettext_lazy("token scopes", "May"),
        choices=TokenScope.choices,
        initial=[TokenScope.READ],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, usernames: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "user", [(u, u) for u in usernames])
