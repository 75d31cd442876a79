"""Reference exchange rates: amounts in different currencies compared on one scale (INR).

Tracing follows a USD wire into an account that is emptied in INR, and mule scoring compares
what enters and leaves an account; both need a rate, not a market quote. The simulated world
uses 83 INR to the dollar.
"""

from __future__ import annotations

from collections.abc import Mapping

RATES_INR: Mapping[str, float] = {
    "INR": 1.0,
    "USD": 83.0,
    "EUR": 90.0,
    "GBP": 105.0,
    "AED": 22.6,
    "CAD": 61.0,
    "AUD": 55.0,
    "SGD": 62.0,
    "USDT": 83.0,
}


def rate_sql(rates: Mapping[str, float] = RATES_INR, column: str = "currency") -> str:
    """``(CASE currency WHEN 'USD' THEN 83.0 … END)``: NULL for a currency without a rate."""
    whens = " ".join(
        f"WHEN '{c}' THEN {float(r)!r}" for c, r in rates.items() if c.isalpha() and c.isupper()
    )
    return f"(CASE {column} {whens} END)"
