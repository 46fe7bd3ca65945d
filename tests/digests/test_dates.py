from datetime import UTC, datetime

import pytest

from digests.dates import DateFormatError, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC)),
        (" 3-MAR-1987 09:05:00.00 ", datetime(1987, 3, 3, 9, 5, tzinfo=UTC)),
        ("2025-08-23T09:00:00Z", datetime(2025, 8, 23, 9, tzinfo=UTC)),
        ("2025-08-23T18:00:00+09:00", datetime(2025, 8, 23, 9, tzinfo=UTC)),
        ("2025-08-23 09:00", datetime(2025, 8, 23, 9, tzinfo=UTC)),  # no zone means UTC
        ("2025-08-23", datetime(2025, 8, 23, tzinfo=UTC)),
        ("Sat, 23 Aug 2025 09:00:00 +0000", datetime(2025, 8, 23, 9, tzinfo=UTC)),
        ("Sat, 23 Aug 2025 11:00:00 +0200", datetime(2025, 8, 23, 9, tzinfo=UTC)),
        ("Sat, 23 Aug 2025 09:00:00 GMT", datetime(2025, 8, 23, 9, tzinfo=UTC)),
    ],
)
def test_reads_iso_rfc2822_and_wire_forms_as_utc(text: str, expected: datetime) -> None:
    parsed = parse_date(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["", "yesterday", "32-FEB-1987 10:00:00.00", "26-XYZ-1987 10:00:00.00"])
def test_unreadable_dates_say_which_forms_are_read(text: str) -> None:
    with pytest.raises((DateFormatError, ValueError)):
        parse_date(text)
