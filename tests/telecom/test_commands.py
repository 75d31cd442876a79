"""tracebridge shaken verify|bulk and the campaign panel."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracebridge import panels
from tracebridge.telecom import services

from .conftest import DAY0, NOW, X5U, cdr_row, claims, write_cdrs


def _verify(*args: str) -> tuple[dict[str, Any], int]:
    out = io.StringIO()
    try:
        call_command("shaken", "verify", *args, stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return json.loads(out.getvalue()), code


def test_verify_valid_token(sign, vectors: Path) -> None:
    result, code = _verify(
        "--token",
        sign(),
        "--cert",
        str(vectors / "sp_sp.pem"),
        "--ca",
        str(vectors / "ca_ca.pem"),
        "--now",
        str(NOW),
    )
    assert code == 0
    assert result["valid"] is True and result["attest"] == "A"
    assert result["orig"] == "12155551212" and result["dest"] == ["12155551213"]
    assert result["iat"] == NOW - 5 and result["checks"][-1] == "signature"


def test_verify_strict_and_the_sample_vector(sign, vectors: Path) -> None:
    trust = ["--cert", str(vectors / "sp_sp.pem"), "--ca", str(vectors / "ca_ca.pem")]
    result, code = _verify("--token", sign(), *trust, "--now", str(NOW), "--strict")
    assert code == 1 and result["error"]["step"] == "tn_auth_list"
    identity = (vectors / "sp_passport.txt").read_text().strip().splitlines()[-1]
    result, code = _verify("--identity", identity, *trust, "--now", "1603458131", "--offline")
    assert code == 1 and result["error"]["step"] == "orig"
    assert result["attest"] == "A" and result["origid"] == "ref"


def test_verify_offline_without_certificate(sign, vectors: Path) -> None:
    result, code = _verify(
        "--token", sign(), "--ca", str(vectors / "ca_ca.pem"), "--offline", "--now", str(NOW)
    )
    assert code == 1 and result["error"]["step"] == "certificate"


def test_verify_uses_the_node_trust_store_and_cache(sign, vectors: Path, settings) -> None:
    """Roots in HOME/shaken/ca and certificates in HOME/shaken/certs: no flags needed."""
    import hashlib

    base = Path(settings.HOME) / "shaken"
    (base / "ca").mkdir(parents=True)
    (base / "certs").mkdir()
    (base / "ca" / "sti-ca.pem").write_bytes((vectors / "ca_ca.pem").read_bytes())
    name = hashlib.sha256(X5U.encode()).hexdigest() + ".pem"
    (base / "certs" / name).write_bytes((vectors / "sp_sp.pem").read_bytes())
    result, code = _verify("--token", sign(), "--offline", "--now", str(NOW))
    assert code == 0, result


def test_bad_pem_is_a_clear_error(tmp_path: Path, sign) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("nope")
    with pytest.raises(CommandError, match="not a PEM certificate"):
        call_command("shaken", "verify", "--token", sign(), "--cert", str(bad))


def test_bulk_verifies_the_identity_column(sign, vectors: Path, tmp_path: Path) -> None:
    good = sign(claims(iat=DAY0, orig={"tn": "12125550001"}))
    other = sign(claims(iat=DAY0, orig={"tn": "19999999999"}))
    stale = sign(claims(iat=DAY0 - 3600))
    rows = [
        cdr_row("1", "+12125550001", "+13125550000", DAY0, identity=good),
        cdr_row(
            "2",
            "+12125550001",
            "+13125550000",
            DAY0,
            identity=f"{other};info=<{X5U}>;alg=ES256;ppt=shaken",
        ),
        cdr_row("3", "+12125550001", "+13125550000", DAY0, identity=stale),
        cdr_row("4", "+12125550001", "+13125550000", DAY0, identity="garbage"),
        cdr_row("5", "+12125550001", "+13125550000", DAY0, identity=None),
    ]
    path = write_cdrs(tmp_path / "c.parquet", rows)
    out, report = io.StringIO(), tmp_path / "r.csv"
    call_command(
        "shaken",
        "bulk",
        str(path),
        "--cert",
        str(vectors / "sp_sp.pem"),
        "--ca",
        str(vectors / "ca_ca.pem"),
        "--out",
        str(report),
        stdout=out,
    )
    line = out.getvalue()
    assert "5 records, 4 with an Identity header: 2 valid" in line
    assert "iat 1" in line and "jws 1" in line
    assert "1 signed for another calling number" in line
    assert report.read_text().count("\n") == 5


def test_bulk_keeps_the_warnings_of_a_failed_token(sign, vectors: Path, tmp_path: Path) -> None:
    stale = sign(claims(iat=DAY0 - 3600, origid="trunk-7"))
    rows = [cdr_row("1", "+12155551212", "+13125550000", DAY0, identity=stale)]
    path, report = write_cdrs(tmp_path / "c.parquet", rows), tmp_path / "r.csv"
    trust = ["--cert", str(vectors / "sp_sp.pem"), "--ca", str(vectors / "ca_ca.pem")]
    call_command("shaken", "bulk", str(path), *trust, "--out", str(report), stdout=io.StringIO())
    (row,) = list(csv.DictReader(io.StringIO(report.read_text())))
    assert (row["valid"], row["step"]) == ("False", "iat")
    assert row["detail"].endswith("; claims: expected origid as a UUID, found 'trunk-7'")


def test_bulk_unusable_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("shaken", "bulk", str(tmp_path / "x.parquet"))


def test_carrier_command(agencies) -> None:
    out = io.StringIO()
    call_command("cdr", "carrier", "Telx Wholesale", "--gateway", "--agency", "US-FTC", stdout=out)
    assert out.getvalue().strip() == "carrier Telx Wholesale: US-FTC, US, gateway"


def test_campaign_panel_shows_robocalls_for_sighted_numbers(
    analyst, rf, cdr_file, tmp_path
) -> None:
    from tracebridge.agencies.models import Agency
    from tracebridge.campaigns.models import Campaign, CampaignMember
    from tracebridge.complaints.models import Complaint, Sighting

    services.run_analysis([cdr_file], tmp_path / "o")
    saved = services.save_results(tmp_path / "o", analyst.agency)
    number = saved[0].numbers.first()
    complaint = Complaint.objects.create(
        agency=analyst.agency,
        source="FTC",
        ref="1",
        country="US",
        received_at="2025-06-16T00:00Z",
        content_hash="0" * 64,
    )
    Sighting.objects.create(
        complaint=complaint, key=number.key, kind="phone", field="suspect.phones"
    )
    campaign = Campaign.objects.create(code="C-1", size=1)
    CampaignMember.objects.create(campaign=campaign, complaint=complaint)
    request = rf.get("/")
    request.user = analyst
    html = "".join(panels.render("campaign", request, campaign))
    assert saved[0].campaign_id in html and 'data-testid="campaign-robocalls"' in html
    empty = Campaign.objects.create(code="C-2", size=0)
    assert "campaign-robocalls" not in "".join(panels.render("campaign", request, empty))
    # A number named only by a complaint the user may not see matches nothing for them.
    hidden = Complaint.objects.create(
        agency=Agency.objects.get(code="IN-CBI"),
        tlp="RED",
        source="NCRP",
        ref="2",
        country="IN",
        received_at="2025-06-16T00:00Z",
        content_hash="1" * 64,
    )
    Sighting.objects.create(complaint=hidden, key=number.key, kind="phone", field="suspect.phones")
    mixed = Campaign.objects.create(code="C-3", size=2)
    CampaignMember.objects.filter(complaint=complaint).update(campaign=mixed)
    CampaignMember.objects.create(campaign=mixed, complaint=hidden)
    Sighting.objects.filter(complaint=complaint).delete()
    assert saved[0].campaign_id not in "".join(panels.render("campaign", request, mixed))
