"""Periods the portal states in calendar days or hours become appointments (app.calendar)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from app.calendar import TZ, WorkCalendar
from app.domain.errors import CalendarError


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_calendar_days_end_on_a_working_day(cal: WorkCalendar):
    # Friday 20/11/2026 09:00; 10 calendar days → Monday 30/11 (a working day)
    appt = cal.appointment(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), "calendar_days", 10)
    assert appt.due_date == date(2026, 11, 30) and "10 ngày" in appt.explanation
    # 8 days → Saturday 28/11, moved to Monday 30/11
    assert cal.appointment(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), "calendar_days", 8).due_date == date(
        2026, 11, 30
    )


def test_hours_count_in_opening_hours(cal: WorkCalendar):
    assert (a := cal.appointment(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), "hours", 1)).due_time == time(10, 0)
    assert a.due_date == date(2026, 11, 20)
    # 14:00 + 8 h: 2.5 h on Friday (to 16:30), 5.5 h from Monday 08:00 → Monday 13:30
    late = cal.appointment(datetime(2026, 11, 20, 14, 0, tzinfo=TZ), "hours", 8)
    assert (late.due_date, late.due_time) == (date(2026, 11, 23), time(13, 30))
    with pytest.raises(CalendarError):
        cal.appointment(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), "hours", None)
