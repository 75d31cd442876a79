from datetime import UTC, datetime
from typing import Any

from django.test import Client

from tracebridge.portal import content, views


def test_check_page_escapes_what_was_typed(db: None) -> None:
    html = Client().get("/check/", {"q": "<script>alert('x')</script>"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert 'data-status="invalid"' in html


def test_check_page_warns_in_hindi(reported: Any) -> None:
    reported(["upi:kyc.update@okaxis"])
    client = Client(headers={"accept-language": "hi"})
    html = client.get("/check/", {"q": "kyc.update@okaxis"}).content.decode()
    assert 'data-status="reported"' in html
    assert 'lang="hi"' in html
    assert "चेतावनी" in html


def test_check_page_rate_limit_is_polite(db: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "CHECK_PAGE_LIMIT", views.ratelimit.Limit("p", 1, 60))
    client = Client()
    client.get("/check/", {"q": "a"})
    response = client.get("/check/", {"q": "a"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert client.get("/check/").status_code == 200  # the empty form is never limited


def test_statistics_page_and_csv(reported: Any) -> None:
    for _ in range(5):
        reported(["upi:a@okaxis"], loss="100.00", method="upi")
    html = Client().get("/stats/").content.decode()
    assert html.count("<svg") == 3
    assert "<table>" in html
    assert "5 public reports so far." in html
    csv = Client().get("/stats.csv").content.decode().splitlines()
    assert csv[0] == (
        "table,month,country,scam_type,payment_method,currency,reports,total_loss,suppressed"
    )
    assert "losses_by_payment_method,,,,upi,INR,5,500.00,false" in csv
    assert "reports_per_month,2026-10,IN,,,,5,,false" in csv


def test_a_single_report_is_suppressed_on_the_page_and_in_the_csv(reported: Any) -> None:
    for _ in range(5):
        reported([], scam_type="digital_arrest", loss="100.00", method="upi")
    reported([], scam_type="tech_support", loss="1234.56", method="gift_card", currency="USD")
    csv = Client().get("/stats.csv").content.decode()
    assert "losses_by_payment_method,,,,gift_card,USD,,,true" in csv.splitlines()
    assert "top_scam_types,,,kyc_update" not in csv
    assert "top_scam_types,,,tech_support,,,,,true" in csv.splitlines()
    assert "1234" not in csv
    html = Client().get("/stats/").content.decode()
    assert "1,235" not in html and "1234" not in html
    # gift card and tech support rows, each in its chart and its table
    assert html.count("fewer than 5 (not shown)") == 4
    assert "6 public reports so far." in html


def test_the_page_says_when_the_total_is_too_small(reported: Any) -> None:
    reported([], loss="1234.56", method="gift_card", currency="USD")
    html = Client().get("/stats/").content.decode()
    assert "Fewer than 5 public reports so far." in html
    assert "1,235" not in html and ">1<" not in html
    csv = Client().get("/stats.csv").content.decode().splitlines()
    assert all(line.endswith(",true") for line in csv[1:])


def test_every_learn_topic_exists_in_both_languages(db: None) -> None:
    for language in ("en", "hi"):
        pages = content.topics(language)
        assert [p.slug for p in pages] == list(content.TOPICS)
        assert all(p.language == language for p in pages)
    client = Client()
    for slug in content.TOPICS:
        html = client.get(f"/learn/{slug}/").content.decode()
        assert "1930" in html and "FTC" in html, slug
    assert client.get("/learn/no-such-topic/").status_code == 404


def test_statistics_in_hindi_write_months_countries_and_rupees(reported: Any) -> None:
    for _ in range(5):
        reported(["upi:a@okaxis"], loss="22921.00", method="upi", scam_type="unknown")
    html = Client(headers={"accept-language": "hi"}).get("/stats/").content.decode()
    assert "<td>अज्ञात</td>" in html and "अनजान" not in html  # ours, not Django's catalog
    assert "<td>अक्टूबर 2026</td><td>भारत</td><td>5</td>" in html
    assert "₹1,14,605" in html  # 5 x 22,921
    assert "2026-10" not in html and "INR" not in html and "114,605" not in html


def test_check_page_dates_in_hindi(reported: Any) -> None:
    reported(["upi:kyc.update@okaxis"], when=datetime(2026, 11, 26, 10, tzinfo=UTC))
    client = Client(headers={"accept-language": "hi"})
    html = client.get("/check/", {"q": "kyc.update@okaxis"}).content.decode()
    assert "<dd>26 नवंबर 2026</dd>" in html
    assert "आख़िरी शिकायत की तारीख़" in html


def test_an_empty_chart_says_no_data(db: None) -> None:
    html = Client().get("/stats/").content.decode()
    assert html.count("No data yet") == 3 and "<svg" not in html
