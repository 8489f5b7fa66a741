"""app.domain.vocabulary: the desk's Vietnamese words and formats, defined once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.domain import vocabulary as vi
from tests.conftest import ROOT


def test_dates_are_day_month_year_whatever_they_come_as():
    assert vi.vn_date(date(2026, 12, 1)) == "01/12/2026"
    assert vi.vn_date("2026-12-01") == "01/12/2026"
    assert vi.vn_date("2026-12-01T14:05:00+07:00") == "01/12/2026"
    assert vi.vn_date(datetime(2026, 3, 9, 23, 59)) == "09/03/2026"
    assert vi.vn_date(None) == "" and vi.vn_date("") == ""


def test_moments_keep_their_wall_time_and_stored_utc_is_shown_in_hanoi_time():
    assert vi.vn_datetime("2026-12-01T14:05:00+07:00") == "14:05 ngày 01/12/2026"
    assert vi.vn_local_stamp("2026-12-01T20:30:00+00:00") == "02/12/2026 03:30"
    assert vi.vn_local_stamp("2026-12-01T20:30:00") == "02/12/2026 03:30"  # naive: stored as UTC
    assert vi.vn_stamp(datetime(2026, 12, 1, 8, 0, tzinfo=UTC)) == "01/12/2026 08:00"
    assert vi.vn_short("2026-12-01") == "01/12/2026" and vi.vn_short("2026-12-01T09:07:00") == "09:07 01/12"


def test_amounts_and_sizes_use_vietnamese_separators():
    assert vi.vnd(0) == "0đ" and vi.vnd(1234567) == "1.234.567đ"
    assert vi.vn_size(1_500_000) == "1,5 MB" and vi.vn_size(12_345) == "12 kB" and vi.vn_size(10) == "1 kB"


def test_forms_dates_are_written_out():
    assert vi.vn_long_date(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert vi.vn_time_date(datetime(2026, 1, 5, 7, 3)) == "07 giờ 03 phút, ngày 05 tháng 01 năm 2026"


def test_labels_and_their_fallbacks():
    assert vi.copy_kind_vi("certified") == "Bản sao chứng thực" and vi.copy_kind_vi("x") == "x"
    assert vi.rating_vi("hai_long") == "Hài lòng" and vi.rating_vi("?") == ""
    assert vi.event_label_vi("rated") == "Công dân đánh giá" and vi.event_label_vi("new_kind") == "new_kind"
    assert vi.RATINGS == ("rat_hai_long", "hai_long", "khong_hai_long")


@pytest.mark.parametrize(
    "literal",
    [
        '"Bản sao chứng thực"',
        '"Rất hài lòng"',
        '"Xin lỗi, hẹn lại ngày trả"',
        "%d/%m/%Y",
        '"Asia/Ho_Chi_Minh"',
    ],
)
def test_each_label_and_format_is_written_in_one_module_only(literal):
    found = [
        str(p.relative_to(ROOT))
        for package in ("app", "ui", "sync", "scanner")
        for p in (ROOT / package).rglob("*.py")
        if literal in p.read_text(encoding="utf-8")
    ]
    assert found == [str(Path("app/domain/vocabulary.py"))]
