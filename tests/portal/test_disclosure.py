from tracebridge.portal.disclosure import suppress


def _row(label: str, reports: int, total: str | None = None) -> dict[str, object]:
    row: dict[str, object] = {"label": label, "reports": reports}
    if total is not None:
        row["total"] = total
    return row


def test_rows_under_the_minimum_lose_every_figure_and_keep_their_labels() -> None:
    rows = [_row("upi", 7, "700.00"), _row("gift_card", 1, "1234.56")]
    assert suppress(rows, 5) == [
        {"label": "upi", "reports": 7, "total": "700.00", "suppressed": False},
        {"label": "gift_card", "reports": None, "total": None, "suppressed": True},
    ]


def test_the_minimum_itself_is_shown() -> None:
    assert suppress([_row("a", 5)], 5) == [{"label": "a", "reports": 5, "suppressed": False}]
    assert suppress([_row("a", 4)], 5)[0]["suppressed"] is True


def test_hidden_rows_come_last_by_label_so_their_rank_tells_nothing() -> None:
    # ordered by size: 900 > [hidden 800] > 600; the hidden one must not stay in between
    rows = [_row("c", 9, "900"), _row("z", 2, "800"), _row("b", 6, "600"), _row("a", 1, "1")]
    assert [r["label"] for r in suppress(rows, 5)] == ["c", "b", "a", "z"]


def test_a_lone_hidden_cell_of_a_table_with_a_published_total_gets_a_partner() -> None:
    rows = [_row("oct", 9), _row("nov", 6), _row("dec", 1)]
    out = {r["label"]: r["reports"] for r in suppress(rows, 5, sums_to_total=True)}
    assert out == {"oct": 9, "nov": None, "dec": None}
    # without a published sum, one hidden cell is enough
    out = {r["label"]: r["reports"] for r in suppress(rows, 5)}
    assert out == {"oct": 9, "nov": 6, "dec": None}
    # two hidden cells already hide each other
    rows = [_row("oct", 9), _row("nov", 2), _row("dec", 1)]
    out = {r["label"]: r["reports"] for r in suppress(rows, 5, sums_to_total=True)}
    assert out == {"oct": 9, "nov": None, "dec": None}
