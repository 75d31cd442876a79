"""STIX for partners' tools: OpenCTI's observable shapes, strict validation, no custom parsing."""

from __future__ import annotations

import uuid

from tracebridge.sharing import stix


def test_bank_accounts_carry_what_opencti_requires() -> None:
    # pycti CustomObservableBankAccount: value required, iban for an IBAN, id from iban.
    iban, pattern = stix.observable("iban:GB82WEST12345698765432")
    assert (iban["value"], iban["iban"]) == ("GB82WEST12345698765432", "GB82WEST12345698765432")
    contributing = '{"iban":"GB82WEST12345698765432"}'
    assert iban["id"] == f"bank-account--{uuid.uuid5(stix.SCO_NAMESPACE, contributing)}"
    assert pattern == "[bank-account:iban = 'GB82WEST12345698765432']"
    bank, _ = stix.observable("bank:IN:SBIN0001234:0012345678")
    assert bank["value"] == bank["account_number"] == "IN:SBIN0001234:0012345678"
    assert "iban" not in bank
