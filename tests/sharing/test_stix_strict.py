"""STIX for partners' tools: OpenCTI's observable shapes, strict validation, no custom parsing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import stix2
import stix2validator

from tracebridge.complaints.models import Complaint
from tracebridge.complaints.services import ingest
from tracebridge.sharing import stix, stix_extensions
from tracebridge.sharing.exports import export_bundle
from tracebridge.sharing.imports import import_objects

from .conftest import record


def test_bank_accounts_carry_what_opencti_requires() -> None:
    # pycti CustomObservableBankAccount: value required, iban for an IBAN, id from iban
    # (UUIDv5's bits with version 4: see stix.sco_id).
    iban, pattern = stix.observable("iban:GB82WEST12345698765432")
    assert (iban["value"], iban["iban"]) == ("GB82WEST12345698765432", "GB82WEST12345698765432")
    v5 = uuid.uuid5(stix.SCO_NAMESPACE, '{"iban":"GB82WEST12345698765432"}')
    assert iban["id"] == f"bank-account--{uuid.UUID(bytes=v5.bytes, version=4)}"
    assert pattern == "[bank-account:iban = 'GB82WEST12345698765432']"
    bank, _ = stix.observable("bank:IN:SBIN0001234:0012345678")
    assert bank["value"] == bank["account_number"] == "IN:SBIN0001234:0012345678"
    assert "iban" not in bank


SCAM_KINDS = [
    ("tech_support", "phone_call"), ("digital_arrest", "whatsapp"), ("investment", "social_media"),
    ("kyc_update", "sms"), ("job_offer", "email"), ("romance", "app"),
]  # fmt: skip
SUSPECTS = [
    {"phones": ["+91 98123 45678"], "emails": ["desk@kyc-sbi-update.in"],
     "urls": ["https://kyc-sbi-update.in/login"], "upi_ids": ["fraud.desk@okaxis"]},
    {"bank_accounts": [{"ifsc": "SBIN0001234", "account": "0012345678"},
                       {"routing": "021000021", "account": "123456789"},
                       {"iban": "GB82 WEST 1234 5698 7654 32"}],
     "crypto_wallets": ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                        "0x52908400098527886E0F7030069857D2E4169EE7"]},
]  # fmt: skip


def _realistic_export(agencies: dict[str, Any]) -> dict[str, Any]:
    """Three complaints of each kind over CLEAR, GREEN and AMBER, naming every identifier type."""
    records = []
    for n, (scam, channel) in enumerate(SCAM_KINDS * 3):
        records.append(record(
            f"REAL-{n}", ("CLEAR", "GREEN", "AMBER")[n % 3], scam_type=scam, channel=channel,
            pap=("CLEAR", "GREEN", "AMBER")[n % 3], suspect=SUSPECTS[n % 2],
            narrative=f"Paid with card 4111 1111 1111 1111, then +1 202 555 01{n:02d} called.",
        ))  # fmt: skip
    ingest(records, agencies["US-FBI"])
    return export_bundle(agencies["US-FBI"])


def _register_opencti_types() -> None:
    """What a STIX 2.1 consumer that implements our ``new-sco`` extension definition does:
    register its four types (stix2 refuses unregistered types inside a bundle whatever their
    extensions say). Properties as the definition's schema and pycti's classes give them."""
    from stix2.properties import StringProperty
    from stix2.v21 import CustomObservable

    shapes = {
        "phone-number": [("value", StringProperty(required=True))],
        "bank-account": [("value", StringProperty(required=True)), ("iban", StringProperty()),
                         ("account_number", StringProperty())],
        "payment-card": [("card_number", StringProperty(required=True))],
        "cryptocurrency-wallet": [("value", StringProperty(required=True))],
    }  # fmt: skip
    for name, properties in shapes.items():
        if stix2.registry.class_for_type(name, "2.1", "observables") is None:
            contributing = [properties[0][0]]
            CustomObservable(name, properties, contributing, stix_extensions.new_sco(name))(
                type(name, (), {})
            )


def _strict_errors(bundle: dict[str, Any]) -> list[str]:
    options = stix2validator.ValidationOptions(strict=True)
    results = stix2validator.validate_string(json.dumps(bundle), options)
    assert not isinstance(results, list)  # one bundle, one result
    return [str(e) for e in [*results.errors, *results.warnings]]


@pytest.mark.django_db
def test_a_realistic_export_is_strictly_valid_and_needs_no_custom_parsing(
    agencies: dict[str, Any],
) -> None:
    bundle = _realistic_export(agencies)
    types = {o["type"] for o in bundle["objects"]}
    assert {"phone-number", "email-addr", "domain-name", "url", "user-account", "bank-account",
            "payment-card", "cryptocurrency-wallet", "incident", "report", "indicator",
            "sighting", "relationship", "identity", "extension-definition"} <= types  # fmt: skip
    errors = _strict_errors(bundle)
    assert errors == [], "\n".join(errors)
    _register_opencti_types()
    parsed = stix2.parse(bundle, allow_custom=False)
    assert len(parsed.objects) == len(bundle["objects"])
    assert "x_tracebridge" not in json.dumps(bundle)
    incidents = [o for o in bundle["objects"] if o["type"] == "incident"]
    assert len(incidents) == 18
    assert stix_extensions.tb_property(incidents[0], "complaint")["ref"].startswith("REAL-")


FBI = stix.sdo_id("identity", "agency:US-FBI")


def _legacy(obj: dict[str, Any]) -> dict[str, Any]:
    """The object as bundles before the extensions had it: x_tracebridge_*, UUIDv5 agency ids."""
    old = {k: v for k, v in obj.items() if k != "extensions"}
    ours = obj.get("extensions", {}).get(stix_extensions.PROPERTIES) or {}
    old.update({f"x_tracebridge_{k}": v for k, v in ours.items() if k != "extension_type"})
    for key in ("id", "created_by_ref"):
        if old.get(key) == FBI:
            old[key] = stix.legacy_sdo_id("identity", "agency:US-FBI")
    return old


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["extensions", "x_tracebridge (older bundles)"])
def test_both_forms_import(agencies: dict[str, Any], form: str) -> None:
    objects = _realistic_export(agencies)["objects"]
    if form != "extensions":
        objects = [_legacy(o) for o in objects if o["type"] != "extension-definition"]
        assert "x_tracebridge_complaint" in json.dumps(objects)
    Complaint.objects.filter(ref__startswith="REAL-").update(
        narrative="overwritten", content_hash="0"
    )
    result = import_objects(objects, partner="self", allowed_agencies=["US-FBI"])
    assert (result.complaints, result.updated, result.rejected) == (18, 18, [])
    assert not Complaint.objects.filter(narrative="overwritten").exists()
