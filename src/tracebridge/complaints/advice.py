"""Next steps for a victim, tailored to where they are, how they paid and what happened."""

from __future__ import annotations

from django.utils.translation import gettext as _

INSTANT_PAYMENTS = {"upi", "bank_transfer", "payment_app", "card", "wire"}


def next_steps(country: str, payment_method: str, scam_type: str) -> list[str]:
    steps = []
    if country == "IN" and payment_method in INSTANT_PAYMENTS:
        steps.append(
            _(
                "Call 1930, the National Cyber Crime Helpline, now. In the first hour (the "
                "golden hour) your bank can still stop the money."
            )
        )
    if country == "IN":
        steps.append(_("Also file a complaint at cybercrime.gov.in and keep its acknowledgement."))
    if payment_method == "gift_card":
        steps.append(
            _(
                "Contact the company that issued the gift card at once, with the card numbers "
                "and the receipt: they may be able to freeze what is left on it."
            )
        )
    if country == "US" and payment_method in ("wire", "bank_transfer", "card", "payment_app"):
        steps.append(
            _("Call your bank or card company now and ask them to recall or dispute the payment.")
        )
    if payment_method == "crypto":
        steps.append(
            _(
                "Tell the exchange or ATM operator you sent the crypto through, with the transaction id."
            )
        )
    if country == "US":
        steps.append(_("Also report to the FTC at ReportFraud.ftc.gov and to the FBI at ic3.gov."))
    if scam_type in ("digital_arrest", "government_impersonation"):
        steps.append(
            _(
                "No police, CBI, customs or government officer arrests anyone or asks for money "
                "over a video call. Stop talking to them and do not pay again."
            )
        )
    if scam_type == "tech_support":
        steps.append(
            _(
                "Remove any remote-access app they asked you to install (such as AnyDesk or "
                "TeamViewer) and change your passwords from another device."
            )
        )
    steps.append(
        _(
            "Keep screenshots, numbers and receipts. Nobody can recover your money for a fee: "
            "people who offer that are scammers too."
        )
    )
    return steps
