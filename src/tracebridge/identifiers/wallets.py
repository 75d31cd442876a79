"""Cryptocurrency addresses: checksummed for BTC, ETH and TRON; other chains by pattern."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .codecs import RIPPLE_ALPHABET, b58check_decode, eip55, segwit_decode
from .model import Identifier, Rejected, make, short

CHAIN_ALIASES = {
    "bitcoin": "btc", "xbt": "btc", "ethereum": "eth", "erc20": "eth", "bsc": "eth",
    "bnb": "eth", "bep20": "eth", "polygon": "eth", "matic": "eth", "arbitrum": "eth",
    "base": "eth", "tron": "trx", "trc20": "trx", "litecoin": "ltc", "dogecoin": "doge",
    "ripple": "xrp", "solana": "sol", "monero": "xmr", "bitcoincash": "bch",
    "usdt-trc20": "trx", "trc-20": "trx", "usdt-erc20": "eth", "erc-20": "eth",
    "usdt-bep20": "eth", "bep-20": "eth",
}  # fmt: skip
# EVM chains share addresses (one private key), so they share a key with Ethereum.

_BASE58 = "[1-9A-HJ-NP-Za-km-z]"
_ETH = re.compile(r"^0[xX][0-9a-fA-F]{40}$")
_XMR = re.compile(rf"^[48][0-9AB]{_BASE58}{{93}}$")
_BCH = re.compile(r"^(?:bitcoincash:)?[qp][02-9ac-hj-np-z]{41}$")
_SOL = re.compile(rf"^{_BASE58}{{32,44}}$")
_GENERIC = re.compile(r"^[A-Za-z0-9:_\-]{20,120}$")
_CHAIN_NAME = re.compile(r"[a-z0-9][a-z0-9\-]{1,15}")

Result = Identifier | str  # an identifier or the reason the address is not one


def parse_wallet(text: str, chain: str | None = None) -> Identifier | Rejected:
    result = _parse(text.strip(), (chain or "").strip().lower())
    return Rejected("wallet", text, result) if isinstance(result, str) else result


@lru_cache(maxsize=1 << 14)
def _parse(text: str, chain: str) -> Result:
    address = text
    if not chain and ":" in address:
        head, _, rest = address.partition(":")  # "chain:address" keys and "bitcoin:" URIs
        if _CHAIN_NAME.fullmatch(head.lower()):
            chain, address = head.lower(), rest
    address = address.split("?", 1)[0]  # BIP-21 style "?amount=" parameters
    chain = CHAIN_ALIASES.get(chain, chain)
    if chain:
        checker = _CHECKERS.get(chain)
        return checker(address) if checker else _generic(chain, address)
    guessed = detect_chain(address)
    if guessed is None:
        return f"{short(text)} is not a recognised cryptocurrency wallet address."
    return _CHECKERS[guessed](address)


def detect_chain(address: str) -> str | None:
    """The chain an address's shape points to (not yet checked), or None."""
    low = address[:12].lower()
    for prefix, chain in _PREFIXES:
        if low.startswith(prefix):
            return chain
    if _XMR.match(address):
        return "xmr"
    if _BCH.match(address):
        return "bch"
    first = address[:1]
    if len(address) >= 25 and first in _FIRST_CHAR:
        return _FIRST_CHAR[first]
    return None


def _wallet(chain: str, addr: str, confidence: str, **extra: str) -> Identifier:
    return make("wallet", f"{chain}:{addr}", {"chain": chain, "confidence": confidence, **extra})


def btc(address: str) -> Result:
    if address[:3].lower() == "bc1":
        decoded = segwit_decode("bc", address)
        if decoded is None:
            return f"{short(address)} fails the bech32/bech32m checksum (BIP-173/BIP-350)."
        return _wallet("btc", address.lower(), "high", format=f"segwit_v{decoded[0]}")
    payload = b58check_decode(address)
    if payload is None or len(payload) != 21:
        return f"{short(address)} fails the Bitcoin base58check checksum."
    if payload[0] not in (0x00, 0x05):
        return f"{short(address)} is not a Bitcoin main-network address."
    return _wallet("btc", address, "high", format="p2pkh" if payload[0] == 0 else "p2sh")


def eth(address: str) -> Result:
    if not _ETH.match(address):
        return f"{short(address)} is not 0x followed by 40 hexadecimal digits."
    body = address[2:]
    checksummed = eip55(body)
    mixed = body.lower() != body and body.upper() != body
    if mixed and body != checksummed:
        return f"{short(address)} fails the EIP-55 checksum (expected 0x{checksummed})."
    confidence = "high" if mixed else "medium"  # all one case carries no checksum
    return _wallet("eth", "0x" + body.lower(), confidence, address="0x" + checksummed)


def trx(address: str) -> Result:
    payload = b58check_decode(address)
    if payload is None or len(payload) != 21 or payload[0] != 0x41:
        return f"{short(address)} is not a TRON address (base58check, version 0x41)."
    return _wallet("trx", address, "high")


def _b58_chain(
    chain: str, versions: tuple[int, ...], alphabet: str | None = None
) -> Callable[[str], Result]:
    def check(address: str) -> Result:
        payload = b58check_decode(address, alphabet) if alphabet else b58check_decode(address)
        if payload is None or len(payload) != 21 or payload[0] not in versions:
            return f"{short(address)} is not a valid {chain.upper()} address."
        return _wallet(chain, address, "medium")

    return check


def ltc(address: str) -> Result:
    if address[:4].lower() == "ltc1":
        if segwit_decode("ltc", address) is None:
            return f"{short(address)} fails the bech32 checksum."
        return _wallet("ltc", address.lower(), "medium")
    return _b58_chain("ltc", (0x30, 0x32))(address)


def _pattern(chain: str, pattern: re.Pattern[str], lower: bool = False) -> Callable[[str], Result]:
    def check(address: str) -> Result:
        if not pattern.match(address):
            return f"{short(address)} does not look like a {chain.upper()} address."
        return _wallet(chain, address.lower() if lower else address, "low")

    return check


def _bch(address: str) -> Result:
    result = _pattern("bch", _BCH, lower=True)(address)
    if isinstance(result, Identifier) and not result.value.startswith("bch:bitcoincash:"):
        return _wallet("bch", "bitcoincash:" + address.lower(), "low")
    return result


def _generic(chain: str, address: str) -> Result:
    if not _CHAIN_NAME.fullmatch(chain):
        return f"{short(chain)} is not a chain name."
    return _pattern(chain, _GENERIC)(address)


_CHECKERS: dict[str, Callable[[str], Result]] = {
    "btc": btc,
    "eth": eth,
    "trx": trx,
    "ltc": ltc,
    "doge": _b58_chain("doge", (0x1E, 0x16)),
    "xrp": _b58_chain("xrp", (0x00,), RIPPLE_ALPHABET),
    "xmr": _pattern("xmr", _XMR),
    "bch": _bch,
    "sol": _pattern("sol", _SOL),
}
_PREFIXES = (("bc1", "btc"), ("ltc1", "ltc"), ("0x", "eth"), ("bitcoincash:", "bch"))
# Solana is never guessed: any 32-44 character base58 word would look like one.
_FIRST_CHAR = {"1": "btc", "3": "btc", "T": "trx", "r": "xrp", "L": "ltc", "M": "ltc", "D": "doge"}
