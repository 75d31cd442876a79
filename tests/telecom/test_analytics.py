"""Campaign detection on small hand-made files: what is flagged, why, and bad input."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracebridge.identifiers import Identifier, parse
from tracebridge.telecom import analytics, ingest
from tracebridge.telecom.analytics import AnalyticsError

from .conftest import DAY0, cdr_row, world_rows, write_cdrs


def _campaigns(out: Path) -> list[dict[str, str]]:
    with open(out / "campaigns.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _groups(out: Path) -> list[dict[str, str]]:
    with open(out / "campaign_groups.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _labels(out: Path) -> dict[str, str]:
    rows = duckdb.execute(
        "SELECT * FROM read_parquet(?)", [str(out / "call_labels.parquet")]
    ).fetchall()
    return {call_id: campaign for call_id, campaign in rows}


def test_flags_the_bursts_and_spares_the_reminder_line(cdr_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = analytics.analyze([cdr_file], out)
    campaigns = _campaigns(out)
    assert list(campaigns[0]) == list(analytics.CAMPAIGN_COLUMNS)
    assert [c["key_kind"] for c in campaigns] == ["origin", "origin"]
    spoofed, neighbour = campaigns
    assert spoofed["key"] == "0f8e6a52-2d1c-4c1e-9b5e-6a0c5d7e8f90@2025-06-15"
    assert spoofed["calls"] == "60"
    assert spoofed["unique_called"] == "60"
    assert float(spoofed["answer_rate"]) == pytest.approx(6 / 61, abs=0.01)
    assert "low completion" in spoofed["reasons"]
    assert "sequential dialing" in spoofed["reasons"]
    assert "rotating caller IDs" in spoofed["reasons"]
    assert "C-attested gateway traffic with domestic caller IDs" in spoofed["reasons"]
    assert "neighbour spoofing: 100%" in neighbour["reasons"]
    assert int(neighbour["calls"]) == 40
    labels = _labels(out)
    assert len(labels) == 100
    assert {k for k in labels if k[0] in "RLB"} == set()
    assert labels["S0000"] == spoofed["campaign_id"]
    assert summary.campaigns == 2 and summary.labelled_calls == 100
    assert summary.duplicate_call_ids == 1
    assert summary.rows == len(world_rows())
    assert summary.calls == 235


def test_campaign_samples_are_the_first_calls_with_their_attestation(
    cdr_file: Path, tmp_path: Path
) -> None:
    analytics.analyze([cdr_file], tmp_path / "out")
    with open(tmp_path / "out" / "campaign_samples.csv", newline="") as fh:
        samples = list(csv.DictReader(fh))
    by_campaign: dict[str, list[dict[str, str]]] = {}
    for row in samples:
        by_campaign.setdefault(row["campaign_id"], []).append(row)
    assert sorted(len(rows) for rows in by_campaign.values()) == [20, 20]
    firsts = sorted((rows[0]["call_id"], rows[0]["attestation"]) for rows in by_campaign.values())
    assert firsts == [("N0000", "B"), ("S0000", "C")]
    spoofed = next(rows for rows in by_campaign.values() if rows[0]["call_id"] == "S0000")
    assert [r["call_id"] for r in spoofed[:3]] == ["S0000", "S0001", "S0002"]
    assert spoofed[0]["calling_number"] == "+13125550100"
    assert spoofed[0]["called_number"] == "+12124560000"


def test_bad_caller_ids_are_counted_not_fatal(cdr_file: Path, tmp_path: Path) -> None:
    summary = analytics.analyze([cdr_file], tmp_path / "out")
    # anonymous, an extension, garbage, empty and null caller IDs
    assert summary.invalid_caller_ids == 5
    assert summary.missing_attestation == 5
    assert summary.null_origid == 55
    assert "invalid caller IDs" in summary.line()


def test_attestation_is_read_through_spaces_and_case(tmp_path: Path) -> None:
    """' a ' is an A attestation; 'x' is none: analysis and import count alike."""
    rows = world_rows()
    spelled = {"R0000": " a ", "R0001": "x"}
    rows = [dict(r, attestation=spelled.get(r["call_id"], r["attestation"])) for r in rows]
    path = write_cdrs(tmp_path / "att.parquet", rows)
    assert analytics.analyze([path], tmp_path / "out").missing_attestation == 6
    stored = ingest.store_batch(path, tmp_path / "store" / "batch-1.parquet", None)
    assert stored.missing_attestation == 6


def test_campaign_ids_are_stable(cdr_file: Path, tmp_path: Path) -> None:
    analytics.analyze([cdr_file], tmp_path / "a")
    analytics.analyze([cdr_file], tmp_path / "b")
    assert _campaigns(tmp_path / "a") == _campaigns(tmp_path / "b")
    first = _campaigns(tmp_path / "a")[0]
    assert first["campaign_id"] == analytics.campaign_id_for(first["key_kind"], first["key"])


def test_csv_with_extra_and_missing_optional_columns(tmp_path: Path) -> None:
    rows = [dict(r, carrier_note="x") for r in world_rows()]
    path = write_cdrs(tmp_path / "cdrs.csv", rows, drop=("identity", "sip_code"))
    summary = analytics.analyze([path], tmp_path / "out")
    assert summary.extra_columns == ["carrier_note"]
    assert summary.missing_columns == ["identity", "sip_code"]
    assert summary.campaigns == 2


def test_parquet_and_csv_give_the_same_campaigns(cdr_file: Path, tmp_path: Path) -> None:
    csv_file = write_cdrs(tmp_path / "cdrs.csv", world_rows())
    analytics.analyze([cdr_file], tmp_path / "p")
    analytics.analyze([csv_file], tmp_path / "c")
    assert _campaigns(tmp_path / "p") == _campaigns(tmp_path / "c")


def test_several_files_and_a_directory(tmp_path: Path) -> None:
    rows = world_rows()
    part = tmp_path / "parts"
    part.mkdir()
    write_cdrs(part / "a.parquet", rows[:100])
    write_cdrs(part / "b.parquet", rows[100:])
    analytics.analyze([part], tmp_path / "dir")
    analytics.analyze([part / "a.parquet", part / "b.parquet"], tmp_path / "files")
    assert _campaigns(tmp_path / "dir") == _campaigns(tmp_path / "files")
    assert len(_campaigns(tmp_path / "dir")) == 2


@pytest.mark.parametrize("column", ["call_id", "start_time", "calling_number", "called_number"])
def test_missing_required_column_is_a_clear_error(tmp_path: Path, column: str) -> None:
    path = write_cdrs(tmp_path / "x.parquet", world_rows(), drop=(column,))
    with pytest.raises(AnalyticsError, match=f"missing columns {column}"):
        analytics.analyze([path], tmp_path / "out")


def test_unusable_files(tmp_path: Path) -> None:
    with pytest.raises(AnalyticsError, match="no such file"):
        analytics.analyze([tmp_path / "nope.parquet"], tmp_path / "out")
    garbage = tmp_path / "bad.parquet"
    garbage.write_bytes(b"not parquet at all")
    with pytest.raises(AnalyticsError, match="cannot be read"):
        analytics.analyze([garbage], tmp_path / "out")
    other = tmp_path / "x.json"
    other.write_text("{}")
    with pytest.raises(AnalyticsError, match="not a Parquet or CSV"):
        analytics.analyze([other], tmp_path / "out")
    with pytest.raises(AnalyticsError, match="no input"):
        analytics.analyze([], tmp_path / "out")


def test_garbage_values_in_csv_do_not_crash(tmp_path: Path) -> None:
    rows = world_rows()
    rows[3] = dict(rows[3], start_time=None, duration_s=None)
    path = write_cdrs(tmp_path / "x.csv", rows)
    text = path.read_text().replace(",12,", ",twelve,", 1)
    path.write_text(text)
    summary = analytics.analyze([path], tmp_path / "out")
    assert summary.unusable_rows == 1
    assert summary.campaigns == 2


def _sql_number(text: str) -> int | None:
    inner = f"SELECT {analytics.number_sql('x')} AS v FROM (SELECT ? AS x)"  # noqa: S608 - constant
    sql = f"SELECT {analytics.number_in_range('v')} FROM ({inner})"  # noqa: S608 - constant
    value = duckdb.execute(sql, [text]).fetchone()
    assert value is not None
    return value[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("+12125551234", 12125551234),
        ("2125551234", 12125551234),
        ("12125551234", 12125551234),
        ("(212) 555-1234", 12125551234),
        ("+91 98123 45678", 919812345678),
        ("011 91 98123 45678", 919812345678),
        ("0091 9812345678", 919812345678),
        ("anonymous", None),
        ("1234", None),
        ("", None),
        ("+1abc", None),
        ("-212555123", None),  # ten characters, but a sign is no number
        (" 2125551234 ", 12125551234),
        ("   ", None),
        ("+", None),
        # A cast alone reads these as numbers; tracebridge.identifiers refuses them.
        ("+1e10", None),
        ("+12125551234e0", None),
        ("1234567e03", None),
        ("0x7FFFFFFF", None),
        ("+1_212_555_1234", None),
        ("2125551234.0", None),
        ("0b1010101010", None),
    ],
)
def test_number_sql(text: str, digits: int | None) -> None:
    assert _sql_number(text) == digits


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=2_000_000_000, max_value=9_999_999_999), st.sampled_from(["+1", "", "1"])
)
def test_number_sql_agrees_with_identifiers(number: int, prefix: str) -> None:
    """Where tracebridge.identifiers accepts a NANP number, the SQL reads the same digits."""
    text = f"{prefix}{number}"
    parsed = parse("phone", text, "US")
    if isinstance(parsed, Identifier) and parsed.value.startswith("+1"):
        assert _sql_number(text) == int(parsed.value[1:])


def test_npa_bitmap_knows_real_and_unallocated_area_codes() -> None:
    bits = analytics.npa_bitmap()
    assert bits[212] == "1" and bits[415] == "1"
    assert bits[0] == "0" and bits[111] == "0" and bits[999] == "0"


def test_spellings_of_one_caller_number_form_one_group(tmp_path: Path) -> None:
    """Numbers are normalised per distinct raw string, then merged: a robocaller whose
    records spell its number three ways is one caller campaign with every call."""
    spellings = ["+13125550142", "3125550142", "(312) 555-0142"]
    rows = [
        cdr_row(
            f"M{i:04d}",
            spellings[i % 3],
            f"+1212{4560000 + i * 3}",
            DAY0 + i * 20,
            attestation="C",
            origid=None,
        )
        for i in range(21)  # 7 records per spelling: no spelling alone reaches min_calls
    ]
    path = write_cdrs(tmp_path / "m.parquet", rows)
    summary = analytics.analyze([path], tmp_path / "out")
    campaigns = _campaigns(tmp_path / "out")
    assert [(c["key_kind"], c["key"], c["calls"], c["unique_called"]) for c in campaigns] == [
        ("caller", "+13125550142", "21", "21")
    ]
    assert summary.labelled_calls == 21 and summary.invalid_caller_ids == 0


def test_only_candidate_groups_reach_the_costly_steps(cdr_file: Path, tmp_path: Path) -> None:
    """The second scan keeps the records of groups that pass the streaming gate and no others;
    the summary counts still cover every record."""
    con = analytics.connect()
    summary = analytics.analyze([cdr_file], tmp_path / "out", con=con)
    kept = con.execute(
        "SELECT count(*), sum(n), count(*) FILTER (oid IS NULL) FROM calls"
    ).fetchone()
    # 62 spoofed records (60 calls, a duplicate and a hop record, folded into their calls),
    # 40 neighbour-spoofing ones, and every call without origid (50 ordinary callers, 5 bad
    # rows: route groups are formed from the folded calls); the reminder line answers most
    # calls.
    assert kept == (155, 157, 55)
    assert summary.rows == len(world_rows()) and summary.calls == 235
    assert summary.hop_records == summary.rows - summary.unusable_rows - summary.calls


def test_fractional_seconds_truncate_to_the_same_day(tmp_path: Path) -> None:
    """Times are whole seconds by truncation (as Spark's unix_timestamp), so a call at
    23:59:59.9 stays on its day in both the grouping and the outputs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    end_of_day = (DAY0 // 86400 + 1) * 86400 - 1
    rows = [
        cdr_row(
            f"T{i:04d}",
            f"+1{3125550100 + i * 37}",
            f"+1212{4560000 + i * 3}",
            end_of_day,
            origid="0f8e6a52-2d1c-4c1e-9b5e-6a0c5d7e8f90",
        )
        for i in range(30)
    ]
    path = write_cdrs(tmp_path / "t.parquet", rows)
    table = pq.read_table(path)
    micros = pa.array([end_of_day * 1_000_000 + 900_000] * len(rows), pa.int64())
    table = table.set_column(
        table.schema.get_field_index("start_time"),
        "start_time",
        micros.cast(pa.timestamp("us", tz="UTC")),
    )
    pq.write_table(table, path)
    analytics.analyze([path], tmp_path / "out")
    (campaign,) = _campaigns(tmp_path / "out")
    assert campaign["key"].endswith("@" + _day(end_of_day))
    assert campaign["first_seen"] == campaign["last_seen"] == _iso(end_of_day)


def _day(epoch: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d")


def _iso(epoch: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("carriers", [10, 70])
def test_duplicates_counted_with_few_or_many_reporting_carriers(
    tmp_path: Path, carriers: int
) -> None:
    """Up to 64 reporting carriers the fold counts distinct reporters with a bit mask, beyond
    that with a DISTINCT aggregate: the duplicate count is the same either way."""
    rows = world_rows()  # holds one duplicate record already (S0000)
    hops = [dict(rows[2], reporting_carrier=f"Transit {i}") for i in range(carriers)]
    rows += [*hops, dict(hops[-1]), dict(hops[0])]  # two more duplicates, of two carriers
    path = write_cdrs(tmp_path / "hops.parquet", rows)
    con = analytics.connect()
    summary = analytics.analyze([path], tmp_path / "out", con=con)
    reporters = con.execute("SELECT count(*) FROM reporters").fetchone()
    assert reporters is not None and (reporters[0] <= 64) == (carriers <= 64)
    assert summary.duplicate_call_ids == 3
    assert summary.labelled_calls == 100 and _labels(tmp_path / "out")["S0002"].startswith("RC-")


def test_records_without_call_id_are_left_out_of_every_group(
    cdr_file: Path, tmp_path: Path
) -> None:
    """Without any null call id the grouping scan skips that column; with one, it filters:
    either way a record without a call id counts as unusable and in no group."""
    rows = world_rows()
    rows += [dict(rows[100], call_id=None) for _ in range(3)]  # N0000's numbers, no call id
    path = write_cdrs(tmp_path / "nulls.parquet", rows)
    summary = analytics.analyze([path], tmp_path / "nulls")
    analytics.analyze([cdr_file], tmp_path / "clean")
    assert summary.unusable_rows == 3 and summary.calls == 235
    assert _campaigns(tmp_path / "nulls") == _campaigns(tmp_path / "clean")


@pytest.mark.parametrize("carriers", [10, 70])
def test_a_caller_seen_inside_and_outside_a_flagged_origin_keeps_every_call(
    tmp_path: Path, carriers: int
) -> None:
    """A robocaller's number also used on a flagged origin's trunk: the origin scan sees a third
    of its calls, the callers' own scan the rest (merged per call with up to 64 reporters, one
    combined scan beyond). Its group still counts all 30 calls, and joins the origin's
    campaign: they share calls."""
    rows = world_rows()
    spoof = next(r for r in rows if r["call_id"] == "S0000")
    for i in range(30):
        row = cdr_row(f"X{i:04d}", "+13125559999", f"+1646{5550000 + i * 7}", DAY0 + i * 30)
        if i < 10:
            row["origid"] = spoof["origid"]
        rows.append(row)
        # hop records of other carriers, enough distinct reporters to leave the bit mask
        rows.append(dict(row, reporting_carrier=f"Transit {i % carriers}"))
    rows += [dict(spoof, reporting_carrier=f"Transit {i}") for i in range(carriers)]
    path = write_cdrs(tmp_path / "x.parquet", rows)
    summary = analytics.analyze([path], tmp_path / "out")
    campaigns = {c["key"]: c for c in _campaigns(tmp_path / "out")}
    assert "+13125559999" not in campaigns  # 10 of its calls were signed with the origid:
    spoof = spoof_campaign(campaigns)  # one campaign, its 20 other calls with it, and the 5
    # bad rows without origid on its route in that hour (the ordinary answered calls are not)
    assert next(c["calls"] for c in campaigns.values() if c["campaign_id"] == spoof) == "95"
    groups = {g["key"]: g for g in _groups(tmp_path / "out")}
    caller = groups["+13125559999"]
    assert caller["campaign_id"] == spoof and caller["calls"] == "30"
    assert "many unique callees: 30 of 30 calls" in caller["reasons"]
    labels = _labels(tmp_path / "out")
    assert labels["X0000"] == spoof and labels["X0029"] == spoof and labels["B0000"] == spoof
    assert {k for k in labels if k[0] == "L"} == set()
    route = next(g for g in groups.values() if g["key_kind"] == "route")
    assert route["key"] == "from Telx Wholesale via Verizon, 2025-06-15 14:00Z"
    assert summary.labelled_calls == 135 and summary.duplicate_call_ids == 1


def spoof_campaign(campaigns: dict[str, dict[str, str]]) -> str:
    return next(c["campaign_id"] for k, c in campaigns.items() if k.startswith("0f8e6a52"))


@pytest.mark.parametrize("null_call_ids", [0, 3])
def test_large_inputs_skip_the_distinct_call_count_but_not_the_null_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, null_call_ids: int
) -> None:
    """Above EXACT_UNDER records the summary leaves total calls uncounted (and says so);
    Parquet statistics tell whether any call id is null, and such records stay unusable."""
    monkeypatch.setattr(analytics, "EXACT_UNDER", 10)
    rows = world_rows()
    rows += [dict(rows[100], call_id=None) for _ in range(null_call_ids)]
    path = write_cdrs(tmp_path / "big.parquet", rows)
    summary = analytics.analyze([path], tmp_path / "out")
    assert summary.calls is None and summary.hop_records is None
    assert "calls not counted above 10 records" in summary.line()
    assert summary.unusable_rows == null_call_ids
    assert summary.campaigns == 2 and summary.labelled_calls == 100


def _stored(tmp_path: Path, rows: list[dict[str, Any]], name: str) -> Path:
    raw = write_cdrs(tmp_path / f"{name}.parquet", rows)
    target = tmp_path / "store" / name / "batch-1.parquet"
    ingest.store_batch(raw, target, None)
    return target


@pytest.mark.parametrize("world", ["standard", "spellings"])
def test_stored_partitions_give_what_the_presented_numbers_give(tmp_path: Path, world: str) -> None:
    """Partitions stored by import carry normalised numbers, which analysis then reads instead
    of parsing the presented ones: campaigns, labels and counts come out the same."""
    rows = world_rows()
    if world == "spellings":
        spellings = ["+13125550142", "3125550142", "(312) 555-0142"]
        rows += [
            cdr_row(f"M{i:04d}", spellings[i % 3], f"+1212{4560000 + i * 3}", DAY0 + i * 20)
            for i in range(21)
        ]
    # import keeps the first of a carrier's duplicate records: compare with input that has none
    firsts = {(r["call_id"], r["reporting_carrier"]): r for r in reversed(rows)}
    rows = [r for r in rows if firsts[(r["call_id"], r["reporting_carrier"])] is r]
    raw = write_cdrs(tmp_path / "raw.parquet", rows)
    stored = _stored(tmp_path, rows, world)
    con, raw_con = analytics.connect(), analytics.connect()
    from_store = analytics.analyze([stored.parent], tmp_path / "s", con=con)
    assert analytics.keys_of(con) is analytics.STORED_KEYS
    from_raw = analytics.analyze([raw], tmp_path / "r", con=raw_con)
    assert _campaigns(tmp_path / "s") == _campaigns(tmp_path / "r")
    assert _labels(tmp_path / "s") == _labels(tmp_path / "r")
    assert from_store.rows == from_raw.rows == len(rows) and from_store.labelled_calls > 0
    # Stored numbers keep only the caller groups that can matter; the counts stay whole.
    counts = ("invalid_caller_ids", "missing_attestation", "null_origid", "unusable_rows")
    assert [getattr(from_store, c) for c in counts] == [getattr(from_raw, c) for c in counts]
    assert from_store.invalid_caller_ids > 0 and from_store.missing_attestation > 0
    rule = analytics.Params(baseline_calls=5)
    baseline = analytics.baseline_labels(con, rule).column("call_id").to_pylist()
    assert sorted(baseline) == sorted(
        analytics.baseline_labels(raw_con, rule).column("call_id").to_pylist()
    )
    assert len(baseline) >= 21


def test_a_store_with_partitions_from_before_a_stored_column_parses(tmp_path: Path) -> None:
    """A directory reads as the union of its files' columns: a partition imported before
    ``origin_key`` and ``att`` existed would read as records without origin and attestation.
    Analysis of such a store parses the presented values, with the same results."""
    rows = world_rows()
    new = _stored(tmp_path, rows[::2], "mixed")
    old = new.with_name("batch-0.parquet")
    other = _stored(tmp_path, rows[1::2], "other")
    duckdb.execute(
        f"COPY (SELECT * EXCLUDE (origin_key, att) FROM read_parquet('{other}')) "  # noqa: S608
        f"TO '{old}' (FORMAT parquet)"
    )
    con = analytics.connect()
    summary = analytics.analyze([new.parent], tmp_path / "s", con=con)
    assert analytics.keys_of(con) is analytics.PRESENTED
    raw = analytics.analyze([write_cdrs(tmp_path / "raw.parquet", rows)], tmp_path / "r")
    assert _campaigns(tmp_path / "s") == _campaigns(tmp_path / "r")
    counts = ("campaigns", "labelled_calls", "missing_attestation", "null_origid")
    assert [getattr(summary, c) for c in counts] == [getattr(raw, c) for c in counts]
    assert summary.campaigns == 2


def test_import_computes_its_own_numbers_and_a_mixed_input_parses(tmp_path: Path) -> None:
    """Numbers, origin keys and attestation codes a file brings are not taken on trust at
    import; analysis of stored partitions together with a raw file parses every presented
    value."""
    rows = [dict(r, calling_e164=1, called_e164=1, origin_key=7, att=9) for r in world_rows()]
    rows[0] |= {"origid": f"  {rows[1]['origid']} ", "attestation": " c"}
    stored = _stored(tmp_path, rows, "bogus")
    numbers = duckdb.execute(
        "SELECT DISTINCT calling_e164 FROM read_parquet(?) WHERE calling_number = '+13125550100'",
        [str(stored)],
    ).fetchall()
    assert numbers == [(13125550100,)]
    # the key of the trimmed origid (an MD5, the same in every DuckDB version) and A/B/C as 1/2/3
    keys = duckdb.execute(
        "SELECT DISTINCT origin_key, md5_number_upper(trim(origid)), att, attestation "
        "FROM read_parquet(?) WHERE call_id IN (?, ?) ORDER BY attestation",
        [str(stored), rows[0]["call_id"], rows[1]["call_id"]],
    ).fetchall()
    digest = hashlib.md5(rows[1]["origid"].encode(), usedforsecurity=False)
    key = int.from_bytes(digest.digest()[:8], "little")  # DuckDB's md5_number_upper
    assert keys == [(key, key, 3, " c"), (key, key, 3, "C")]
    raw = write_cdrs(tmp_path / "raw.parquet", world_rows()[:5])
    con = analytics.connect()
    analytics.analyze([stored, raw], tmp_path / "out", con=con)
    assert analytics.keys_of(con) is analytics.PRESENTED
