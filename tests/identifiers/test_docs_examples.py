"""The examples in docs/identifiers.md run as doctests, so the documentation cannot drift."""

from __future__ import annotations

import doctest
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "identifiers.md"


def test_docs_examples_pass() -> None:
    text = DOC.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, "identifiers.md", str(DOC), 0)
    assert len(test.examples) >= 15
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_every_kind_is_documented() -> None:
    from tracebridge.identifiers import KINDS

    text = DOC.read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"| {kind} |" in text, kind
