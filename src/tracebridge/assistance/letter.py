"""A formal request printed as a letter (PDF): English, with Hindi headings and a Hindi
introduction where the addressee is an Indian agency.

The letter states what the request holds (requesting authority, addressee, legal basis fitting
the kind and the two countries, the facts, the data sought with identifiers and time ranges,
necessity, the clocks) and ends with a signature block for the supervisor who approved it; a
request not yet approved prints as a DRAFT. The fields the officers wrote are printed as they
wrote them. PDFs use the fonts of the evidence certificates (DejaVu Sans with Noto Sans
Devanagari, shaped by HarfBuzz). Every letter is audited (``request.letter``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from fpdf import FPDF

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, User
from tracebridge.assistance import rules
from tracebridge.assistance.models import Request
from tracebridge.evidence.certificates import IST, font_path

MLAT = (
    "the Treaty between the United States of America and the Republic of India on Mutual "
    "Legal Assistance in Criminal Matters (signed 2001, in force since 2005)"
)
BUDAPEST_29 = (
    "Article 29 of the Council of Europe Convention on Cybercrime (Budapest, 2001): expedited "
    "preservation of stored computer data"
)
USC_2703F = (
    "18 U.S.C. § 2703(f): a provider preserves records and other evidence in its possession "
    "pending the issuance of legal process (90 days, renewable for another 90)"
)
USC_2702 = (
    "18 U.S.C. § 2702(b)(8) and (c)(4): disclosure where an emergency involving danger of "
    "death or serious physical injury requires it without delay"
)
CENTRAL_AUTHORITIES = (
    "Transmitted through the central authorities: for the United States, the Department of "
    "Justice, Office of International Affairs; for India, the Ministry of Home Affairs."
)
TITLES = {
    "preservation": ("Request for the expedited preservation of stored computer data",
                     "संग्रहीत कंप्यूटर डेटा के शीघ्र संरक्षण हेतु अनुरोध"),
    "production": ("Request for the production of records", "अभिलेखों की प्रस्तुति हेतु अनुरोध"),
    "mla": ("Request for mutual legal assistance in criminal matters",
            "आपराधिक मामलों में पारस्परिक विधिक सहायता हेतु अनुरोध"),
    "emergency": ("Emergency disclosure request", "आपातकालीन प्रकटीकरण अनुरोध"),
}  # fmt: skip
HEADINGS = {
    "authority": ("Requesting authority", "अनुरोधकर्ता प्राधिकारी"),
    "addressee": ("Addressee", "प्राप्तकर्ता"),
    "basis": ("Legal basis", "विधिक आधार"),
    "facts": ("Summary of facts", "तथ्यों का सारांश"),
    "data": ("Data sought", "माँगा गया डेटा"),
    "necessity": ("Necessity", "आवश्यकता"),
    "clocks": ("Time limits", "समय-सीमा"),
    "signature": ("Signature", "हस्ताक्षर"),
}
# which of the kind's fields (rules._FIELDS) each section prints, with its label
SECTION_FIELDS = {
    "facts": [
        ("offence", "Offence"),
        ("summary_of_facts", "Facts"),
        ("case_summary", "Case summary"),
        ("legal_provisions", "Legal provisions"),
        ("imminent_risk", "Imminent risk"),
    ],
    "data": [
        ("stored_data", "Stored data to be preserved"),
        ("relation_to_offence", "Relation to the offence"),
        ("custodian", "Custodian or location"),
        ("data_categories", "Records asked for"),
        ("assistance_sought", "Assistance sought"),
        ("data_requested", "Data requested"),
    ],
    "necessity": [
        ("necessity", "Why preservation is necessary"),
        ("necessity_and_proportionality", "Necessity and proportionality"),
    ],
}
FOLLOW_UP = {
    "production": "a request for the production of the preserved data",
    "mla": "a request for mutual legal assistance",
}


@dataclass
class Letter:
    """What the letter says, section by section (headings in English and, for an Indian
    addressee, Hindi)."""

    reference: str
    title: str
    title_hi: str
    hindi: bool
    draft: bool
    letterhead: list[str]
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    def heading(self, key: str) -> str:
        english, hindi = HEADINGS[key]
        return f"{english} / {hindi}" if self.hindi else english

    def text(self) -> str:
        """The letter as plain text (what the PDF prints, in order)."""
        lines = [*self.letterhead, "", self.title]
        lines += [self.title_hi] if self.hindi else []
        for heading, body in self.sections:
            lines += ["", heading, *body]
        return "\n".join(lines)


# --- composing ------------------------------------------------------------------------------


def _country(agency: Agency | None, code: str) -> str:
    """An agency's country: from its record on this node, else its code (IN-CBI: IN)."""
    return agency.country if agency is not None else code[:2].upper()


def _agency_line(agency: Agency | None, code: str, partner: str = "") -> str:
    name = f"{agency.name} ({code})" if agency is not None else code
    return f"{name}, on the partner node {partner}" if partner else name


def _when(value: dt.datetime | None, hindi: bool) -> str:
    if value is None:
        return "—"
    utc = value.astimezone(dt.UTC)
    text = f"{utc:%Y-%m-%d %H:%M} UTC"
    return f"{text} ({value.astimezone(IST):%Y-%m-%d %H:%M} IST)" if hindi else text


def legal_basis(request: Request, src: str, dst: str) -> list[str]:
    """The provisions fitting the kind and the two countries, then the officers' own."""
    cross = src != dst and {src, dst} == {"US", "IN"}
    basis: list[str] = []
    if request.kind == "preservation":
        basis += [USC_2703F, BUDAPEST_29] if dst == "US" else []
        basis += [MLAT + ", under which the request that follows will be made"] if cross else []
        if dst == "IN":
            basis.append(
                "This request sets out the elements of Article 29(2) of the Convention on "
                "Cybercrime (India is not a party to it)."
            )
        basis += [] if basis else [BUDAPEST_29]
    elif request.kind == "emergency":
        basis += [USC_2702] if dst == "US" else []
        basis += [MLAT + ": an urgent request, to be confirmed in writing"] if cross else []
    elif cross:
        basis.append(MLAT)
    if request.kind == "mla":
        basis.append(CENTRAL_AUTHORITIES)
    own = request.fields.get("legal_basis")
    basis += [f"Also: {own}"] if own else []
    return [f"- {line}" for line in basis] or ["- The domestic law of the requested agency."]


def _value(name: str, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _fields(request: Request, section: str) -> list[str]:
    return [
        f"{label}: {_value(name, request.fields[name])}"
        for name, label in SECTION_FIELDS[section]
        if request.fields.get(name)
    ]


def _identifiers(request: Request) -> list[str]:
    rows = request.fields.get("identifiers") or []
    lines = ["Identifiers and the time ranges of the records:"] if rows else []
    for row in rows:
        kind = f" ({row['type']})" if row.get("type") else ""
        lines.append(f"- {row['value']}{kind}: {row['from']} to {row['to']}, {row['zone']}")
    return lines


def _necessity(request: Request) -> list[str]:
    lines = _fields(request, "necessity")
    follow = FOLLOW_UP.get(str(request.fields.get("follow_up", "")))
    if follow:
        lines.append(f"Follow-up: {follow} will follow (Art. 29(2)(f)).")
    if request.kind == "emergency":
        lines.append("The data is needed without delay to avert the imminent risk stated above.")
    return lines or ["The data is needed for the investigation and prosecution of the offence."]


def _clocks(request: Request, dst: str, hindi: bool) -> list[str]:
    lines = [f"Answer due by: {_when(request.due_at, hindi)}"]
    if request.kind == "emergency":
        lines.append("Emergency: an answer is asked for within 8 hours of receipt.")
    if request.kind == "preservation":
        days = rules.preservation_days(dst)
        rule = "18 U.S.C. 2703(f)" if dst == "US" else "Art. 29(7) of the Convention"
        lines.append(
            f"Preservation asked for {days} days ({rule}), extendable on request before it expires."
        )
    if request.preserved_until:
        lines.append(f"Preserved until: {_when(request.preserved_until, hindi)}")
    if request.requested_on:
        lines.append(f"Formal request made on {request.requested_on:%Y-%m-%d} (18 U.S.C. § 3292).")
    return lines


def _approval(request: Request) -> tuple[User | None, str, dt.datetime | None]:
    """The approving supervisor (their user, when on this node), their username and when."""
    message = request.messages.filter(action="approve").order_by("seq").first()
    if message is None:
        return None, "", None
    user = message.user or User.objects.filter(username=message.by).first()
    return user, message.by, message.received_at


def _signature(request: Request, requester: str) -> tuple[list[str], bool]:
    user, username, at = _approval(request)
    if not username:
        return [
            "DRAFT: not yet approved by a supervisor of the requesting agency; not to be sent."
        ], True
    name = user.signature_name if user else username
    title = user.signature_title if user else "supervisor"
    return [
        f"For the requesting authority, {requester}:",
        "",
        "______________________________",
        f"{name}, {title}",
        f"Approved {_when(at, False)} and signed with the node's key (ledger of both nodes).",
    ], False


def compose(request: Request, now: dt.datetime | None = None) -> Letter:
    """The letter for ``request`` as it stands now."""
    now = now or timezone.now()
    src = _country(request.requester, request.from_code)
    dst = _country(request.recipient, request.to_code)
    hindi = dst == "IN"
    requester = _agency_line(request.requester, request.from_code)
    partner = request.partner.name if request.partner else ""
    signature, draft = _signature(request, requester)
    title, title_hi = TITLES[request.kind]
    letter = Letter(
        reference=request.reference,
        title=f"{title}: {request.reference}",
        title_hi=title_hi,
        hindi=hindi,
        draft=draft,
        letterhead=[
            *(["DRAFT"] if draft else []),
            requester,
            f"Reference: {request.reference}    Case: {request.case_reference}",
            f"Kind: {request.kind}    Date: {now.astimezone(dt.UTC):%Y-%m-%d}",
        ],
    )
    sections = {
        "authority": [str(request.fields.get("requesting_authority") or requester)],
        "addressee": [_agency_line(request.recipient, request.to_code, partner)],
        "basis": legal_basis(request, src, dst),
        "facts": _fields(request, "facts") + _links(request),
        "data": _fields(request, "data") + _identifiers(request),
        "necessity": _necessity(request),
        "clocks": _clocks(request, dst, hindi),
        "signature": signature,
    }
    if hindi:
        letter.sections.append(("सूचना", [_hindi_introduction(request, requester)]))
    letter.sections += [(letter.heading(key), body) for key, body in sections.items()]
    return letter


def _links(request: Request) -> list[str]:
    campaign = (request.links or {}).get("campaign")
    return [f"Related fraud campaign: {campaign}"] if campaign else []


def _hindi_introduction(request: Request, requester: str) -> str:
    title_hi = TITLES[request.kind][1]
    return (
        f"यह {requester} की ओर से {title_hi} है (संदर्भ {request.reference})। "
        "अनुरोध का विवरण नीचे अंग्रेज़ी में दिया गया है; कृपया दी गई समय-सीमा के भीतर उत्तर दें।"
    )


# --- printing -------------------------------------------------------------------------------

SANS, SANS_BOLD = "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"
DEVANAGARI, DEVANAGARI_BOLD = (
    "noto/NotoSansDevanagari-Regular.ttf",
    "noto/NotoSansDevanagari-Bold.ttf",
)


def _fonts(pdf: FPDF) -> bool:
    """DejaVu Sans with Noto Sans Devanagari as fallback when the machine has them (the
    certificates' fonts: fonts-dejavu-core, fonts-noto-core); else Helvetica and Latin-1."""
    found = [font_path(f) for f in (SANS, SANS_BOLD, DEVANAGARI, DEVANAGARI_BOLD)]
    if any(f is None for f in found):
        return False
    sans, sans_bold, deva, deva_bold = (str(f) for f in found)
    pdf.add_font("sans", fname=sans)
    pdf.add_font("sans", style="B", fname=sans_bold)
    pdf.add_font("devanagari", fname=deva)
    pdf.add_font("devanagari", style="B", fname=deva_bold)
    pdf.set_fallback_fonts(["devanagari"], exact_match=False)
    pdf.set_text_shaping(True)
    return True


def to_pdf(letter: Letter) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(letter.title)
    pdf.set_creator("TraceBridge")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    unicode = _fonts(pdf)
    family = "sans" if unicode else "helvetica"

    def write(text: str, size: float, bold: bool = False, gap: float = 0) -> None:
        pdf.set_font(family, style="B" if bold else "", size=size)
        safe = text if unicode else text.encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, size * 0.5, safe, align="L", new_x="LMARGIN", new_y="NEXT")
        if gap:
            pdf.ln(gap)

    head, *rest = letter.letterhead
    write(head, 14, bold=True)
    for line in rest:
        write(line, 10)
    pdf.ln(4)
    write(letter.title, 12, bold=True)
    if letter.hindi:
        write(letter.title_hi, 12, bold=True)
    for heading, body in letter.sections:
        pdf.ln(3)
        write(heading, 11, bold=True, gap=1)
        for line in body:
            write(line or " ", 10)
    return bytes(pdf.output())


def letter_pdf(request: Request, by: User | None = None, http: Any = None) -> bytes:
    """The PDF of ``request``'s letter, audited as read by ``by`` (or the page's request)."""
    letter = compose(request)
    data = to_pdf(letter)
    audit.record(
        "request.letter",
        request=http,
        user=by,
        object_type="request",
        object_id=request.reference,
        kind=request.kind,
        hindi=letter.hindi,
        draft=letter.draft,
    )
    return data
