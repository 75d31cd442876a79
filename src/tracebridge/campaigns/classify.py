"""Scam type from a narrative (English and Hindi), for complaints whose type is unknown or other.

Pure keyword scoring: each type lists cue words in both languages; the type with most cues wins
and ties go to nobody (an honest "unknown" beats a guess).
"""

from __future__ import annotations

import re

CUES: dict[str, tuple[str, ...]] = {
    "tech_support": (
        "pop-up", "popup", "virus", "infected", "remote access", "anydesk", "teamviewer",
        "hacked", "computer", "वायरस", "कंप्यूटर", "रिमोट",
    ),
    "government_impersonation": (
        "social security", "irs", "warrant", "ssn", "suspended", "federal agent", "marshal",
        "अधिकारी बताया", "सरकारी",
    ),
    "digital_arrest": (
        "digital arrest", "parcel", "drugs", "video call", "money laundering", "cbi", "customs",
        "डिजिटल अरेस्ट", "पार्सल", "ड्रग्स", "गिरफ्तारी", "मनी लॉन्ड्रिंग",
    ),
    "kyc_update": ("kyc", "account will be blocked", "otp", "pan card", "केवाईसी", "खाता बंद"),
    "investment": (
        "returns", "trading", "profits", "withdraw", "stock", "crypto", "ट्रेडिंग", "मुनाफ़",
        "शेयर",
    ),
    "loan_app": ("loan app", "instant loan", "morphed", "लोन", "धमकी"),
    "job_offer": (
        "part-time", "job", "liking videos", "tasks", "prepay", "नौकरी", "टास्क", "पार्ट-टाइम",
    ),
    "lottery_prize": ("sweepstakes", "lottery", "won", "prize", "लॉटरी", "इनाम"),
    "romance": ("met online", "dating", "love", "customs fees to visit", "प्यार", "ऑनलाइन मिले"),
    "sextortion": ("intimate", "nude", "video of me", "अश्लील"),
    "customer_care": ("refund", "customer care", "order", "रिफ़ंड", "कस्टमर केयर"),
    "utility": ("electricity", "power will be cut", "bill", "बिजली", "बिल"),
    "debt_relief": ("debt", "credit card interest", "consolidat", "कर्ज़"),
}  # fmt: skip
_PATTERNS = {
    scam: [re.compile(rf"(?<!\w){re.escape(cue)}", re.IGNORECASE) for cue in cues]
    for scam, cues in CUES.items()
}


def classify(narrative: str) -> str | None:
    """The scam type the narrative's cue words point at, or None when unclear."""
    if not narrative:
        return None
    scores = {scam: sum(1 for p in pats if p.search(narrative)) for scam, pats in _PATTERNS.items()}
    best = max(scores.values())
    if best == 0:
        return None
    winners = [scam for scam, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else None


def scam_type_of(structured: str, narrative: str) -> str:
    """The structured type when it says something, else what the narrative suggests."""
    if structured and structured not in ("unknown", "other"):
        return structured
    return classify(narrative) or structured or "unknown"
