"""TLP 2.0 and PAP markings: pure definitions, no Django.

TLP 2.0: https://www.first.org/tlp/ ; PAP: https://cert.ssi.gouv.fr/csirt/sharing-policy/
"""

from __future__ import annotations

from enum import StrEnum


class TLP(StrEnum):
    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"

    @property
    def rank(self) -> int:
        return _TLP_ORDER.index(self)

    @classmethod
    def parse(cls, text: str) -> TLP:
        """Accept 'amber+strict', 'TLP:AMBER', 'white' (TLP 1.0's name for CLEAR)."""
        value = text.strip().upper().removeprefix("TLP:").replace(" ", "")
        if value == "WHITE":
            return cls.CLEAR
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown TLP marking {text!r}; expected one of {names}") from None

    @property
    def leaves_agency(self) -> bool:
        """RED and AMBER+STRICT stay inside the organisation that marked them."""
        return self not in (TLP.RED, TLP.AMBER_STRICT)


_TLP_ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]


class PAP(StrEnum):
    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"


TLP_CHOICES = [(m.value, m.value) for m in TLP]
PAP_CHOICES = [(m.value, m.value) for m in PAP]
