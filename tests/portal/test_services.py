from typing import Any

from tracebridge.portal import services
from tracebridge.portal.models import PublicIdentifierStat

UPI = "upi:kyc.update@okaxis"


def test_reported_identifier_in_any_spelling(reported: Any) -> None:
    for _ in range(3):
        reported([UPI])
    result = services.check("  KYC.Update@OKAXIS ")
    assert (result.status, result.kind, result.reports, result.risk) == (
        "reported",
        "upi",
        3,
        "high",
    )
    assert result.scam_types == ["kyc_update"]
    assert result.last_reported is not None


def test_only_clear_complaints_count(reported: Any) -> None:
    reported([UPI], tlp="RED")
    reported([UPI], tlp="AMBER")
    reported([UPI], tlp="GREEN")
    assert services.check("kyc.update@okaxis").status == "not_reported"
    reported([UPI], tlp="CLEAR")
    result = services.check("kyc.update@okaxis")
    assert (result.status, result.reports, result.risk) == ("reported", 1, "medium")
    assert PublicIdentifierStat.objects.get(key=UPI).reports == 1


def test_legitimate_hub_and_helpline_are_not_scams(reported: Any) -> None:
    sbi = services.check("1800 11 2211", "IN")
    assert (sbi.status, sbi.risk, sbi.kind) == ("legitimate", "none", "phone")
    assert services.check("1800-11-2211", "IN").owner == "State Bank of India customer care"
    reported([f"{sbi.kind}:{sbi.value}"])  # victims name the real helpline: still legitimate
    assert services.check("1800112211", "IN").status == "legitimate"
    assert services.check("+1 (800) 829-1040").owner == "Internal Revenue Service"
    helpline = services.check("1930")
    assert (helpline.status, helpline.risk) == ("helpline", "none")
    assert "National Cyber Crime Helpline" in helpline.owner


def test_bad_input_gets_a_calm_answer(db: None) -> None:
    for text in [
        "",
        "   ",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "x" * 100_000,
        "नमस्ते ٣٤٥ 𝟘𝟙𝟚",
        "\x00\x01",
    ]:
        result = services.check(text)
        assert result.status in {"invalid", "not_reported"}
        assert len(result.query) <= services.MAX_INPUT


def test_statistics_aggregate_clear_only(reported: Any, settings: Any) -> None:
    settings.PUBLIC_MIN_COUNT = 2
    reported([UPI], scam_type="digital_arrest", loss="50000.00", method="upi")
    reported([UPI], scam_type="digital_arrest", loss="25000.50", method="upi", country="IN")
    reported([], scam_type="tech_support", country="US")
    reported([], tlp="RED", scam_type="romance", loss="999999.00", method="crypto")
    stats = services.statistics()
    assert stats["total"] == 3
    assert stats["scam_types"] == [
        {"scam_type": "digital_arrest", "reports": 2, "suppressed": False},
        {"scam_type": "tech_support", "reports": None, "suppressed": True},
    ]
    assert stats["losses"] == [
        {
            "payment_method": "upi",
            "currency": "INR",
            "total": "75000.50",
            "reports": 2,
            "suppressed": False,
        }
    ]
    # US has one report that month; IN's 2 are hidden too, or total - IN would give US's count
    assert stats["monthly"] == [
        {"month": "2026-10", "country": "IN", "reports": None, "suppressed": True},
        {"month": "2026-10", "country": "US", "reports": None, "suppressed": True},
    ]


def test_refresh_writes_in_a_few_queries_and_forgets_cached_answers(
    reported: Any, django_assert_max_num_queries: Any
) -> None:
    keys = [f"upi:mule{i}@okaxis" for i in range(30)]
    reported(keys)
    with django_assert_max_num_queries(8):
        assert services.refresh_identifier_stats(keys) == 30
    assert PublicIdentifierStat.objects.get(key=keys[0]).reports == 1
    complaint = reported([UPI])
    assert services.check("kyc.update@okaxis").status == "reported"  # now cached
    complaint.tlp = "AMBER"
    complaint.save()
    services.refresh_for_complaints([complaint.pk])
    assert services.check("kyc.update@okaxis").status == "not_reported"
    assert not PublicIdentifierStat.objects.filter(key=UPI).exists()


def test_a_single_report_category_shows_no_amount_and_no_count(reported: Any) -> None:
    for _ in range(5):
        reported([], scam_type="digital_arrest", loss="100.00", method="upi")
    reported([], scam_type="tech_support", loss="1234.56", method="gift_card", currency="USD")
    stats = services.statistics()
    assert stats["total"] == 6
    assert stats["losses"] == [
        {"payment_method": "upi", "currency": "INR", "total": "500.00", "reports": 5,
         "suppressed": False},
        {"payment_method": "gift_card", "currency": "USD", "total": None, "reports": None,
         "suppressed": True},
    ]  # fmt: skip
    assert stats["scam_types"][1] == {
        "scam_type": "tech_support",
        "reports": None,
        "suppressed": True,
    }


def test_a_total_under_the_minimum_is_not_shown(reported: Any) -> None:
    reported([], scam_type="digital_arrest")
    assert services.statistics()["total"] is None
