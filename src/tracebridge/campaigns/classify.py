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
    scam: [(cue.lower(), re.compile(rf"(?<!\w){re.escape(cue)}", re.IGNORECASE)) for cue in cues]
    for scam, cues in CUES.items()
}
# re's IGNORECASE matches these to "i" and "s"; str.lower() does not.
_UNUSUAL_FOLDS = frozenset("\u0130\u0131\u017f")


def classify(narrative: str) -> str | None:
    """The scam type the narrative's cue words point at, or None when unclear."""
    if not narrative:
        return None
    # A cue can match only where its lower-case text occurs: a substring test spares most of
    # the 90 regular expressions (campaign figures classify every vague member on each read).
    lowered = narrative.lower() if _UNUSUAL_FOLDS.isdisjoint(narrative) else None
    scores = {
        scam: sum(1 for cue, p in pats if _may_hold(cue, lowered) and p.search(narrative))
        for scam, pats in _PATTERNS.items()
    }
    best = max(scores.values())
    if best == 0:
        return None
    winners = [scam for scam, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else None


def _may_hold(cue: str, lowered: str | None) -> bool:
    return lowered is None or cue in lowered


def scam_type_of(structured: str, narrative: str) -> str:
    """The structured type when it says something, else what the narrative suggests."""
    if structured and structured not in ("unknown", "other"):
        return structured
    return classify(narrative) or structured or "unknown"
