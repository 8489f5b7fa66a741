"""Dates typed in the console: dd/mm/yyyy read strictly, with a Vietnamese reason when they cannot be."""

from __future__ import annotations

from datetime import date

import pytest

from central.console.dates import DateInputError, parse_vn_date, vn_date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("05/11/2026", date(2026, 11, 5)), ("5/1/2027", date(2027, 1, 5)), (" 29/02/2028 ", date(2028, 2, 29))],
)
def test_day_month_year_is_read(typed: str, expected: date):
    assert parse_vn_date(typed, "Từ ngày") == expected


def test_an_iso_date_from_an_older_link_is_still_read():
    assert parse_vn_date("2026-11-05", "Từ ngày") == date(2026, 11, 5)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("31/02/2026", "Từ ngày: ngày 31/02/2026 không có trên lịch."),
        ("11/31/2026", "Từ ngày: ngày 11/31/2026 không có trên lịch."),
        (
            "2026/11/05",
            "Từ ngày: “2026/11/05” không phải một ngày; hãy nhập ngày/tháng/năm, ví dụ 05/11/2026.",
        ),
        ("hôm qua", "Từ ngày: “hôm qua” không phải một ngày; hãy nhập ngày/tháng/năm, ví dụ 05/11/2026."),
    ],
)
def test_a_date_that_cannot_be_read_says_why_in_vietnamese(typed: str, reason: str):
    with pytest.raises(DateInputError) as caught:
        parse_vn_date(typed, "Từ ngày")
    assert caught.value.message == reason


def test_shown_dates_are_day_month_year():
    assert (vn_date("2026-11-05"), vn_date(date(2027, 1, 2)), vn_date(""), vn_date("—")) == (
        "05/11/2026",
        "02/01/2027",
        "",
        "—",
    )
