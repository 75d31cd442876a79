"""What varies between simulated worlds: the family of worlds quality is measured on.

The defaults are the one world the simulator always made (the demo, the tests' pinned digests);
a knob at its default draws no extra random numbers, so the same seed gives the same bytes.
``bench/quality.py`` draws knobs from ranges to measure linking on worlds it was not tuned on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Knobs:
    # Complaints of no campaign (fresh identifiers), and complaints naming no identifier at all.
    one_off_share: float = 0.08
    no_identifier_share: float = 0.12
    # Identifiers per complaint: scales the chance of naming a contact the channel does not call
    # for (a phone after an e-mail scam, a site after a call); 1 = today's 0.3 / 0.3 / 0.2.
    extra_contacts: float = 1.0
    # Where a named contact is written: the narrative only, or both the fields and the narrative
    # (the rest go into the structured fields only).
    narrative_only_share: float = 0.25
    both_share: float = 0.15
    # Overlap of rotating infrastructure: items of each kind a rotation carries over.
    carry_over: int = 2
    # Hub density: the share of complaints that also name an impersonated helpline or site.
    trap_share: float = 0.35
    # Shared-host links (a campaign's own t.me channel, bit.ly code or wa.me chat): the share of
    # campaign complaints that name one. 0 = none, as before.
    shared_link_share: float = 0.0
    # Campaign sizes: Pareto shape of the weights (smaller = heavier tail), their cap, and the
    # number of campaigns (None: about 12, growing slowly with the complaints).
    size_shape: float = 1.3
    size_cap: float = 12.0
    campaigns: int | None = None
    # Robocalls: the share that arrives unsigned (no attestation, so no origid; 0 to 0.8 in the
    # issue), the mix of caller-ID tactics per burst (the campaign's own rotating numbers,
    # neighbour spoofing, random or invalid numbers) and of routes (international gateway with
    # C attestation, domestic VoIP with B, A).
    unsigned_share: float = 0.0
    # The share of a campaign's robocalls that enter through the campaign's own route (its
    # foreign carrier, US gateway and transit carrier; its originating provider and transit on
    # a domestic route), as a robodialer buying termination from one wholesaler does; the rest
    # take a route drawn per call, as every robocall did before (0).
    own_route_share: float = 0.0
    # Ordinary calls from abroad (family, business) through the same gateways: the share of
    # legitimate calls that arrive that way, foreign caller IDs mostly, C-attested with the
    # gateway's origid or unsigned, reported by every carrier on the path (0: none, as before).
    gateway_legit_share: float = 0.0
    spoof_mix: tuple[float, float, float] = (0.45, 0.35, 0.2)
    # Mules with ordinary activity (simulate.ordinary): the share of the scammers' bank and UPI
    # accounts (first layer and collectors) that also carry an ordinary life (salary in, rent,
    # bills, shopping and small UPI to people out), and that life's money over the year as a
    # multiple of the fraud money through the account (it dilutes the pass-through ratio).
    ordinary_mule_share: float = 0.0
    ordinary_volume: float = 1.0
    # Legitimate accounts that look mule-like (family accounts that forward what a relative
    # sends, traders and payment aggregators that pass most of their money on within hours),
    # as many as this share of the mule accounts; some are paid by mules with an ordinary life.
    lookalike_share: float = 0.0
    route_mix: tuple[float, float, float] = (0.6, 0.3, 0.1)

    def __post_init__(self) -> None:
        shares = ("one_off_share", "no_identifier_share", "narrative_only_share", "both_share",
                  "trap_share", "shared_link_share", "unsigned_share", "own_route_share",
                  "gateway_legit_share", "ordinary_mule_share", "lookalike_share")  # fmt: skip
        self._each(shares, lambda v: 0.0 <= v <= 1.0, "between 0 and 1")
        if self.narrative_only_share + self.both_share > 1.0:
            raise ValueError("narrative_only_share + both_share must not exceed 1")
        self._each(
            ("carry_over", "extra_contacts", "ordinary_volume"), lambda v: v >= 0, "at least 0"
        )
        self._each(("size_shape", "size_cap"), lambda v: v > 0, "above 0")
        self._each(("spoof_mix", "route_mix"), _is_mix, "three shares that add up to 1")
        if self.campaigns is not None:
            self._each(("campaigns",), lambda v: v >= 1, "at least 1")

    def _each(self, names: tuple[str, ...], fits: Callable[[Any], bool], what: str) -> None:
        """Refuse the first knob of ``names`` whose value does not fit, naming it."""
        for name in names:
            value = getattr(self, name)
            if not fits(value):
                raise ValueError(f"{name} must be {what}, not {value}")

    @property
    def structured_below(self) -> float:
        """A contact goes into the structured fields when its roll is below this."""
        return round(1.0 - self.narrative_only_share, 12)

    @property
    def narrative_from(self) -> float:
        """A contact goes into the narrative when its roll is at or above this."""
        return round(1.0 - self.narrative_only_share - self.both_share, 12)


def _is_mix(mix: tuple[float, ...]) -> bool:
    return len(mix) == 3 and min(mix) >= 0 and abs(sum(mix) - 1.0) <= 1e-9


DEFAULT = Knobs()
