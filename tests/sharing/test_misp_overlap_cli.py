"""MISP feeds PyMISP loads, the private overlap check, and the export/import commands."""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from pymisp import MISPEvent

from tests.conftest import assert_error
from tracebridge.agencies.models import AuditEvent
from tracebridge.sharing import overlap, signing
from tracebridge.sharing.models import ReceivedBundle
from tracebridge.sharing.sync import add_partner


def test_misp_feed_loads_in_pymisp(complaints: Any, tmp_path: Path) -> None:
    call_command("misp", "export", "--out", str(tmp_path), "--feed", "--agency", "US-FBI")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert len(manifest) == 3  # CLEAR, GREEN, AMBER: never RED or AMBER+STRICT
    tags = set()
    for uuid in manifest:
        event = MISPEvent()
        event.load_file(tmp_path / f"{uuid}.json")
        assert event.uuid == uuid
        names = {o.name for o in event.objects}
        assert "phone-number" in names
        phone = next(o for o in event.objects if o.name == "phone-number")
        assert phone.get_attributes_by_relation("phone-number")[0].value == "+919812345678"
        tags |= {t.name for t in event.tags}
        assert "Jane Roe" not in (tmp_path / f"{uuid}.json").read_text()
    assert {"tlp:clear", "tlp:green", "tlp:amber"} <= tags
    with (tmp_path / "hashes.csv").open() as hashes:
        rows = list(csv.reader(hashes))
    assert {r[1] for r in rows} == set(manifest) and all(len(r[0]) == 32 for r in rows)
    assert AuditEvent.objects.filter(action="misp.export").exists()


def test_misp_bank_and_wallet_objects() -> None:
    from datetime import UTC, datetime

    from tracebridge.sharing import misp

    event = misp.event_for(
        {"source": "NCRP", "ref": "1", "received_at": "2026-01-01"},
        ["bank:IN:SBIN0001234:0012345678", "wallet:btc:bc1qexample", "iban:GB82WEST12345698765432",
         "upi:a@okaxis", "card:411111******1111"],
        org="IN-CBI", tlp="GREEN", pap="AMBER", timestamp=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    loaded = MISPEvent()
    loaded.from_dict(**event)
    names = sorted(o.name for o in loaded.objects)
    assert names == ["bank-account", "bank-account", "coin-address"]
    assert [a.type for a in loaded.attributes] == ["text"]
    assert {t.name for t in loaded.tags} >= {"tlp:green", "PAP:AMBER"}


def test_misp_partner_export_needs_an_agreement(complaints: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no agreement"):
        call_command("misp", "export", "--out", str(tmp_path), "--partner", "IN-I4C")


def test_psi_finds_only_the_intersection() -> None:
    mine = ["phone:+911", "phone:+912", "upi:a@ok"]
    theirs = ["phone:+912", "upi:a@ok", "email:z@z.in"]
    a, b = overlap.PsiParty(), overlap.PsiParty()
    double_mine = b.reblind(a.blind(mine))
    double_theirs = a.reblind(b.blind(theirs))
    assert overlap.intersect(mine, double_mine, double_theirs) == ["phone:+912", "upi:a@ok"]
    assert a.blind(mine) != b.blind(mine)  # a single blinding reveals nothing comparable
    secret = b"k" * 32
    shared = set(overlap.keyed_tokens(secret, mine)) & set(overlap.keyed_tokens(secret, theirs))
    assert sorted(overlap.keyed_tokens(secret, mine)[t] for t in shared) == [
        "phone:+912",
        "upi:a@ok",
    ]


def test_psi_over_the_api_never_confirms_red(
    complaints: Any, agreement_factory: Any, api_for: Any, cbi_analyst: Any, analyst: Any
) -> None:
    agreement = agreement_factory(tlp="GREEN")
    mine = ["phone:+919812345678", "upi:fraud.desk@okaxis", "phone:+15550001111"]
    party = overlap.PsiParty()
    blinded = [base64.b64encode(v).decode() for v in party.blind(mine)]
    url = f"/sharing/agreements/{agreement.pk}/overlap"
    answer = api_for(cbi_analyst).post(url, {"blinded": blinded}).json()
    double = [base64.b64decode(v) for v in answer["double_blinded"]]
    theirs = party.reblind([base64.b64decode(v) for v in answer["theirs"]])
    assert overlap.intersect(mine, double, theirs) == [
        "phone:+919812345678",
        "upi:fraud.desk@okaxis",
    ]
    assert_error(api_for(analyst).post(url, {"blinded": blinded}), 404, "not_found")
    refused = AuditEvent.objects.get(action="agreement.read", outcome="denied")
    assert (refused.object_id, refused.user_id) == (str(agreement.pk), analyst.pk)
    assert_error(api_for(cbi_analyst).post(url, {"blinded": ["!!"]}), 422, "invalid")
    # Only the FBI's RED complaint names this wallet: the overlap must not confirm it.
    from tracebridge.complaints.models import Sighting

    Sighting.objects.create(complaint=complaints["FBI-RED"], key="wallet:btc:bc1qred", kind="wallet",
                            field="suspect.crypto_wallets")  # fmt: skip
    red = [base64.b64encode(v).decode() for v in party.blind(["wallet:btc:bc1qred"])]
    answer = api_for(cbi_analyst).post(url, {"blinded": red}).json()
    theirs = party.reblind([base64.b64decode(v) for v in answer["theirs"]])
    double = [base64.b64decode(v) for v in answer["double_blinded"]]
    assert overlap.intersect(["wallet:btc:bc1qred"], double, theirs) == []


def test_stix_export_command_signs_and_import_refuses_replay(
    complaints: Any, agencies: Any, tmp_path: Path, settings: Any
) -> None:
    out = tmp_path / "fbi.json"
    call_command("stix", "export", "--agency", "US-FBI", "--out", str(out))
    bundle = json.loads(out.read_text())
    assert bundle["type"] == "bundle"
    key = signing.public_key_text(signing.load_node_key())
    add_partner("self", "http://127.0.0.1:1/taxii2/root/", "tb_x_y", key, ["US-FBI"])
    call_command("stix", "import", str(out), "--partner", "self")
    assert ReceivedBundle.objects.count() == 1
    with pytest.raises(CommandError, match="already received"):
        call_command("stix", "import", str(out), "--partner", "self")
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(out.read_bytes().replace(b"500.00", b"5.00"))
    (tmp_path / "tampered.json.sig").write_text((tmp_path / "fbi.json.sig").read_text())
    with pytest.raises(CommandError, match="rejected"):
        call_command("stix", "import", str(tampered), "--partner", "self")
    with pytest.raises(CommandError, match="unsigned"):
        (tmp_path / "tampered.json.sig").unlink()
        call_command("stix", "import", str(tampered), "--partner", "self")
    partner_out = tmp_path / "to-cbi.json"
    with pytest.raises(CommandError, match="no agreement"):
        call_command(
            "stix", "export", "--agency", "US-FBI", "--out", str(partner_out), "--partner", "IN-CBI"
        )


def test_partner_commands(agencies: Any, capsys: Any) -> None:
    call_command("partner", "key")
    key = capsys.readouterr().out.strip()
    assert len(base64.b64decode(key)) == 32
    call_command("partner", "add", "--name", "in-node", "--url", "http://127.0.0.1:9/taxii2/root",
                 "--token", "tb_a_b", "--key", key, "--agencies", "in-cbi")  # fmt: skip
    call_command("partner", "list")
    assert "IN-CBI" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Ed25519"):
        call_command("partner", "add", "--name", "bad", "--url", "http://x/", "--token", "t",
                     "--key", "bm90IGEga2V5", "--agencies", "IN-CBI")  # fmt: skip
    with pytest.raises(CommandError, match="no partner"):
        call_command("sync", "pull", "--partner", "nobody")
