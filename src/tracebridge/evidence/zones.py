"""The time zone a collector gave: kept with the time, shown and certified in it.

A time typed by an agent in Newark is 10:30 in New York, not 15:30Z; a court reads the zone
the collector worked in. A zone is an IANA name ("America/New_York") or a fixed UTC offset
("-05:00", as an ISO 8601 time carries it); "" means the time was given in UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")

# Zones offered on the upload form: where the two countries' agents work.
COMMON_ZONES = (
    "Asia/Kolkata",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "UTC",
)
DEFAULT_ZONE = {"IN": "Asia/Kolkata", "US": "America/New_York"}


class ZoneError(ValueError):
    """Not an IANA zone name nor a ±HH:MM offset."""


def parse_zone(name: str) -> dt.tzinfo:
    """The tzinfo of an IANA name or a ±HH:MM offset; '' and 'UTC' are UTC."""
    if not name or name.upper() in ("UTC", "Z"):
        return dt.UTC
    match = _OFFSET.match(name)
    if match:
        sign, hours, minutes = match.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
        if delta >= dt.timedelta(hours=24):
            raise ZoneError(f"offset {name!r} is 24 hours or more")
        return dt.timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ZoneError(
            f"unknown time zone {name!r}: give an IANA name such as America/New_York "
            "or an offset such as -05:00"
        ) from None


def offset_name(value: dt.datetime) -> str:
    """The ±HH:MM offset of an aware time (the zone an ISO 8601 time was given in)."""
    offset = value.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def iso_in_zone(value: dt.datetime | None, zone: str) -> str:
    """ISO 8601 in the collector's zone with its offset ('2026-12-01T10:30:00-05:00')."""
    if value is None:
        return ""
    local = value.astimezone(parse_zone(zone))
    text = local.isoformat()
    return text.replace("+00:00", "Z") if not zone else text


def describe(iso: str, zone: str = "") -> str:
    """A time for people: '2026-12-01 10:30 EST (UTC-05:00, America/New_York; 15:30 UTC)'."""
    if not iso:
        return ""
    value = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if zone:
        value = value.astimezone(parse_zone(zone))
    offset = offset_name(value)
    if offset == "+00:00":
        return f"{value:%Y-%m-%d %H:%M} UTC"
    label = value.tzname() or ""
    named = f", {zone}" if zone and not _OFFSET.match(zone) else ""
    abbreviation = f" {label}" if label and not label.startswith(("UTC", "+", "-")) else ""
    utc = value.astimezone(dt.UTC)
    return f"{value:%Y-%m-%d %H:%M}{abbreviation} (UTC{offset}{named}; {utc:%H:%M} UTC)"
