"""Learn pages: Markdown files in portal/content/<language>/<slug>.md, rendered once and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markdown

CONTENT = Path(__file__).resolve().parent / "content"
TOPICS = (
    "tech-support",
    "government-impersonation",
    "digital-arrest",
    "kyc-update",
    "investment",
    "loan-apps",
    "job-offers",
    "lottery",
    "romance",
    "sextortion",
    "upi-collect-request",
    "gift-cards",
)


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    html: str
    language: str


def _path(slug: str, language: str) -> Path | None:
    for lang in (language.split("-")[0], "en"):
        path = CONTENT / lang / f"{slug}.md"
        if path.is_file():
            return path
    return None


@cache
def _load(path: Path, language: str) -> Page:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    title = lines[0].lstrip("# ").strip() if lines else path.stem
    body = "\n".join(lines[1:]).strip()
    summary = next(
        (line.strip() for line in body.splitlines() if line.strip() and not line.startswith("#")),
        "",
    )
    html = markdown.markdown(body, extensions=["sane_lists"], output_format="html")
    return Page(slug=path.stem, title=title, summary=summary, html=html, language=language)


def page(slug: str, language: str) -> Page | None:
    if slug not in TOPICS:
        return None
    path = _path(slug, language)
    return _load(path, path.parent.name) if path else None


def topics(language: str) -> list[Page]:
    return [p for slug in TOPICS if (p := page(slug, language)) is not None]
