"""One Hindi word per concept (docs/glossary-hi.md), and ours over Django's own catalogs."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "tracebridge"
GLOSSARY = ROOT / "docs" / "glossary-hi.md"
CATALOGS = sorted(SRC.glob("**/locale/hi/LC_MESSAGES/django.po"))
LEARN_HI = sorted((SRC / "portal" / "content" / "hi").glob("*.md"))
DEVANAGARI = "\u0900-\u097f"


def glossary() -> list[tuple[str, str, str, list[str]]]:
    """(English, context, Hindi, spellings never to use) from the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("English", "---"):
            continue
        never = [w.strip() for w in cells[3].split(",") if w.strip()]
        rows.append((cells[0], cells[1], cells[2], never))
    return rows


def carried() -> list[tuple[str, str]]:
    """(English word, Hindi its translation must contain) from the glossary's second table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and line.startswith("|") and cells[0] not in ("in the English", "---"):
            rows.append((cells[0], cells[1]))
    return rows


def entries() -> list[tuple[str, polib.POEntry]]:
    return [(path.parts[-5], e) for path in CATALOGS for e in polib.pofile(str(path))]


def translations(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())


def hindi_texts() -> list[tuple[str, str]]:
    """(where, text) for every Hindi catalog translation and every Hindi Learn page."""
    texts = [(f"{app}: {e.msgid!r}", t) for app, e in entries() for t in translations(e)]
    texts += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in LEARN_HI]
    return texts


def word(term: str) -> re.Pattern[str]:
    """``term`` as a whole Devanagari word (Python's \\b splits words at vowel signs)."""
    return re.compile(rf"(?<![{DEVANAGARI}]){re.escape(term)}(?![{DEVANAGARI}])")


def test_glossary_is_read() -> None:
    rows = glossary()
    assert len(rows) >= 30
    assert ("Scam", "", "ठगी", ["धोखाधड़ी"]) in rows
    assert len(CATALOGS) >= 10 and len(LEARN_HI) == 12


def test_one_translation_per_msgid_across_apps() -> None:
    seen: dict[tuple[str | None, str], set[tuple[str, ...]]] = defaultdict(set)
    where: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    for app, entry in entries():
        key = (entry.msgctxt, entry.msgid)
        seen[key].add(tuple(translations(entry)))
        where[key].append(app)
    clashes = {k: (sorted(v), where[k]) for k, v in seen.items() if len(v) > 1}
    assert clashes == {}


def test_glossary_terms_are_translated_as_the_glossary_says() -> None:
    wanted = {(ctx or None, en.lower()): hi for en, ctx, hi, _ in glossary()}
    wrong = [
        (app, entry.msgid, entry.msgstr, wanted[key])
        for app, entry in entries()
        if (key := (entry.msgctxt, entry.msgid.lower())) in wanted and entry.msgstr != wanted[key]
    ]
    assert wrong == []


def test_words_inside_sentences_keep_their_hindi() -> None:
    rules = carried()
    assert ("scam", "ठग") in rules and len(rules) >= 5
    missing = [
        (app, entry.msgid, hindi)
        for app, entry in entries()
        for english, hindi in rules
        if re.search(rf"\b{re.escape(english)}", entry.msgid, re.IGNORECASE)
        and any(hindi not in t for t in translations(entry))
    ]
    assert missing == []


def test_no_spelling_the_glossary_forbids() -> None:
    never = [(w, word(w)) for _, _, _, words in glossary() for w in words]
    found = [(where, w) for where, text in hindi_texts() for w, rx in never if rx.search(text)]
    assert found == []


def test_call_is_feminine_and_no_space_before_danda() -> None:
    masculine = re.compile(r"कॉल (आया|किया गया|आए थे)|(?:पहले से|कोई भी) आया कॉल")
    found = [w for w, text in hindi_texts() if masculine.search(text) or " ।" in text]
    assert found == []


def test_word_pattern_keeps_whole_words() -> None:
    assert word("धन").search("धन्यवाद") is None
    assert word("धन").search("पीड़ित का धन") is not None
    assert word("तारीख").search("तारीख़") is None


def test_project_catalogs_come_before_djangos() -> None:
    with translation.override("hi"):
        assert translation.gettext("Unknown") == "अज्ञात"
        assert translation.gettext("Password") == "पासवर्ड"
        assert translation.gettext("This field is required.") == "यह जानकारी भरना ज़रूरी है।"
        assert translation.gettext("Enter a valid email address.") == "सही ई-मेल पता लिखें।"


@pytest.mark.django_db
def test_report_form_errors_read_as_our_hindi(agencies: object) -> None:
    client = Client(headers={"accept-language": "hi"})
    page = client.post(
        "/report/", {"what": "call", "country": "IN", "email": "not-an-address"}
    ).content.decode()
    assert "यह जानकारी भरना ज़रूरी है।" in page  # narrative and scam type are required
    assert "सही ई-मेल पता लिखें।" in page
    assert "क्षेत्र" not in page and "डाक पता" not in page


@pytest.mark.django_db
def test_sign_in_says_password_in_our_hindi() -> None:
    page = Client(headers={"accept-language": "hi"}).get("/login/").content.decode()
    assert "पासवर्ड" in page and "कूटशब्द" not in page
