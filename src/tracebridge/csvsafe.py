"""CSV that a person may open in a spreadsheet: no cell is run as a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula, so a username, an account or a call id that someone outside
chose could run ``=HYPERLINK(...)`` or worse on the reader's machine (OWASP "CSV Injection").
Every CSV export writes its rows through ``writer``: such a text cell gets a leading ``'``,
which spreadsheets show as text and hide. Plain numbers (``-5``, ``+14155550100``) are left as
they are: a spreadsheet reads them as the numbers they are and runs nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


class Output(Protocol):
    """Where the rows go: an open text file, a StringIO, Django's HttpResponse."""

    def write(self, text: str, /) -> object: ...


def cell(value: Any) -> Any:
    """``value``, with a ``'`` before a text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class Writer:
    """``csv.writer`` whose cells go through ``cell``."""

    def __init__(self, handle: Output, **options: Any) -> None:
        self._out = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._out.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: Output, **options: Any) -> Writer:
    return Writer(handle, **options)
