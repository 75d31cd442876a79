"""The public form's repeatable rows: one per transaction, one per detail about a suspect.

Rows are plain prefixed fields (``txn-0-reference``, ``sus-1-value``) so the form works without
JavaScript: "Add a row" is a submit button that shows the form again with one row more.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies.localize import ZONES
from tracebridge.complaints.schema import utr_problem

MAX_ROWS = 10
TXN_ROWS, SUSPECT_ROWS = 2, 2  # shown at first
RAILS = [
    ("upi", _("UPI")),
    ("imps", _("IMPS")),
    ("neft", _("NEFT or RTGS")),
    ("card", _("Card")),
    ("wallet", _("Wallet")),
    ("other", _("Other")),
]
SUSPECT_KINDS = [
    ("name", _("Name")),
    ("handle", _("Social media handle or username")),
    ("sms_sender", _("SMS sender name (like VM-HDFCBK)")),
    ("phone", _("Phone number")),
    ("upi", _("UPI ID")),
    ("website", _("Website or app link")),
    ("email", _("E-mail address")),
]
# suspect row kind -> canonical suspect list
SUSPECT_LISTS = {
    "name": "names",
    "handle": "handles",
    "sms_sender": "sms_senders",
    "phone": "phones",
    "upi": "upi_ids",
    "website": "urls",
    "email": "emails",
}


def local_moment(day: date, at: time | None, country: str) -> str:
    """A date and clock time as the victim read them: in their country's zone (IST in India)."""
    zone = ZoneInfo(ZONES.get(country, "UTC"))
    return datetime.combine(day, at or time(0), tzinfo=zone).isoformat()


def txn_fields() -> dict[str, forms.Field]:
    return {
        "rail": forms.ChoiceField(label=_("How was it paid?"), choices=RAILS, required=False),
        "institution": forms.CharField(
            label=_("Bank, wallet or merchant"), required=False, max_length=100
        ),
        "reference": forms.CharField(
            label=_("Transaction ID or UTR"),
            help_text=_("For UPI and IMPS, the UTR has 12 digits."),
            required=False,
            max_length=40,
        ),
        "date": forms.DateField(
            label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        ),
        "time": forms.TimeField(
            label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
        ),
        "amount": forms.DecimalField(
            label=_("Amount"), required=False, min_value=0, max_digits=14, decimal_places=2
        ),
        "to": forms.CharField(
            label=_("Paid to: UPI ID or account number"), required=False, max_length=60
        ),
        "to_ifsc": forms.CharField(label=_("IFSC of that account"), required=False, max_length=11),
    }


def suspect_fields() -> dict[str, forms.Field]:
    return {
        "kind": forms.ChoiceField(
            label=_("What do you know about them?"), choices=SUSPECT_KINDS, required=False
        ),
        "value": forms.CharField(label=_("Write it here"), required=False, max_length=300),
    }


def row_count(data: Any, name: str, shown: int) -> int:
    """How many rows of ``name`` to show: as many as were posted, one more when asked."""
    try:
        count = int((data or {}).get(f"{name}_rows", shown))
    except (TypeError, ValueError):
        count = shown
    if data and data.get("add_row") == name:
        count += 1
    return max(1, min(count, MAX_ROWS))


def add_rows(form: forms.Form, prefix: str, count: int, make: Any) -> None:
    for i in range(count):
        for key, field in make().items():
            form.fields[f"{prefix}-{i}-{key}"] = field


def rows(form: forms.Form, prefix: str, count: int) -> list[dict[str, Any]]:
    """The cleaned rows of ``prefix`` that have anything in them."""
    out = []
    for i in range(count):
        start = f"{prefix}-{i}-"
        row = {
            k.removeprefix(start): v for k, v in form.cleaned_data.items() if k.startswith(start)
        }
        row["index"] = i
        out.append(row)
    return out


def bound_rows(form: forms.Form, prefix: str, count: int) -> list[list[Any]]:
    """Bound fields per row, for the template."""
    return [
        [form[name] for name in form.fields if name.startswith(f"{prefix}-{i}-")]
        for i in range(count)
    ]


def check_utrs(form: forms.Form, count: int) -> None:
    for row in rows(form, "txn", count):
        rail, reference = row.get("rail"), (row.get("reference") or "").replace(" ", "")
        if rail in ("upi", "imps") and reference and utr_problem(reference):
            form.add_error(f"txn-{row['index']}-reference", UTR_MESSAGE)


UTR_MESSAGE = _("A UPI or IMPS UTR has exactly 12 digits (0-9); check the SMS from your bank.")


def _is_filled(row: dict[str, Any]) -> bool:
    return any(row.get(k) for k in ("institution", "reference", "amount", "to"))


def canonical_transactions(
    form: forms.Form, count: int, country: str, currency: str
) -> list[dict[str, Any]]:
    out = []
    for row in rows(form, "txn", count):
        if not _is_filled(row):
            continue
        txn: dict[str, Any] = {"rail": row.get("rail") or "other"}
        txn["institution"] = row.get("institution") or None
        txn["reference"] = (row.get("reference") or "").replace(" ", "") or None
        if row.get("date"):
            txn["at"] = local_moment(row["date"], row.get("time"), country)
        if row.get("amount") is not None:
            txn["amount"], txn["currency"] = f"{row['amount']:.2f}", currency
        to = (row.get("to") or "").strip()
        txn["to_upi" if "@" in to else "to_account"] = to or None
        txn["to_ifsc"] = (row.get("to_ifsc") or "").strip().upper() or None
        out.append({k: v for k, v in txn.items() if v is not None})
    return out


def canonical_suspect(form: forms.Form, count: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in rows(form, "sus", count):
        value = (row.get("value") or "").strip()
        if value and row.get("kind") in SUSPECT_LISTS:
            out.setdefault(SUSPECT_LISTS[row["kind"]], []).append(value)
    return out
