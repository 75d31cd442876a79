"""Forms of the public report flow and the analysts' complaint filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies import localize
from tracebridge.complaints import attachments, india
from tracebridge.complaints import report_rows as rows
from tracebridge.complaints.models import PaymentMethod, ScamType
from tracebridge.complaints.schema import SCHEMA_VERSION

WHAT_HAPPENED = [
    ("call", _("I got a phone call")),
    ("message", _("I got an SMS or WhatsApp message")),
    ("website", _("A website, app or social media page")),
    ("payment", _("I paid or was asked to pay")),
]
COUNTRIES = list(localize.COUNTRY_NAMES.items())
CHANNEL_FOR = {"call": "phone_call", "website": "website", "payment": "other"}
SCAM_CHOICES = [("unknown", _("I am not sure"))] + [
    (value, label) for value, label in ScamType.choices if value not in ("unknown", "other")
]
SCAM_CHOICES.append(("other", _("Something else")))
BANK_ACCOUNT = _("Bank account")
TEL = forms.TextInput(attrs={"inputmode": "tel"})
VICTIM_FIELDS = ("name", "phone", "email", "city", "debited_account", "debited_upi", "card_last4")
MESSAGE_CHANNELS = [("sms", _("SMS")), ("whatsapp", _("WhatsApp")), ("email", _("E-mail"))]
PLATFORMS = [
    ("", _("Choose one")),
    ("phone_call", _("Phone call")),
    ("sms", _("SMS")),
    ("whatsapp", _("WhatsApp")),
    ("telegram", _("Telegram")),
    ("instagram", _("Instagram")),
    ("facebook", _("Facebook")),
    ("app", _("An app")),
    ("website", _("A website")),
    ("email", _("E-mail")),
    ("other", _("Something else")),
]
# Kinds of the public check page with no single suspect field (public_views.PREFILL_FIELDS
# has those): they fill the first row of details about the suspect.
PREFILL_ROWS = {"social": "handle", "handle": "handle", "sms": "sms_sender", "name": "name"}


class DistrictSelect(forms.Select):
    """District names are proper names as the LGD writes them: not for translating tools."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"]:
            option["attrs"]["translate"] = "no"
        return option


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Up to five screenshots or statements; each checked by its first bytes, not its name."""

    def __init__(self, **kwargs: Any) -> None:
        widget = MultipleFileInput(attrs={"accept": attachments.ACCEPT})
        super().__init__(widget=widget, required=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        cleaned = [super(EvidenceFilesField, self).clean(f, initial) for f in files]
        problems = attachments.check_all(cleaned)
        if problems:
            raise forms.ValidationError(problems)
        return cleaned


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
    platform = forms.ChoiceField(label=_("Where did it happen?"), choices=PLATFORMS, required=False)
    when = forms.DateField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    when_time = forms.TimeField(
        label=_("At what time?"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
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
    state = forms.ChoiceField(
        label=_("Your state or union territory"),
        choices=india.state_choices,
        required=False,
        # With htmx on the page, choosing a state narrows the district list to its districts.
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("report-districts"),
                "hx-target": "#id_district",
                "hx-trigger": "change",
            }
        ),
    )
    district = forms.ChoiceField(
        label=_("Your district"),
        help_text=_("Districts are listed under their state."),
        choices=india.district_choices,
        required=False,
        widget=DistrictSelect,
    )
    debited_account = forms.CharField(
        label=_("Your account the money left (last four digits are enough)"),
        required=False,
        max_length=40,
    )
    debited_upi = forms.CharField(label=_("Your UPI ID that paid"), required=False, max_length=100)
    card_last4 = forms.RegexField(
        label=_("Your card: last four digits only"),
        regex=r"^[0-9]{4}$",
        error_messages={"invalid": _("Give only the last four digits of your card.")},
        required=False,
        max_length=4,
    )
    ncrp_ack = forms.RegexField(
        label=_("NCRP or 1930 acknowledgement number, if you have one"),
        help_text=_("So that this report and the one you made there can be matched."),
        regex=r"^[0-9A-Za-z/-]{1,40}$",
        error_messages={"invalid": _("Use only the letters, digits, - and / of the number.")},
        required=False,
        max_length=40,
    )
    evidence = EvidenceFilesField(
        label=_("Screenshots or statements"),
        help_text=_(
            "Up to 5 files, 10 MB each: PNG, JPEG or WebP pictures, or PDF. If the form comes "
            "back with a question, choose them again."
        ),
    )
    # Hidden from people (CSS and aria-hidden), filled by form-spamming robots.
    homepage = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, rows_from: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counts_from = rows_from if rows_from is not None else self.data
        self.txn_rows = rows.row_count(counts_from, "txn", rows.TXN_ROWS)
        self.suspect_rows = rows.row_count(counts_from, "sus", rows.SUSPECT_ROWS)
        rows.add_rows(self, "txn", self.txn_rows, rows.txn_fields)
        rows.add_rows(self, "sus", self.suspect_rows, rows.suspect_fields)

    def prefill_row(self, kind: str, value: str) -> None:
        """What the public check page checked, as the first detail about the suspect."""
        if kind in PREFILL_ROWS and value:
            self.initial.update({"sus-0-kind": PREFILL_ROWS[kind], "sus-0-value": value[:300]})

    def transaction_rows(self) -> list[list[Any]]:
        return rows.bound_rows(self, "txn", self.txn_rows)

    def suspect_detail_rows(self) -> list[list[Any]]:
        return rows.bound_rows(self, "sus", self.suspect_rows)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("amount") and not data.get("payment_method"):
            self.add_error("payment_method", _("Tell us how you paid."))
        if data.get("when_time") and not data.get("when"):
            self.add_error("when", _("Give the date too."))
        rows.check_utrs(self, self.txn_rows)
        self._check_district(data)
        return data

    def _check_district(self, data: dict[str, Any]) -> None:
        """A district must be one of the chosen state's; alone, it names the state."""
        district, state = data.get("district") or "", data.get("state") or ""
        if not district:
            return
        problem = india.district_problem(state, district)
        if problem:
            self.add_error("district", problem)
        elif not state:
            data["state"] = india.state_of(district)

    def _channel(self) -> str:
        d = self.cleaned_data
        what = d["what"]
        if d.get("platform"):
            return str(d["platform"])
        return (d.get("message_channel") or "sms") if what == "message" else CHANNEL_FOR[what]

    def _incident(self) -> Any:
        d = self.cleaned_data
        if d.get("when") and d.get("when_time"):
            return rows.local_moment(d["when"], d["when_time"], d["country"])
        return d.get("when")

    def canonical(self) -> dict[str, Any]:
        """The canonical fields of this report (ref, source and time are added on filing)."""
        d = self.cleaned_data
        currency = "INR" if d["country"] == "IN" else "USD"
        suspect = {
            "phones": [d["suspect_phone"]] if d.get("suspect_phone") else [],
            "urls": [d["suspect_website"]] if d.get("suspect_website") else [],
            "upi_ids": [d["suspect_upi"]] if d.get("suspect_upi") else [],
            "emails": [d["suspect_email"]] if d.get("suspect_email") else [],
        }
        for key, values in rows.canonical_suspect(self, self.suspect_rows).items():
            suspect[key] = [*suspect.get(key, []), *values]
        record: dict[str, Any] = {
            "version": SCHEMA_VERSION,
            "country": d["country"],
            "channel": self._channel(),
            "scam_type": d["scam_type"],
            "narrative": d["narrative"],
            "incident_at": self._incident(),
            "suspect": {k: v for k, v in suspect.items() if v},
            "transactions": rows.canonical_transactions(self, self.txn_rows, d["country"], currency)
            or None,
            "ncrp_ack": d.get("ncrp_ack") or None,
            "tlp": "AMBER",
        }
        narrative_extra = d.get("suspect_account")
        if narrative_extra:  # free text: extraction finds the IFSC and account in it
            record["narrative"] += f"\n\n{BANK_ACCOUNT}: {narrative_extra}"
        if d.get("amount") is not None and d.get("payment_method"):
            record["loss"] = {
                "amount": str(d["amount"]),
                "currency": currency,
                "payment_method": d["payment_method"],
            }
        # Where the victim is routes the report, so state and district stay even when anonymous.
        victim: dict[str, Any] = {
            "state": india.state_name(d.get("state") or ""),
            "district": india.district_name(d.get("district") or ""),
        }
        if not d.get("anonymous"):
            victim |= {k: d.get(k) for k in VICTIM_FIELDS if d.get(k)}
        record["victim"] = {k: v for k, v in victim.items() if v} or None
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
