"""Moments in Vietnam's civil time, and text composed before it meets the font."""

import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest

from motcua.documents.formatting import (
    clean,
    format_date,
    format_dateline,
    format_moment,
    format_time,
)


def test_a_utc_moment_is_shown_seven_hours_later_in_vietnam():
    assert format_moment(datetime(2023, 10, 27, 1, 15, tzinfo=UTC)) == "08:15 ngày 27/10/2023"


def test_late_utc_evening_is_already_the_next_day_in_vietnam():
    moment = datetime(2023, 12, 31, 17, 0, tzinfo=UTC)
    assert format_date(moment) == "01/01/2024"
    assert format_time(moment) == "00:00"


def test_a_moment_from_another_zone_is_converted_too():
    paris = timezone(timedelta(hours=1))
    assert format_moment(datetime(2023, 11, 10, 10, 30, tzinfo=paris)) == "16:30 ngày 10/11/2023"


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"):
        format_date(datetime(2023, 10, 27, 8, 15))


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2024, 1, 5, 9), "ngày 05 tháng 01 năm 2024"),
        (datetime(2024, 2, 29, 9), "ngày 29 tháng 02 năm 2024"),
        (datetime(2024, 3, 8, 9), "ngày 08 tháng 3 năm 2024"),
        (datetime(2024, 12, 15, 9), "ngày 15 tháng 12 năm 2024"),
    ],
)
def test_the_date_line_pads_days_below_ten_and_only_months_one_and_two(local, expected):
    # Decree 30/2020/ND-CP, Appendix I.
    moment = local.replace(tzinfo=UTC) - timedelta(hours=7)
    assert format_dateline(moment) == expected


def test_decomposed_vietnamese_is_composed_and_spaces_collapse():
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Thị\nNgọc Ánh")
    assert clean(decomposed) == "Nguyễn Thị Ngọc Ánh"
