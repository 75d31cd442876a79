"""What a campaign amounts to, and an explained priority score. Pure: facts in, figures out.

The score adds points an investigator can check one by one: victims, losses (in US dollars at
fixed reference rates, only for ranking), victims in more than one country, recent activity and
the share of elderly victims.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tracebridge.campaigns.classify import scam_type_of

# Reference rates for ranking only (never shown as a converted loss): units of USD per unit.
USD_PER = {"USD": 1.0, "INR": 0.012, "EUR": 1.08, "GBP": 1.27, "CAD": 0.73, "AUD": 0.66}
ELDERLY_BANDS = ("60", "65", "70", "75", "80", "85", "90")


@dataclass(frozen=True)
class Facts:
    """The parts of one member complaint that a campaign summary needs."""

    country: str
    received_at: datetime
    scam_type: str = "unknown"
    narrative: str = ""
    loss_amount: Decimal | None = None
    loss_currency: str = ""
    payment_method: str = ""
    age_band: str = ""
    state: str = ""


def is_elderly(age_band: str) -> bool:
    """'60+', '65-74', '70+', '80 and over' count; '18-29' or '' do not."""
    band = age_band.strip()
    return band.startswith(ELDERLY_BANDS)


def summarize(facts: Iterable[Facts], now: datetime) -> dict[str, Any]:
    rows = list(facts)
    if not rows:
        return {"size": 0, "priority": 0.0, "priority_parts": []}
    losses: dict[str, Decimal] = {}
    for f in rows:
        if f.loss_amount is not None and f.loss_currency:
            losses[f.loss_currency] = losses.get(f.loss_currency, Decimal(0)) + f.loss_amount
    types = Counter(scam_type_of(f.scam_type, f.narrative) for f in rows)
    known = [(n, t) for t, n in types.items() if t not in ("unknown", "other")]
    countries = Counter(f.country for f in rows if f.country)
    elderly = sum(1 for f in rows if is_elderly(f.age_band))
    last = max(f.received_at for f in rows)
    summary: dict[str, Any] = {
        "size": len(rows),
        "countries": dict(countries.most_common()),
        "cross_border": len(countries) > 1,
        "losses": {cur: str(amount) for cur, amount in sorted(losses.items())},
        "scam_type": max(known)[1] if known else "unknown",
        "scam_types": dict(types.most_common()),
        "payment_methods": dict(Counter(f.payment_method for f in rows if f.payment_method)),
        "states": dict(Counter(f.state for f in rows if f.state).most_common()),
        "timeline": dict(sorted(Counter(f.received_at.strftime("%Y-%m") for f in rows).items())),
        "elderly": elderly,
        "first_seen": min(f.received_at for f in rows).isoformat(),
        "last_seen": last.isoformat(),
    }
    parts = priority_parts(len(rows), losses, len(countries) > 1, now - last, elderly)
    summary["priority_parts"] = parts
    summary["priority"] = round(sum(p["points"] for p in parts), 1)
    return summary


def usd(losses: dict[str, Decimal]) -> float:
    return sum(float(amount) * USD_PER.get(cur, 0.0) for cur, amount in losses.items())


def priority_parts(
    victims: int, losses: dict[str, Decimal], cross_border: bool, age: timedelta, elderly: int
) -> list[dict[str, Any]]:
    """Each part: what it measures, the value, the points it adds (0-100 in total)."""
    loss_usd = usd(losses)
    days = max(age.days, 0)
    return [
        _part("victims", victims, min(30.0, 10 * math.log2(1 + victims) / 1.5)),
        _part("losses_usd", round(loss_usd), min(30.0, 5 * math.log10(1 + loss_usd))),
        _part("cross_border", cross_border, 15.0 if cross_border else 0.0),
        _part("days_since_last", days, 15.0 if days <= 30 else 8.0 if days <= 90 else 0.0),
        _part("elderly_victims", elderly, 10.0 * elderly / max(victims, 1)),
    ]


def _part(name: str, value: object, points: float) -> dict[str, Any]:
    return {"name": name, "value": value, "points": round(points, 1)}
