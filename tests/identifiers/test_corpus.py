"""The hand-checked corpus of messy real-world spellings (corpus.tsv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracebridge.identifiers import Identifier, Rejected, parse, parse_account_key, parse_any

CORPUS = Path(__file__).with_name("corpus.tsv")


def _rows() -> list[tuple[str, str, str | None, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        how, text, region, expected = line.split("\t")
        text = text.encode("ascii", "backslashreplace").decode("unicode_escape")
        rows.append((how, text, None if region == "-" else region, expected))
    return rows


ROWS = _rows()


def test_corpus_is_large_enough() -> None:
    assert len(ROWS) >= 300
    assert {how for how, *_ in ROWS} >= {"phone", "email", "domain", "url", "upi", "bank"}


def _run(how: str, text: str, region: str | None) -> Identifier | Rejected:
    if how == "any":
        return parse_any(text, region)
    if how == "account":
        return parse_account_key(text)
    return parse(how, text, region)


@pytest.mark.parametrize(("how", "text", "region", "expected"), ROWS)
def test_corpus(how: str, text: str, region: str | None, expected: str) -> None:
    result = _run(how, text, region)
    if expected == "REJECT":
        assert isinstance(result, Rejected), result
        assert result.reason.endswith(".") and len(result.reason) > 15
    else:
        assert isinstance(result, Identifier), result
        assert result.key == expected
