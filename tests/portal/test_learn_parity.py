"""The Hindi Learn pages carry the same advice as the English ones, section by section."""

from __future__ import annotations

import re

import pytest

from tracebridge.portal import content

# Advice the Hindi pages once dropped or got wrong (issue 23, points 3 and 5): the English
# words and the Hindi that must carry them.
KEY_TERMS: dict[str, list[tuple[str, str]]] = {
    "tech-support": [
        ("UltraViewer", "UltraViewer"),
        ("locks your browser", "जाम (लॉक) कर देने वाला"),
        ("calls you first", "बिना आपके पूछे आई कोई भी कॉल"),
    ],
    "government-impersonation": [
        ("deportation", "देश से निकाले जाने"),
        ("Social Security number", "सोशल सिक्योरिटी नंबर"),
    ],
    "kyc-update": [("Forward scam SMS to your operator", "ऑपरेटर को फ़ॉरवर्ड करें")],
    "romance": [("on an oil rig", "तेल के रिग पर"), ("a doctor overseas", "विदेश में डॉक्टर")],
    "digital-arrest": [("mule accounts", "किराए पर लिए गए")],
    "gift-cards": [("Target", "Target")],
    "lottery": [("sweepstakes", "इनामी ड्रॉ")],
}
# Latin tokens of the English that Hindi rightly writes in Devanagari.
HINDI_FOR = {"SIM": "सिम", "Chakshu": "चक्षु", "ID": "आईडी"}
# Names, acronyms, numbers and addresses: written the same in both languages.
SAME_IN_BOTH = re.compile(
    r"\b(?:[A-Z]{2,}[A-Z0-9/]*|[A-Z][a-z]+[A-Z]\w*|Chakshu|\d{3,}|\w+\.gov(?:\.in)?)\b"
)


def sections(markdown: str) -> list[tuple[str, int]]:
    """(heading, list items) per section; the first is the introduction under the title."""
    found: list[tuple[str, int]] = [("", 0)]
    for line in markdown.splitlines()[1:]:
        if line.startswith("## "):
            found.append((line[3:].strip(), 0))
        elif line.startswith("- "):
            heading, items = found[-1]
            found[-1] = (heading, items + 1)
    return found


def source(slug: str, language: str) -> str:
    return (content.CONTENT / language / f"{slug}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", content.TOPICS)
def test_same_sections_and_list_items(slug: str) -> None:
    english, hindi = sections(source(slug, "en")), sections(source(slug, "hi"))
    assert [items for _, items in english] == [items for _, items in hindi]
    assert len(english) == 4


@pytest.mark.parametrize("slug", content.TOPICS)
def test_same_names_numbers_and_key_terms(slug: str) -> None:
    english, hindi = source(slug, "en"), source(slug, "hi")
    names = {HINDI_FOR.get(t, t) for t in SAME_IN_BOTH.findall(english)}
    assert sorted(t for t in names if t not in hindi) == []
    for en, hi in KEY_TERMS.get(slug, []):
        assert en in english and hi in hindi, (slug, en)


def test_sections_counts_list_items_per_heading() -> None:
    page = "# T\nintro\n\n## A\n- one\n- two\n\n## B\ntext\n- three"
    assert sections(page) == [("", 0), ("A", 2), ("B", 1)]
