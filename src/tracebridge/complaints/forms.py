"""Forms of the public report flow and the analysts' complaint filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracebridge.complaints.models import PaymentMethod, ScamType

WHAT_HAPPENED = [
    ("call", _("I got a phone call")),
    ("message", _("I got an SMS or WhatsApp message")),
    ("website", _("A website, app or social media page")),
    ("payment", _("I paid or was asked to pay")),
]
COUNTRIES = [("IN", _("India")), ("US", _("United States"))]
CHANNEL_FOR = {"call": "phone_call", "website": "website", "payment": "other"}
SCAM_CHOICES = [("unknown", _("I am not sure"))] + [
    (value, label) for value, label in ScamType.choices if value not in ("unknown", "other")
]
SCAM_CHOICES.append(("other", _("Something else")))
BANK_ACCOUNT = _("Bank account")
TEL = forms.TextInput(attrs={"inputmode": "tel"})
MESSAGE_CHANNELS = [("sms", _("SMS")), ("whatsapp", _("WhatsApp")), ("email", _("E-mail"))]


class StartForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What happened?"), choices=WHAT_HAPPENED, widget=forms.RadioSelect
    )
    country = forms.ChoiceField(
        label=_("Where do you live?"), choices=COUNTRIES, widget=forms.RadioSelect
    )


class ReportForm(forms.Form):
    """One form for every case; the template shows the questions that fit ``what``."""

    what = forms.ChoiceField(choices=WHAT_HAPPENED, widget=forms.HiddenInput)
    country = forms.ChoiceField(choices=COUNTRIES, widget=forms.HiddenInput)
    message_channel = forms.ChoiceField(
        label=_("How did the message come?"), choices=MESSAGE_CHANNELS, required=False
    )
    scam_type = forms.ChoiceField(label=_("What did they say it was about?"), choices=SCAM_CHOICES)
    narrative = forms.CharField(
        label=_("What happened, in your own words"),
        help_text=_("Who contacted you, what they said, what they asked you to do."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    when = forms.DateField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    suspect_phone = forms.CharField(
        label=_("Their phone number"), required=False, max_length=40, widget=TEL
    )
    suspect_website = forms.CharField(
        label=_("The website or app link"), required=False, max_length=300
    )
    suspect_upi = forms.CharField(label=_("UPI ID you paid to"), required=False, max_length=100)
    suspect_account = forms.CharField(
        label=_("Bank account you paid to (IFSC and account number)"),
        required=False,
        max_length=60,
    )
    suspect_email = forms.EmailField(label=_("Their e-mail address"), required=False)
    amount = forms.DecimalField(
        label=_("How much did you lose?"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    payment_method = forms.ChoiceField(
        label=_("How did you pay?"),
        required=False,
        choices=[("", _("I did not pay")), *PaymentMethod.choices],
    )
    anonymous = forms.BooleanField(
        label=_("Report anonymously (we will not ask who you are)"), required=False
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=100)
    phone = forms.CharField(label=_("Your phone number"), required=False, max_length=40, widget=TEL)
    email = forms.EmailField(label=_("Your e-mail address"), required=False)
    city = forms.CharField(label=_("Your city or town"), required=False, max_length=100)
    # Hidden from people (CSS and aria-hidden), filled by form-spamming robots.
    homepage = forms.CharField(required=False, label=_("Leave this empty"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("amount") and not data.get("payment_method"):
            self.add_error("payment_method", _("Tell us how you paid."))
        return data

    def canonical(self) -> dict[str, Any]:
        """The canonical fields of this report (ref, source and time are added on filing)."""
        d = self.cleaned_data
        what = d["what"]
        channel = (d.get("message_channel") or "sms") if what == "message" else CHANNEL_FOR[what]
        suspect = {
            "phones": [d["suspect_phone"]] if d.get("suspect_phone") else [],
            "urls": [d["suspect_website"]] if d.get("suspect_website") else [],
            "upi_ids": [d["suspect_upi"]] if d.get("suspect_upi") else [],
            "emails": [d["suspect_email"]] if d.get("suspect_email") else [],
        }
        record: dict[str, Any] = {
            "country": d["country"],
            "channel": channel,
            "scam_type": d["scam_type"],
            "narrative": d["narrative"],
            "incident_at": d.get("when"),
            "suspect": {k: v for k, v in suspect.items() if v},
            "tlp": "AMBER",
        }
        narrative_extra = d.get("suspect_account")
        if narrative_extra:  # free text: extraction finds the IFSC and account in it
            record["narrative"] += f"\n\n{BANK_ACCOUNT}: {narrative_extra}"
        if d.get("amount") is not None and d.get("payment_method"):
            currency = "INR" if d["country"] == "IN" else "USD"
            record["loss"] = {
                "amount": str(d["amount"]),
                "currency": currency,
                "payment_method": d["payment_method"],
            }
        if not d.get("anonymous"):
            victim = {k: d.get(k) for k in ("name", "phone", "email", "city") if d.get(k)}
            record["victim"] = victim or None
        return record


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Report number"), max_length=32)
    secret = forms.CharField(label=_("Secret"), max_length=64)


class AddForm(LookupForm):
    text = forms.CharField(
        label=_("What do you want to add?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
