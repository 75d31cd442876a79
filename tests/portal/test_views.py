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
    reported(["upi:a@okaxis"], loss="100.00", method="upi")
    html = Client().get("/stats/").content.decode()
    assert html.count("<svg") == 3
    assert "<table>" in html
    csv = Client().get("/stats.csv").content.decode().splitlines()
    assert csv[0] == "table,month,country,scam_type,payment_method,currency,reports,total_loss"
    assert "losses_by_payment_method,,,,upi,INR,1,100.00" in csv


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
