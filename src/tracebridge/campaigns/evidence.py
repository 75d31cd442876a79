"""Evidence that other apps give the campaigns' soft links (``soft_links``, issue 19.4).

The campaigns app sits below the money app (docs/architecture.md), so it cannot ask it; the
money app registers its provider here when it starts (``MoneyConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# () -> (complaint pk, downstream account key) pairs: where each complaint's payment went on.
MoneyLayers = Callable[[], Iterable[tuple[int, str]]]
_money: list[MoneyLayers] = []


def register_money_layers(provider: MoneyLayers) -> None:
    if provider not in _money:
        _money.append(provider)


def money_layers() -> list[tuple[int, str]]:
    return [pair for provider in _money for pair in provider()]
