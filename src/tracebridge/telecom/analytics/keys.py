"""How analysis reads the values it groups by, as SQL templates: functions from the SQL of a
value to the SQL of its key. Presented strings are parsed; stored columns are read as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from tracebridge.telecom.numbers import number_in_range, number_sql

Template = Callable[[str], str]  # SQL of a value -> SQL over it


def origin_key(x: str) -> str:
    """A record's origin as a stable 64-bit key (NULL without an origid): the MD5 of the trimmed
    origid, so that keys stored by ``cdr import`` match those computed later, whatever DuckDB's
    version (its hash() may change between versions)."""
    return f"md5_number_upper(nullif(trim({x}), ''))"


def attestation_code(x: str) -> str:
    """Attestation as a small code (A, B, C: 1, 2, 3; anything else NULL, which the summary and
    import count as missing): a string aggregate per call cost about a sixth of the fold."""
    return f"""CASE {x} WHEN 'A' THEN 1 WHEN 'B' THEN 2 WHEN 'C' THEN 3
    ELSE CASE upper(trim({x})) WHEN 'A' THEN 1 WHEN 'B' THEN 2 WHEN 'C' THEN 3 END END"""


def attestation_letter(code: str) -> str:
    """The letter of an attestation code (see attestation_code)."""
    return f"CASE {code} WHEN 1 THEN 'A' WHEN 2 THEN 'B' WHEN 3 THEN 'C' END"


def _as_is(x: str) -> str:
    return x


def _presented_signed(x: str) -> str:
    return f"(nullif(trim({x}), '') IS NOT NULL)"


def _stored_signed(x: str) -> str:
    return f"({x} IS NOT NULL)"


def _presented_names(oids: str) -> str:
    # the raw groups hold the origids themselves: no scan
    return f"""SELECT DISTINCT oid, trim(raw_oid) AS origid FROM raw_groups
       WHERE by_origin = 1 AND oid IN ({oids})"""  # noqa: S608


def _stored_names(oids: str) -> str:
    # partitions are sorted by origin key: the scan reads only the row groups of these origins
    return f"""SELECT origin_key AS oid, any_value(trim(origid)) AS origid FROM cdr_raw
       WHERE origin_key IN ({oids}) GROUP BY origin_key"""  # noqa: S608


@dataclass(frozen=True)
class Keys:
    """How analysis reads the values it groups by: caller and callee numbers, origins and
    attestation. Parsed from the presented strings, or read from the columns ``cdr import``
    stores beside them (STORED, in every input file)."""

    group: str  # what the grouping scan groups caller records by (a raw value)
    key: str  # a record's key, matched against the keys of candidate callers (column ``h``)
    h: str  # a raw value's key
    cli: str  # a raw value's number
    calling: str  # a record's caller number (range-checked, as every number here)
    called: str  # a record's callee number
    origin: str  # what the grouping scan groups records by origin by (a raw value)
    oid: Template  # a raw origin value's origin_key
    att: str  # what the grouping scan groups records by attestation by (a raw value)
    code: Template  # a raw attestation value's attestation_code
    names: Template  # (oid, origid) of the origin keys that the given subquery gives
    signed: Template  # whether a raw origin value is an origid (not NULL, not blank)
    # Whether one number's records may lie under several raw values (spellings, merged by
    # their parsed value): then every raw value's group is kept until the merge.
    spelled: bool = True


PRESENTED = Keys(
    "calling_number",
    "hash(calling_number)",
    "hash(raw)",
    number_in_range(f"({number_sql('raw')})"),
    number_in_range(f"({number_sql('calling_number')})"),
    number_in_range(f"({number_sql('called_number')})"),
    "origid",
    origin_key,
    "attestation",
    attestation_code,
    _presented_names,
    _presented_signed,
)
# Stored values are already normalised and range-checked (by number_sql and number_in_range, at
# import), origins keyed and attestation coded: no parsing, no spelling merge, integer keys.
STORED_KEYS = Keys(
    "calling_e164", "calling_e164", "raw", "raw", "calling_e164", "called_e164",
    "origin_key", _as_is, "att", _as_is, _stored_names, _stored_signed,
    spelled=False,
)  # fmt: skip


def keys_of(con: duckdb.DuckDBPyConnection) -> Keys:
    row = con.execute("SELECT stored_numbers FROM source_facts").fetchone()
    return STORED_KEYS if row and row[0] else PRESENTED
