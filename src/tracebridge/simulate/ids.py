"""Valid synthetic identifiers: numbers that pass numbering plans, accounts and wallets that
pass their checksums, and the canonical keys of DESIGN.md for each.

Everything here draws from a ``random.Random`` handed in, so a seed fixes every value.
"""

from __future__ import annotations

import random
import string

from tracebridge.identifiers.codecs import b58check_encode, eip55, segwit_encode
from tracebridge.simulate import catalog

# ---------------------------------------------------------------- phone numbers


def us_line(rng: random.Random, npa: str | None = None) -> str:
    """A geographic US number in E.164. NXX avoids N11 and 555 (reserved for fiction)."""
    npa = npa or rng.choice(catalog.US_AREA_CODES)
    while True:
        nxx = rng.randint(200, 999)
        if nxx % 100 != 11 and nxx != 555:
            return f"+1{npa}{nxx}{rng.randint(0, 9999):04d}"


def us_toll_free(rng: random.Random) -> str:
    return us_line(rng, rng.choice(catalog.US_TOLL_FREE))


def in_mobile(rng: random.Random) -> str:
    """An Indian mobile in E.164: a series allocated to mobile operators, any subscriber."""
    return f"+91{rng.choice(catalog.IN_MOBILE_SERIES)}{rng.randint(0, 99999):05d}"


# ---------------------------------------------------------------- bank accounts and UPI


def ifsc(rng: random.Random, bank: str | None = None) -> str:
    """IFSC: 4-letter bank code, a zero, 6-character branch code (RBI format)."""
    bank = bank or rng.choice(list(catalog.IN_BANKS))
    return f"{bank}0{rng.randint(1, 999999):06d}"


def in_account(rng: random.Random, bank: str) -> str:
    digits = catalog.IN_BANKS[bank][1]
    return str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(digits - 1))


def in_bank_account(rng: random.Random, bank: str | None = None) -> tuple[str, str]:
    """(IFSC, account) at ``bank``, or at a bank drawn from catalog.IN_BANKS."""
    bank = bank or rng.choice(list(catalog.IN_BANKS))
    return ifsc(rng, bank), in_account(rng, bank)


def us_account(rng: random.Random) -> tuple[str, str]:
    """(routing, account): a real ABA routing number (valid 3-7-1 checksum), 8-12 digits."""
    routing = rng.choice(list(catalog.US_BANKS))
    length = rng.randint(8, 12)
    return routing, str(rng.randint(1, 9)) + "".join(
        rng.choice(string.digits) for _ in range(length - 1)
    )


def upi_id(rng: random.Random, handle_name: str) -> str:
    """A VPA such as ``rahul.k482@ybl``: lower case, as NPCI stores it."""
    return f"{handle_name}@{rng.choice(list(catalog.UPI_HANDLES))}"


def bank_of_upi(vpa: str) -> str:
    return catalog.UPI_HANDLES[vpa.rsplit("@", 1)[1]]


def bank_of_ifsc(code: str) -> str:
    return catalog.IN_BANKS[code[:4]][0]


def bank_of_routing(routing: str) -> str:
    return catalog.US_BANKS[routing]


# ---------------------------------------------------------------- crypto wallets


def wallet(rng: random.Random, chain: str) -> str:
    """A wallet address with a valid checksum: btc (bech32 or legacy), eth (EIP-55), trx."""
    payload = rng.randbytes(20)
    if chain == "btc":
        if rng.random() < 0.7:
            return segwit_encode("bc", 0, payload)  # P2WPKH
        return b58check_encode(b"\0" + payload)
    if chain == "eth":
        return "0x" + eip55(payload.hex())
    if chain == "trx":
        return b58check_encode(b"\x41" + payload)
    raise ValueError(f"unknown chain {chain!r}")


# ---------------------------------------------------------------- web and e-mail


def scam_domain(rng: random.Random, theme: str) -> str:
    words = catalog.DOMAIN_WORDS[theme]
    name = f"{rng.choice(words[0])}-{rng.choice(words[1])}"
    if rng.random() < 0.4:
        name += str(rng.randint(1, 99))
    return f"{name}.{rng.choice(catalog.SCAM_TLDS)}"


_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def shared_link(rng: random.Random, phones: list[str]) -> str:
    """A campaign's own link on a shared host, canonical: a Telegram channel, a bit.ly code or
    a WhatsApp chat with one of its numbers."""
    roll = rng.random()
    if roll < 0.4:
        first = rng.choice(catalog.ALIAS_FIRST).lower()
        return f"https://t.me/{first}_{rng.choice(('profits', 'vip', 'signals', 'help'))}{rng.randint(1, 999)}"
    if roll < 0.7 or not phones:
        return "https://bit.ly/" + "".join(rng.choice(_BASE62) for _ in range(7))
    return "https://wa.me/" + rng.choice(phones).lstrip("+")


def mailbox(rng: random.Random) -> str:
    first = rng.choice(catalog.ALIAS_FIRST)
    return f"{first}.{rng.choice(catalog.ALIAS_ROLE)}{rng.randint(1, 999)}"


# ---------------------------------------------------------------- canonical keys (DESIGN.md)


def key_phone(e164: str) -> str:
    return f"phone:{e164}"


def key_email(address: str) -> str:
    return f"email:{address.lower()}"


def key_domain(domain: str) -> str:
    return f"domain:{domain.lower()}"


def key_upi(vpa: str) -> str:
    return f"upi:{vpa.lower()}"


def key_wallet(chain: str, address: str) -> str:
    # Keys are lower case where case carries no identity (EIP-55 checksum, bech32);
    # base58 addresses are case-sensitive and stay as they are.
    lower = chain == "eth" or address.lower().startswith("bc1")
    return f"wallet:{chain}:{address.lower() if lower else address}"


def account_in(ifsc_code: str, account: str) -> str:
    """Transaction-file account key; the identifier key is ``bank:`` + this."""
    return f"IN:{ifsc_code}:{account}"


def account_us(routing: str, account: str) -> str:
    return f"US:{routing}:{account}"


def account_upi(vpa: str) -> str:
    return f"UPI:{vpa}"


def account_wallet(chain: str, address: str) -> str:
    return f"WALLET:{chain}:{address}"


def identifier_key_of_account(account: str) -> str:
    """``IN:…``/``US:…`` -> ``bank:…``; ``UPI:v`` -> ``upi:v``; ``WALLET:c:a`` -> ``wallet:c:a``."""
    kind, rest = account.split(":", 1)
    if kind in ("IN", "US"):
        return f"bank:{account}"
    if kind == "UPI":
        return key_upi(rest)
    chain, address = rest.split(":", 1)
    return key_wallet(chain, address)
