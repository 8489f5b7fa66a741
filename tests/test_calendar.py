"""Working days and appointments: 15:00 cut-off, weekends, Tết, make-up Saturdays, 24/11, offsets."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import holidays
import pytest

from app.calendar import WorkCalendar, load_overlay, parse_overlay, parse_received
from app.domain.errors import CalendarError


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def due(cal: WorkCalendar, received: str, days: int | None = None, kind: str = "working_days"):
    return cal.appointment(parse_received(received), kind if days is None else "working_days", days)  # type: ignore[arg-type]


def test_cutoff_exactly_15_00_counts_the_same_day(cal: WorkCalendar) -> None:
    a = due(cal, "2026-11-18T15:00:59+07:00", 1)  # Wednesday; compared by minute
    assert a.counted_from == date(2026, 11, 18) and a.due_date == date(2026, 11, 19)


def test_15_01_counts_from_the_next_working_day(cal: WorkCalendar) -> None:
    a = due(cal, "2026-11-18T15:01:00+07:00", 1)
    assert a.counted_from == date(2026, 11, 19) and a.due_date == date(2026, 11, 20)


def test_friday_after_15_00_counts_from_monday(cal: WorkCalendar) -> None:
    a = due(cal, "2026-11-13T16:10:00+07:00", 2)
    assert a.counted_from == date(2026, 11, 16) and a.due_date == date(2026, 11, 18)


def test_sunday_counts_from_monday_and_same_day_is_that_monday(cal: WorkCalendar) -> None:
    a = due(cal, "2026-11-15T09:00:00+07:00", kind="same_day")
    assert a.due_date == date(2026, 11, 16) and a.due_time == time(16, 30)


def test_tet_2026_is_skipped(cal: WorkCalendar) -> None:
    # Friday 13/2 before Tết: 16-20/2 are off, so 1 working day lands on Monday 23/2
    assert due(cal, "2026-02-13T10:00:00+07:00", 1).due_date == date(2026, 2, 23)
    assert not any(cal.is_working_day(date(2026, 2, d)) for d in range(16, 21))


def test_make_up_saturday_is_a_working_day(cal: WorkCalendar) -> None:
    assert cal.is_working_day(date(2026, 1, 10)) and cal.is_working_day(date(2026, 8, 22))
    assert not cal.is_working_day(date(2026, 1, 2))  # the day it makes up for
    # Friday 9/1 after 15:00 → counted from the make-up Saturday 10/1; 1 day → Monday 12/1
    a = due(cal, "2026-01-09T15:30:00+07:00", 1)
    assert a.counted_from == date(2026, 1, 10) and a.due_date == date(2026, 1, 12)


def test_national_day_2026_bridge(cal: WorkCalendar) -> None:
    assert due(cal, "2026-08-28T10:00:00+07:00", 1).due_date == date(2026, 9, 3)


def test_vietnam_culture_day_24_11_from_2026(cal: WorkCalendar) -> None:
    assert not cal.is_working_day(date(2026, 11, 24))
    assert due(cal, "2026-11-23T09:00:00+07:00", 1).due_date == date(2026, 11, 25)
    assert date(2025, 11, 24) not in holidays.country_holidays("VN", years=2025)  # new from 2026
    assert not WorkCalendar(overlays=()).is_working_day(date(2027, 11, 24))  # python-holidays has it too


@pytest.mark.parametrize(
    ("received", "counted"),
    [
        ("2026-11-18T08:00:00Z", date(2026, 11, 18)),  # 15:00 in Hà Nội: not after the cut-off
        ("2026-11-18T08:01:00Z", date(2026, 11, 19)),  # 15:01 local → next day
        ("2026-11-18T17:00:00+09:00", date(2026, 11, 18)),  # 15:00 local
        ("2026-11-18T17:01:00+09:00", date(2026, 11, 19)),
        ("2026-11-17T23:30:00-05:00", date(2026, 11, 18)),  # 11:30 on the 18th in Hà Nội
        ("2026-11-18T14:00:00", date(2026, 11, 18)),  # naive = local time
    ],
)
def test_any_offset_is_converted_to_hanoi_time(cal: WorkCalendar, received: str, counted: date) -> None:
    assert cal.counted_from(parse_received(received)) == counted


def test_year_boundary(cal: WorkCalendar) -> None:
    a = due(cal, "2026-12-31T15:30:00+07:00", 1)  # after cut-off; 1/1 is a holiday
    assert a.counted_from == date(2027, 1, 4) and a.due_date == date(2027, 1, 5)
    assert due(cal, "2026-12-31T01:00:00Z", 3).due_date == date(2027, 1, 6)


def test_immediate_is_same_day_half_an_hour_later(cal: WorkCalendar) -> None:
    a = due(cal, "2026-11-18T09:10:00+07:00", kind="immediate")
    assert a.due_date == date(2026, 11, 18) and a.due_time_text == "09:40"
    late = due(cal, "2026-11-18T15:20:00+07:00", kind="immediate")
    assert late.due_date == date(2026, 11, 19) and late.due_time_text == "08:30"


def test_saturday_reception_does_not_make_saturday_count_for_periods() -> None:
    cal = WorkCalendar(saturday_reception=True)
    assert cal.is_reception_day(date(2026, 11, 21)) and not cal.is_working_day(date(2026, 11, 21))
    sat = parse_received("2026-11-21T09:00:00+07:00")
    assert cal.appointment(sat, "working_days", 1).due_date == date(
        2026, 11, 25
    )  # Mon 23 → Wed 25 (24/11 off)
    assert cal.appointment(sat, "same_day").due_date == date(2026, 11, 21)
    assert WorkCalendar().appointment(sat, "same_day").due_date == date(2026, 11, 23)


def test_overlay_file_adds_days_off_and_working_days(tmp_path: Path) -> None:
    path = tmp_path / "2026.json"
    doc = {"year": 2026, "source": "test", "days_off": ["2026-11-19"], "working_days": ["2026-11-21"]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    cal = WorkCalendar(overlays=[load_overlay(path)])
    assert not cal.is_working_day(date(2026, 11, 19)) and cal.is_working_day(date(2026, 11, 21))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("{", "line 1 column 2"),
        ("[]", "must be a JSON object"),
        ('{"year": "2026"}', "year"),
        ('{"year": 2026, "days_off": "2026-01-01"}', "days_off"),
        ('{"year": 2026, "days_off": ["2026-02-30"]}', "days_off[0]"),
        ('{"year": 2026, "days_off": ["2027-01-01"]}', "not in year 2026"),
        ('{"year": 2026, "working_days": [20260110]}', "working_days[0]"),
        ('{"year": 2026, "days_off": ["2026-01-10"], "working_days": ["2026-01-10"]}', "also listed"),
        ('{"year": 2026, "holidays": []}', "unknown key"),
    ],
)
def test_malformed_overlay_is_a_calendar_error(text: str, where: str) -> None:
    with pytest.raises(CalendarError) as err:
        parse_overlay(text, "x.json")
    assert where in err.value.log_message and "không hợp lệ" in err.value.user_message


def test_bad_received_time_is_a_calendar_error() -> None:
    with pytest.raises(CalendarError):
        parse_received("18/11/2026 9:00")


def test_received_local_time_is_kept_for_the_slip() -> None:
    a = WorkCalendar().appointment(datetime.fromisoformat("2026-11-18T02:05:00+00:00"), "working_days", 3)
    assert a.received_local.isoformat() == "2026-11-18T09:05:00+07:00" and a.due_time_text == "16:00"


def test_from_settings_reads_saturday_reception_and_times() -> None:
    from app.config import Settings

    settings = Settings(saturday_reception=True, extra={"cutoff": "16:00", "due_time": "08:00"})
    cal = WorkCalendar.from_settings(settings)
    a = cal.appointment(parse_received("2026-11-18T15:30:00+07:00"), "working_days", 1)
    assert a.counted_from == date(2026, 11, 18) and a.due_time_text == "08:00"
    assert cal.is_reception_day(date(2026, 11, 21))
    with pytest.raises(CalendarError):
        WorkCalendar.from_settings(Settings(extra={"cutoff": "3pm"}))


def test_overlay_in_the_data_folder_replaces_the_shipped_year(tmp_path: Path) -> None:
    from app.calendar import installed_overlays

    (tmp_path / "calendar").mkdir()
    doc = {"year": 2026, "source": "update", "days_off": ["2026-11-19"], "working_days": []}
    (tmp_path / "calendar" / "2026.json").write_text(json.dumps(doc), encoding="utf-8")
    cal = WorkCalendar(installed_overlays(tmp_path))
    assert not cal.is_working_day(date(2026, 11, 19))
    # the whole shipped 2026 arrangement is replaced: 2/1 off and make-up 10/1 came only from it
    assert cal.is_working_day(date(2026, 1, 2)) and not cal.is_working_day(date(2026, 1, 10))


def test_a_due_date_in_a_year_with_no_published_calendar_is_warned_and_logged(caplog):
    from app.calendar import TZ
    from app.calendar import WorkCalendar as Cal

    cal = Cal()  # the shipped overlays: 2026 published, 2027 only an estimate
    received = datetime(2027, 12, 28, 9, 0, tzinfo=TZ)
    with caplog.at_level("WARNING", logger="app.calendar"):
        appt = cal.appointment(received, "working_days", 7)
    assert appt.due_date.year == 2028
    assert appt.warning == "lịch năm 2027, 2028 chưa được Trung tâm công bố"
    assert "without a published calendar" in caplog.text
    assert cal.appointment(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), "working_days", 3).warning == ""
