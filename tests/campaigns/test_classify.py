"""The substring pre-test in classify changes no answer of the plain per-cue regular expressions."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tracebridge.campaigns.classify import CUES, classify

_PLAIN = {
    scam: [re.compile(rf"(?<!\w){re.escape(cue)}", re.IGNORECASE) for cue in cues]
    for scam, cues in CUES.items()
}
_PIECES = [cue for cues in CUES.values() for cue in cues] + [
    cue.upper() for cues in CUES.values() for cue in cues
]


def _plain(narrative: str) -> str | None:
    if not narrative:
        return None
    scores = {scam: sum(1 for p in pats if p.search(narrative)) for scam, pats in _PLAIN.items()}
    best = max(scores.values())
    winners = [scam for scam, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


_TEXT = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.text(alphabet="abcKİıſ ,.x\u0915", max_size=4)),
    max_size=8,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_classify_agrees_with_the_plain_expressions(narrative: str) -> None:
    assert classify(narrative) == _plain(narrative)


def test_unusual_case_folds_still_match() -> None:
    assert classify("my ssn was ſuspended by the IRS") == _plain("my ssn was ſuspended by the IRS")
    assert classify("Lottery PRIZE: you WON") == "lottery_prize"
