"""Published test vectors for every checksum the parsers rely on."""

from __future__ import annotations

import pytest

from tracebridge.identifiers import Identifier, Rejected, parse
from tracebridge.identifiers.codecs import (
    b58check_decode,
    b58check_encode,
    eip55,
    keccak256,
    segwit_decode,
    segwit_encode,
)

# BIP-173 "valid segwit addresses" and BIP-350 "valid segwit addresses" (mainnet ones).
BIP173_VALID = [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
]
BIP350_VALID = [
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "BC1SW50QGDZ25J",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
]
# BIP-350 "invalid segwit addresses" (each for the reason in the comment).
BIP350_INVALID = [
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # v1 with bech32
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # v16 with bech32
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # v0 with bech32m
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid character
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # witness version 17
    "bc1pw5dgrnzv",  # program too short
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # v0 program of 16 bytes
    "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",  # wrong padding
    "bc1gmk9yu",  # empty data
]


@pytest.mark.parametrize("address", BIP173_VALID + BIP350_VALID)
def test_bip173_bip350_valid(address: str) -> None:
    assert segwit_decode("bc", address) is not None
    found = parse("wallet", address)
    assert isinstance(found, Identifier)
    assert found.key == f"wallet:btc:{address.lower()}"
    assert found.details["confidence"] == "high"


@pytest.mark.parametrize("address", BIP350_INVALID)
def test_bip350_invalid(address: str) -> None:
    assert segwit_decode("bc", address) is None
    assert isinstance(parse("wallet", address), Rejected)


def test_bip173_witness_program_bytes() -> None:
    version, program = segwit_decode("bc", BIP173_VALID[0]) or (None, b"")
    assert version == 0
    assert program.hex() == "751e76e8199196d454941c45d1b3a323f1433bd6"


@pytest.mark.parametrize("address", BIP173_VALID + BIP350_VALID)
def test_segwit_encode_gives_the_published_address_back(address: str) -> None:
    version, program = segwit_decode("bc", address) or (-1, b"")
    assert segwit_encode("bc", version, program) == address.lower()


def test_segwit_wrong_hrp_is_rejected() -> None:
    assert segwit_decode("bc", "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx") is None


# EIP-55 examples (all-caps, all-lower and mixed-case checksummed addresses).
EIP55 = [
    "52908400098527886E0F7030069857D2E4169EE7",
    "8617E340B3D01FA5F11F306F4090FD50E238070D",
    "de709f2102306220921060314715629080e2fb77",
    "27b1fdb04752bbc536007a920d24acb045561c26",
    "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "dbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "D1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55)
def test_eip55_published_examples(address: str) -> None:
    assert eip55(address) == address
    found = parse("wallet", "0x" + address)
    assert isinstance(found, Identifier)
    assert found.key == "wallet:eth:0x" + address.lower()
    assert found.details["address"] == "0x" + address


def test_eip55_wrong_case_names_the_expected_form() -> None:
    result = parse("wallet", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    assert isinstance(result, Rejected)
    assert (
        "EIP-55" in result.reason and "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" in result.reason
    )


def test_keccak_is_not_sha3() -> None:
    # Keccak-256 of the empty string (Ethereum's KECCAK_EMPTY), not SHA3-256's a7ffc6f8...
    assert (
        keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


def test_base58check_genesis_address() -> None:
    payload = b58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert payload is not None
    assert payload.hex() == "0062e907b15cbf27d5425399ebf6f0fb50ebb88f18"
    assert b58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb") is None
    assert b58check_decode("0OIl") is None  # not in the alphabet
    assert b58check_encode(payload) == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


def test_tron_address_version_byte() -> None:
    found = parse("wallet", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")  # the USDT TRC-20 contract
    assert isinstance(found, Identifier) and found.details == {"chain": "trx", "confidence": "high"}
    # A valid Bitcoin base58check address is not a TRON address even when told it is.
    assert isinstance(parse("wallet", "trx:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), Rejected)


@pytest.mark.parametrize("routing", ["021000021", "011000015", "026009593", "121000358"])
def test_aba_routing_published_numbers(routing: str) -> None:
    found = parse("bank", f"{routing} 123456")
    assert isinstance(found, Identifier) and found.key == f"bank:US:{routing}:123456"


@pytest.mark.parametrize("routing", ["021000022", "123456789", "000000001"])
def test_aba_routing_bad_checksum(routing: str) -> None:
    result = parse("bank", f"{routing} 123456")
    assert isinstance(result, Rejected) and "routing" in result.reason


@pytest.mark.parametrize(
    "iban",
    ["GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606",
     "NL91ABNA0417164300", "GB29NWBK60161331926819", "SA0380000000608010167519"],
)  # fmt: skip
def test_iban_published_examples(iban: str) -> None:
    found = parse("iban", iban)
    assert isinstance(found, Identifier) and found.key == f"iban:{iban}"


def test_iban_mod97_failure() -> None:
    result = parse("iban", "GB82WEST12345698765431")
    assert isinstance(result, Rejected) and "checksum" in result.reason


@pytest.mark.parametrize(
    ("number", "brand"),
    [("4111111111111111", "visa"), ("5555555555554444", "mastercard"),
     ("378282246310005", "amex"), ("6011111111111117", "discover"),
     ("3530111333300000", "jcb"), ("30569309025904", "diners")],
)  # fmt: skip
def test_luhn_published_test_cards(number: str, brand: str) -> None:
    found = parse("card", number)
    assert isinstance(found, Identifier)
    assert found.details["brand"] == brand
    assert number not in found.key and found.key.count("*") == len(number) - 10


def test_luhn_failure_never_echoes_the_full_number() -> None:
    result = parse("card", "4111 1111 1111 1112")
    assert isinstance(result, Rejected)
    assert "4111111111111112" not in result.text + result.reason
    assert "Luhn" in result.reason
