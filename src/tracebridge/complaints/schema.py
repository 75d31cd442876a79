"""The canonical complaint of DESIGN.md as a pydantic v2 model: the API, every importer and the
intake benchmark validate through it, so a record means the same thing whichever way it came.

No Django import: the choice lists below mirror ``complaints.models`` (a test pins them equal) so
that the schema can be used by tools that never set Django up.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from tracebridge.agencies.markings import PAP, TLP, effective_marking

Channel = Literal[
    "phone_call", "robocall", "sms", "whatsapp", "email", "website", "social_media", "app", "other",
    "telegram", "instagram", "facebook",
]  # fmt: skip
ScamType = Literal[
    "tech_support", "government_impersonation", "digital_arrest", "kyc_update", "investment",
    "loan_app", "job_offer", "lottery_prize", "romance", "sextortion", "shopping",
    "customer_care", "utility", "debt_relief", "other", "unknown",
    "sim_swap", "aeps", "bec", "betting_gaming", "upi_collect", "demat_stock_tips",
]  # fmt: skip
PaymentMethod = Literal[
    "gift_card", "wire", "upi", "card", "crypto", "cash", "bank_transfer", "payment_app", "other"
]
CHANNELS: tuple[str, ...] = get_args(Channel)
SCAM_TYPES: tuple[str, ...] = get_args(ScamType)
PAYMENT_METHODS: tuple[str, ...] = get_args(PaymentMethod)

MAX_NARRATIVE = 20_000  # characters; a long story fits, a pasted e-book does not
MAX_ITEMS = 50  # per suspect list
SCHEMA_VERSION = 2  # 2 added transactions, handles, victim accounts, district, NCRP number
# A UPI or IMPS reference (UTR / RRN) is 12 digits (NPCI); NEFT and RTGS UTRs are 16 or 22
# characters, card and wallet IDs vary: only the 12-digit rails are checked.
TWELVE_DIGIT_RAILS = ("upi", "imps")
NUL_MESSAGE = "contains a NUL character (U+0000), which no text field can store"
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Code2 = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Loss(_Strict):
    amount: Decimal = Field(ge=0, max_digits=18, decimal_places=2)
    currency: Annotated[
        str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
    ]
    payment_method: PaymentMethod | None = None


class Victim(_Strict):
    """Personal data: shown only to the owning agency, never a sighting.

    The victim's own debited account, UPI ID and card (last four digits only) are victim data
    too: redaction removes them for other agencies like the name and phone.
    """

    name: Short | None = None
    phone: Short | None = None
    email: Short | None = None
    city: Short | None = None
    state: Short | None = None
    district: Short | None = None
    age_band: Annotated[str, StringConstraints(max_length=20)] | None = None
    debited_account: Short | None = None
    debited_upi: Short | None = None
    card_last4: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")] | None = None


Rail = Literal["upi", "imps", "neft", "rtgs", "card", "wallet", "other"]
RAILS: tuple[str, ...] = get_args(Rail)


class Transaction(_Strict):
    """One payment the victim made: what a bank needs to trace and hold the money."""

    rail: Rail = "other"
    institution: Short | None = None  # the bank, wallet or merchant that received it
    reference: Short | None = None  # transaction ID, or UTR for UPI/IMPS (12 digits)
    at: AwareDatetime | None = None
    amount: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    currency: (
        Annotated[
            str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
        ]
        | None
    ) = None
    to_account: Short | None = None  # the receiving account number
    to_ifsc: Short | None = None
    to_upi: Short | None = None

    @field_validator("reference")
    @classmethod
    def _compact(cls, value: str | None) -> str | None:
        return value.replace(" ", "") if value else value

    @model_validator(mode="after")
    def _utr(self) -> Transaction:
        if self.rail in TWELVE_DIGIT_RAILS and self.reference:
            problem = utr_problem(self.reference)
            if problem:
                raise ValueError(problem)
        return self


def utr_problem(reference: str) -> str:
    """Why ``reference`` is not a UPI/IMPS UTR ("" when it is one)."""
    digits = reference.replace(" ", "")
    if not digits.isdigit():
        return "a UPI or IMPS UTR has only digits (12 of them)"
    if len(digits) != 12:
        return f"a UPI or IMPS UTR has 12 digits, not {len(digits)}"
    return ""


class BankAccount(_Strict):
    ifsc: Short | None = None
    routing: Short | None = None
    iban: Short | None = None
    account: Short | None = None

    @model_validator(mode="after")
    def _has_number(self) -> BankAccount:
        if not (self.iban or self.account):
            raise ValueError("a bank account needs 'account' (with 'ifsc' or 'routing') or 'iban'")
        if self.ifsc and self.routing:
            raise ValueError("give 'ifsc' (India) or 'routing' (US), not both")
        return self


class Suspect(_Strict):
    phones: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    emails: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    urls: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    upi_ids: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    bank_accounts: list[BankAccount] = Field(default_factory=list, max_length=MAX_ITEMS)
    crypto_wallets: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    names: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    # Version 2 lists are None when absent, so that version 1 records hash as before.
    handles: list[Item] | None = Field(default=None, max_length=MAX_ITEMS)
    sms_senders: list[Item] | None = Field(default=None, max_length=MAX_ITEMS)


class CanonicalComplaint(_Strict):
    """Version 2 adds only optional fields: a version 1 record validates and hashes as before."""

    version: Literal[1, 2] | None = None
    ref: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    source: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
        ),
    ]
    country: Code2
    received_at: AwareDatetime
    incident_at: AwareDatetime | date | None = None
    channel: Channel = "other"
    scam_type: ScamType = "unknown"
    narrative: Annotated[str, StringConstraints(max_length=MAX_NARRATIVE)] = ""
    loss: Loss | None = None
    victim: Victim | None = None
    suspect: Suspect = Field(default_factory=Suspect)
    tlp: str = TLP.AMBER.value
    pap: str | None = None
    transactions: list[Transaction] | None = Field(default=None, max_length=MAX_ITEMS)
    ncrp_ack: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z/-]{1,40}$")] | None = None

    @model_validator(mode="after")
    def _no_nul(self) -> CanonicalComplaint:
        """PostgreSQL text holds no NUL (U+0000): the record is rejected here, alone, instead of
        failing its batch (on SQLite too, so both databases keep the same rows). One search over
        the joined texts (~5% of validation; a validator per field cost half again)."""
        if "\x00" in "".join(self._texts()):
            raise ValueError(f"{_nul_field(self.model_dump(), '')} {NUL_MESSAGE}")
        return self

    def _texts(self) -> list[str]:
        """Every free-text value (the other fields are patterns, choices or numbers)."""
        victim, suspect = self.victim, self.suspect
        texts = [self.ref, self.narrative, *suspect.phones, *suspect.emails, *suspect.urls]
        texts += [*suspect.upi_ids, *suspect.crypto_wallets, *suspect.names]
        texts += [*(suspect.handles or []), *(suspect.sms_senders or [])]
        people = [victim] if victim else []
        for item in [*people, *suspect.bank_accounts, *(self.transactions or [])]:
            texts += [v for v in item.__dict__.values() if isinstance(v, str)]
        return texts

    @field_validator("tlp", mode="before")
    @classmethod
    def _tlp(cls, value: Any) -> str:
        """One marking, or a list of them: the strictest wins (agencies.markings decides)."""
        values = value if isinstance(value, list) else [value]
        found = effective_marking([str(v) for v in values])
        if found.tlp is None or any(n.startswith("unknown") for n in found.notes):
            names = ", ".join(m.value for m in TLP)
            raise ValueError(f"unknown TLP marking {value!r}; expected one of {names}")
        return found.tlp.value

    @field_validator("pap", mode="before")
    @classmethod
    def _pap(cls, value: Any) -> str | None:
        if value in (None, "", []):
            return None
        values = value if isinstance(value, list) else [value]
        found = effective_marking([], [str(v) for v in values])
        if found.pap is None or any(n.startswith("unknown") for n in found.notes):
            names = ", ".join(m.value for m in PAP)
            raise ValueError(f"unknown PAP marking {value!r}; expected one of {names}")
        return found.pap.value

    def incident_datetime(self) -> datetime | None:
        """A date alone means the start of that day (UTC)."""
        if self.incident_at is None or isinstance(self.incident_at, datetime):
            return self.incident_at
        return datetime.combine(self.incident_at, time(0), tzinfo=UTC)

    def content_hash(self) -> str:
        """SHA-256 of the record in one fixed spelling: same content, same hash.

        pydantic writes fields in the schema's order whatever the input's order, so the JSON is
        canonical for one schema version (a schema change re-hashes everything, as it should).
        """
        return hashlib.sha256(self.model_dump_json(exclude_none=True).encode()).hexdigest()


def _nul_field(data: Any, path: str) -> str:
    """The dotted name of the first field whose text holds a NUL ("" when none does)."""
    if isinstance(data, str):
        return path if "\x00" in data else ""
    if not isinstance(data, dict | list):
        return ""
    children = data.items() if isinstance(data, dict) else [("", v) for v in data]
    for key, value in children:
        found = _nul_field(value, f"{path}.{key}".strip(".") if key else path)
        if found:
            return found
    return ""


def error_details(exc: ValidationError) -> list[dict[str, str]]:
    """[{"field": "loss.amount", "message": "..."}] for every problem pydantic found."""
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err.get("loc", ())) or "(record)"
        out.append({"field": loc, "message": err.get("msg", "invalid")})
    return out


def error_text(exc: ValidationError) -> str:
    """One line naming each bad field, for rejects files and summaries."""
    return "; ".join(f"{d['field']}: {d['message']}" for d in error_details(exc))


def parse_line(line: str | bytes) -> CanonicalComplaint:
    """Validate one JSON Lines record (raises ValidationError, which names the field)."""
    return CanonicalComplaint.model_validate_json(line)
