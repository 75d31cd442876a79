"""Payment selectors: UPI VPAs, Indian and US bank accounts, IBANs and (masked) cards."""

from __future__ import annotations

import re
from collections.abc import Mapping

from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.us import rtn

from .model import Identifier, Rejected, make, short
from .text import clean

# Payment service provider handles seen in Indian complaints (NPCI's list is longer; an
# unknown handle is still accepted, but marked so that extract() can be stricter).
UPI_HANDLES = frozenset(
    [
        "ybl",
        "ibl",
        "axl",
        "okaxis",
        "okhdfcbank",
        "okicici",
        "oksbi",
        "paytm",
        "ptyes",
        "ptaxis",
        "pthdfc",
        "ptsbi",
        "apl",
        "yapl",
        "rapl",
        "abfspay",
        "upi",
        "axisbank",
        "axisb",
        "icici",
        "sbi",
        "hdfcbank",
        "kotak",
        "kmbl",
        "yesbank",
        "yesbankltd",
        "idfcbank",
        "idfcfirst",
        "indus",
        "pnb",
        "barodampay",
        "unionbankofindia",
        "uboi",
        "cnrb",
        "canarabank",
        "boi",
        "mahb",
        "centralbank",
        "cboi",
        "iob",
        "indianbank",
        "idbi",
        "federal",
        "fbl",
        "kvb",
        "kbl",
        "rbl",
        "aubank",
        "equitas",
        "dbs",
        "hsbc",
        "sc",
        "citi",
        "jupiteraxis",
        "freecharge",
        "airtel",
        "jio",
        "ikwik",
        "waicici",
        "wahdfcbank",
        "waaxis",
        "wasbi",
        "slice",
        "timecosmos",
        "naviaxis",
        "amazonpay",
        "amazon",
        "mobikwik",
        "postbank",
        "ippb",
        "fam",
        "pingpay",
        "dlb",
        "tjsb",
        "utbi",
        "allbank",
    ]
)
# First four letters of an IFSC: the bank. Unknown codes are accepted (India has over a
# thousand banks, most of them small co-operatives) and marked in details.
BANK_CODES = {
    "SBIN": "State Bank of India", "HDFC": "HDFC Bank", "ICIC": "ICICI Bank",
    "UTIB": "Axis Bank", "PUNB": "Punjab National Bank", "BARB": "Bank of Baroda",
    "CNRB": "Canara Bank", "UBIN": "Union Bank of India", "BKID": "Bank of India",
    "IOBA": "Indian Overseas Bank", "IDIB": "Indian Bank", "CBIN": "Central Bank of India",
    "UCBA": "UCO Bank", "MAHB": "Bank of Maharashtra", "PSIB": "Punjab & Sind Bank",
    "KKBK": "Kotak Mahindra Bank", "YESB": "Yes Bank", "INDB": "IndusInd Bank",
    "IDFB": "IDFC First Bank", "FDRL": "Federal Bank", "KARB": "Karnataka Bank",
    "SIBL": "South Indian Bank", "RATN": "RBL Bank", "AUBL": "AU Small Finance Bank",
    "BDBL": "Bandhan Bank", "ESFB": "Equitas Small Finance Bank", "UJVN": "Ujjivan SFB",
    "JAKA": "Jammu & Kashmir Bank", "KVBL": "Karur Vysya Bank", "CIUB": "City Union Bank",
    "DCBL": "DCB Bank", "TMBL": "Tamilnad Mercantile Bank", "CSBK": "CSB Bank",
    "DLXB": "Dhanlaxmi Bank", "NTBL": "Nainital Bank", "IBKL": "IDBI Bank",
    "PYTM": "Paytm Payments Bank", "AIRP": "Airtel Payments Bank", "FINO": "Fino Payments Bank",
    "IPOS": "India Post Payments Bank", "JIOP": "Jio Payments Bank", "NSPB": "NSDL Payments Bank",
    "HSBC": "HSBC", "SCBL": "Standard Chartered", "CITI": "Citibank", "DBSS": "DBS Bank India",
    "DEUT": "Deutsche Bank", "ESMF": "ESAF Small Finance Bank", "SURY": "Suryoday SFB",
    "JSFB": "Jana Small Finance Bank", "UTKS": "Utkarsh SFB", "FSFB": "Fincare SFB",
}  # fmt: skip

_VPA = re.compile(r"^([a-z0-9][a-z0-9._\-]{1,255})@([a-z][a-z0-9]{1,63})$")
_IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
_SEPARATORS = re.compile(r"[\s\-./]")
_BANK_TEXT = re.compile(
    r"^([A-Za-z]{4}0[A-Za-z0-9]{6}|\d{9})\s*[:/,\s\-]\s*(?:a/?c\.?\s*(?:no\.?)?\s*)?(\d[\d\s\-]*\d)$",
    re.I,
)
_MASKED_CARD = re.compile(r"^(\d{6})([*xX•]{3,9})(\d{4})$")
_CARD_BRANDS = (
    ("amex", ("34", "37"), (15,)),
    ("diners", ("300", "301", "302", "303", "304", "305", "36", "38"), (14, 16)),
    ("jcb", tuple(str(p) for p in range(3528, 3590)), (16, 17, 18, 19)),
    ("rupay", ("508", "6521", "6522", "60", "81", "82"), (16,)),
    ("discover", ("6011", "644", "645", "646", "647", "648", "649", "65"), (16, 19)),
    ("mastercard", ("51", "52", "53", "54", "55", *(str(p) for p in range(2221, 2721))), (16,)),
    ("maestro", ("50", "56", "57", "58", "6"), tuple(range(12, 20))),
    ("visa", ("4",), (13, 16, 19)),
)


def parse_upi(text: str) -> Identifier | Rejected:
    vpa = clean(text).lower()
    vpa = vpa[4:] if vpa.startswith("upi:") else vpa
    match = _VPA.match(vpa)
    if match is None:
        return Rejected("upi", text, f"{short(text)} is not a UPI ID of the form name@bank.")
    known = "yes" if match.group(2) in UPI_HANDLES else "no"
    return make("upi", vpa, {"handle": match.group(1), "psp": match.group(2), "known_psp": known})


def _digits(account: str) -> str:
    return _SEPARATORS.sub("", clean(account))


def _account_reason(account: str, low: int, high: int) -> str | None:
    if not account.isdigit():
        return f"Account number {short(account)} must contain digits only."
    if not low <= len(account) <= high:
        return (
            f"Account number {short(account)} must have {low} to {high} digits, not {len(account)}."
        )
    return None


def indian_account(ifsc: str, account: str) -> Identifier | Rejected:
    code, number = _SEPARATORS.sub("", clean(ifsc)).upper(), _digits(account)
    if not _IFSC.match(code):
        return Rejected(
            "bank", ifsc, f"IFSC {short(ifsc)} is not 4 letters, a zero and 6 letters or digits."
        )
    reason = _account_reason(number, 6, 20)  # Indian banks use 9-18 digits; some legacy 6-8
    if reason:
        return Rejected("bank", account, reason)
    details = {"country": "IN", "ifsc": code, "bank_code": code[:4], "account": number}
    details["bank"] = BANK_CODES.get(code[:4], "unknown bank code")
    return make("bank", f"IN:{code}:{number}", details)


def us_account(routing: str, account: str) -> Identifier | Rejected:
    code, number = _digits(routing), _digits(account)
    try:
        rtn.validate(code)
    except ValidationError:
        return Rejected(
            "bank", routing, f"{short(routing)} is not a valid ABA routing number (checksum)."
        )
    reason = _account_reason(number, 4, 17)
    if reason:
        return Rejected("bank", account, reason)
    details = {"country": "US", "routing": code, "account": number}
    return make("bank", f"US:{code}:{number}", details)


def bare_account(account: str) -> Identifier | Rejected:
    number = _digits(account)
    reason = _account_reason(number, 6, 20)
    if reason:
        return Rejected("bank", account, reason)
    return make("bank", f"XX:-:{number}", {"account": number, "confidence": "low"})


def parse_iban(text: str) -> Identifier | Rejected:
    compact = _SEPARATORS.sub("", clean(text)).upper()
    compact = compact[4:] if compact.startswith("IBAN") and not compact[4:6].isdigit() else compact
    try:
        stdnum_iban.validate(compact)
    except ValidationError as exc:
        return Rejected(
            "iban", text, f"{short(text)} is not a valid IBAN: {str(exc).rstrip('.').lower()}."
        )
    return make("iban", compact, {"country": compact[:2]})


def parse_bank_account(account: Mapping[str, str]) -> Identifier | Rejected:
    """One bank_accounts item of the canonical complaint."""
    fields = {k: str(v) for k, v in account.items() if v not in (None, "")}
    if "iban" in fields:
        return parse_iban(fields["iban"])
    if "ifsc" in fields and "account" in fields:
        return indian_account(fields["ifsc"], fields["account"])
    if "routing" in fields and "account" in fields:
        return us_account(fields["routing"], fields["account"])
    if "account" in fields:
        return bare_account(fields["account"])
    return Rejected(
        "bank", repr(dict(fields)), "A bank account needs an account number or an IBAN."
    )


def parse_bank_text(text: str) -> Identifier | Rejected:
    """'SBIN0001234 0012345678', 'IN:SBIN0001234:0012345678', '021000021/12345', 'XX:-:123456'."""
    t = clean(text)
    parts = t.split(":")
    if len(parts) == 3 and parts[0].upper() in ("IN", "US", "XX"):
        country, code, number = parts[0].upper(), parts[1], parts[2]
        if country == "XX" and code == "-":
            return bare_account(number)
        return indian_account(code, number) if country == "IN" else us_account(code, number)
    match = _BANK_TEXT.match(t)
    if match is None:
        if _digits(t).isdigit():
            return bare_account(t)
        return Rejected(
            "bank",
            text,
            f"{short(text)} is not an IFSC or routing number followed by an account number.",
        )
    code, number = match.groups()
    return us_account(code, number) if code.isdigit() else indian_account(code, number)


def card_brand(number: str) -> str | None:
    """The network whose longest matching prefix (and length) fits: 6011 Discover, 60 RuPay."""
    best, best_len = None, 0
    for brand, prefixes, lengths in _CARD_BRANDS:
        if len(number) not in lengths:
            continue
        for prefix in prefixes:
            if len(prefix) > best_len and number.startswith(prefix):
                best, best_len = brand, len(prefix)
    return best


def parse_card(text: str) -> Identifier | Rejected:
    """Validated by Luhn, then kept only masked: first six, stars, last four."""
    compact = _SEPARATORS.sub("", clean(text))
    masked = _MASKED_CARD.match(compact)
    if masked:
        return _card(masked.group(1), masked.group(3), 10 + len(masked.group(2)), None)
    safe = mask(compact) if compact.isdigit() and len(compact) > 10 else text
    if not compact.isdigit() or not 12 <= len(compact) <= 19:
        return Rejected("card", safe, "A card number has 12 to 19 digits.")
    if not luhn.is_valid(compact):
        return Rejected("card", safe, f"{safe} fails the Luhn check.")
    brand = card_brand(compact)
    if brand is None:
        return Rejected("card", safe, f"{safe} does not start like any card network's numbers.")
    return _card(compact[:6], compact[-4:], len(compact), brand)


def mask(number: str) -> str:
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def _card(first6: str, last4: str, length: int, brand: str | None) -> Identifier:
    value = first6 + "*" * (length - 10) + last4
    details = {
        "length": str(length),
        "brand": brand or card_brand(first6 + "0" * (length - 6)) or "unknown",
    }
    return make("card", value, details)
