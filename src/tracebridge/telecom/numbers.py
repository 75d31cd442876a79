"""Telephone numbers in SQL (DuckDB and Spark): presented numbers to E.164 digits as BIGINT,
and invalid or unallocated caller IDs. No Python per row; tests hold the SQL to
tracebridge.identifiers."""

from __future__ import annotations

from functools import lru_cache

from tracebridge.identifiers import Identifier, parse

NANP = 10_000_000_000  # +1 NXX NXX XXXX as a number: 1_NPA_NXX_XXXX

# The few functions whose names differ between DuckDB and Spark SQL.
DUCKDB = {
    "all": ", 'g'",
    "match": "regexp_full_match({x}, '{p}')",
    "starts": "starts_with",
    "text": "VARCHAR",
    "item": "[{items}][{i}]",  # lists count from 1 in both
}
SPARK = {
    "all": "",
    "match": "{x} rlike '^{p}$'",
    "starts": "startswith",
    "text": "STRING",
    "item": "element_at(array({items}), {i})",
}


def number_sql(column: str, dialect: dict[str, str] = DUCKDB) -> str:
    """SQL giving the E.164 digits of a presented number as BIGINT, NULL when not a number.

    Fast path for the common spellings (+E.164, 10-digit NANP, 1+10 digits): a cast of the
    raw text, kept only when the number reads back as the same text. A cast alone reads far
    more than digits ('1e10', '0x1F', '1_000', ' 12'); the read-back refuses all of them, and
    leading zeros, which the slow path then reads. Only what the fast path cannot read pays
    for a regular expression (COALESCE evaluates its second argument only where the first is
    NULL). National numbers are read as NANP, the region of the node's carriers; tests hold
    this to tracebridge.identifiers.
    """
    raw, starts = column, dialect["starts"]
    # DuckDB computes a repeated sub-expression once (and hoists it out of a CASE, computing
    # it for every row): ``text`` and its cast appear twice, at the cost of one each.
    text = (
        f"CASE WHEN {starts}({raw}, '+') THEN substr({raw}, 2) "
        f"WHEN length({raw}) = 10 THEN '1' || {raw} "
        f"WHEN length({raw}) = 11 AND {starts}({raw}, '1') THEN {raw} END"
    )
    value = f"TRY_CAST({text} AS BIGINT)"
    fast = f"CASE WHEN CAST({value} AS {dialect['text']}) = {text} THEN {value} END"
    digits = f"regexp_replace({column}, '[^0-9]', ''{dialect['all']})"
    # trim() removes spaces only: a leading ' *' stands for it, the class allows trailing ones.
    allowed = dialect["match"].format(x=column, p=" *[+]?[0-9 ().-]+")  # no backslashes (Spark)
    slow = (
        f"CASE WHEN NOT {allowed} THEN NULL "
        f"WHEN {starts}(ltrim({column}), '+') THEN TRY_CAST({digits} AS BIGINT) "
        f"WHEN length({digits}) = 10 THEN {NANP} + TRY_CAST({digits} AS BIGINT) "
        f"WHEN length({digits}) = 11 AND {starts}({digits}, '1') THEN TRY_CAST({digits} AS BIGINT) "
        f"WHEN {starts}({digits}, '011') THEN TRY_CAST(substr({digits}, 4) AS BIGINT) "
        f"WHEN {starts}({digits}, '00') THEN TRY_CAST(substr({digits}, 3) AS BIGINT) END"
    )
    return f"coalesce({fast}, {slow})"


def number_in_range(value: str) -> str:
    """E.164 numbers have 7 to 15 digits (which also refuses a sign)."""
    return f"CASE WHEN {value} BETWEEN 1000000 AND 999999999999999 THEN {value} END"


@lru_cache(maxsize=1)
def npa_bitmap() -> str:
    """'1' at position NPA+1 for every NANP area code that tracebridge.identifiers accepts."""
    bits = ["0"] * 1000
    for npa in range(200, 1000):
        result = parse("phone", f"+1{npa}2345678")
        bits[npa] = "1" if isinstance(result, Identifier) else "0"
    return "".join(bits)


def bad_caller_sql(cli: str, dialect: dict[str, str] = DUCKDB) -> str:
    """Invalid caller ID (``cli`` already range-checked): not a number, or a NANP number whose
    area code is unallocated (npa_bitmap, as a constant list of booleans: ten times cheaper
    than a substring of the bitmap) or whose exchange starts with 0 or 1."""
    items = ",".join("true" if bit == "1" else "false" for bit in npa_bitmap())
    allocated = dialect["item"].format(
        items=items, i=f"CAST(({cli} // 10000000) % 1000 + 1 AS INTEGER)"
    )
    return (
        f"({cli} IS NULL OR ({cli} // {NANP} = 1 AND ("
        f"NOT {allocated} OR ({cli} // 10000) % 1000 < 200)))"
    )
