"""Address encodings with checksums: base58check (Bitcoin, TRON) and bech32/bech32m.

Decoders check what a victim wrote; the encoders (their inverses) give the simulator valid
addresses.

bech32 follows the BIP-173 and BIP-350 reference code (Pieter Wuille, MIT licence).
"""

from __future__ import annotations

import hashlib

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
RIPPLE_ALPHABET = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONST, BECH32M_CONST = 1, 0x2BC830A3
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def b58decode(text: str, alphabet: str = BASE58_ALPHABET) -> bytes | None:
    number = 0
    for char in text:
        digit = alphabet.find(char)
        if digit < 0:
            return None
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    leading_zeros = len(text) - len(text.lstrip(alphabet[0]))
    return b"\x00" * leading_zeros + body


def _b58checksum(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def b58check_decode(text: str, alphabet: str = BASE58_ALPHABET) -> bytes | None:
    """Payload (version byte included) when the 4-byte double SHA-256 checksum matches."""
    raw = b58decode(text, alphabet)
    if raw is None or len(raw) < 5:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    return payload if _b58checksum(payload) == checksum else None


def b58check_encode(payload: bytes, alphabet: str = BASE58_ALPHABET) -> str:
    """The base58check text of ``payload`` (version byte included): b58check_decode's inverse."""
    raw = payload + _b58checksum(payload)
    number, out = int.from_bytes(raw, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        out = alphabet[digit] + out
    return alphabet[0] * (len(raw) - len(raw.lstrip(b"\0"))) + out


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            chk ^= _BECH32_GEN[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def bech32_decode(text: str) -> tuple[str, list[int], int] | None:
    """(hrp, data without checksum, constant) per BIP-173/350, or None if malformed."""
    if any(ord(x) < 33 or ord(x) > 126 for x in text):
        return None
    if text.lower() != text and text.upper() != text:
        return None  # mixed case is never valid
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        return None
    if any(x not in BECH32_CHARSET for x in text[pos + 1 :]):
        return None
    hrp = text[:pos]
    data = [BECH32_CHARSET.find(x) for x in text[pos + 1 :]]
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        return None
    return hrp, data[:-6], const


def _convertbits(
    data: list[int], frombits: int, tobits: int, pad: bool = False
) -> list[int] | None:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            return None
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None  # BIP-173: no padding beyond 4 bits, padding bits zero
    return out


def segwit_decode(hrp: str, address: str) -> tuple[int, bytes] | None:
    """(witness version, program) of a segwit address with the given hrp (BIP-173, BIP-350)."""
    decoded = bech32_decode(address)
    if decoded is None or decoded[0] != hrp or not decoded[1]:
        return None
    _, data, const = decoded
    program = _convertbits(data[1:], 5, 8)
    version = data[0]
    if program is None or not 2 <= len(program) <= 40 or version > 16:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    if (version == 0) != (const == BECH32_CONST):
        return None  # v0 uses bech32, v1+ bech32m
    return version, bytes(program)


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """The address of a witness program (bech32 for v0, bech32m for v1+): segwit_decode's inverse."""
    five = _convertbits(list(program), 8, 5, pad=True)
    assert five is not None  # bytes always fit in 8 bits
    data = [version, *five]
    const = BECH32_CONST if version == 0 else BECH32M_CONST
    polymod = _polymod(_hrp_expand(hrp) + data + [0] * 6) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def keccak256(data: bytes) -> bytes:
    # Ethereum's Keccak-256 is the pre-standard padding, not hashlib's SHA3-256.
    from Crypto.Hash import keccak

    return keccak.new(digest_bits=256, data=data).digest()


def eip55(address_hex: str) -> str:
    """The EIP-55 mixed-case checksum form of a 40-hex-digit address (without 0x)."""
    lower = address_hex.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "".join(c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))
