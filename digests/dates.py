"""Parse the date forms news arrives in: ISO 8601, RFC 2822 and the old wire form."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from digests.model import ensure_utc

# Reuters-style wire stamps: "26-FEB-1987 15:01:01.79" (hundredths of a second, month in capitals).
_WIRE = re.compile(
    r"^(?P<day>\d{1,2})-(?P<mon>[A-Za-z]{3})-(?P<year>\d{4})"
    r"(?:\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.(?P<frac>\d{1,6}))?)?)?$"
)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


class DateFormatError(ValueError):
    """A date string in none of the forms we read."""


def parse_date(text: str) -> datetime:
    """A timezone-aware UTC datetime from ISO 8601, RFC 2822 or wire form; no zone means UTC."""
    value = text.strip()
    if not value:
        raise DateFormatError("empty date")
    wire = _WIRE.match(value)
    if wire:
        month = _MONTHS.get(wire["mon"].lower())
        if month is None:
            raise DateFormatError(f"unknown month in {value!r}")
        frac = (wire["frac"] or "0").ljust(6, "0")
        return datetime(
            int(wire["year"]), month, int(wire["day"]), int(wire["h"] or 0), int(wire["m"] or 0),
            int(wire["s"] or 0), int(frac), tzinfo=UTC,
        )
    try:
        # Python 3.11 reads most of ISO 8601, including "Z" and date-only forms.
        return ensure_utc(datetime.fromisoformat(value))
    except ValueError:
        pass
    try:
        return ensure_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        pass
    raise DateFormatError(
        f"date {value!r} is not ISO 8601 (2025-08-23T09:00:00Z), RFC 2822 (Sat, 23 Aug 2025 09:00:00 +0000) "
        "or wire form (26-FEB-1987 15:01:01.79)"
    )
