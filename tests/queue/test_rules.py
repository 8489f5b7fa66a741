"""The queue's rules as pure code: booking limits, the check-in window, priority one in N, FCFS."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from app.calendar import TZ
from app.queue import rules

TODAY = date(2026, 12, 1)
CITIZEN = hashlib.sha256(b"citizen").hexdigest()
FIELDS = {f.code for f in rules.DEFAULT_FIELDS}


def _b(code: str, field: str = "ho_tich", day: date = TODAY) -> rules.Booking:
    return rules.Booking(code, CITIZEN, field, day)


def test_booking_for_today_or_the_next_six_days_only():
    assert rules.booking_problems(_b("IHN1", day=date(2026, 12, 7)), TODAY, [], FIELDS) == []
    assert rules.booking_problems(_b("IHN1", day=date(2026, 12, 8)), TODAY, [], FIELDS)
    assert rules.booking_problems(_b("IHN1", day=date(2026, 11, 30)), TODAY, [], FIELDS)


def test_at_most_two_a_day_and_one_per_field():
    one = [_b("IHN1", "ho_tich")]
    assert rules.booking_problems(_b("IHN2", "cu_tru"), TODAY, one, FIELDS) == []
    assert "1 số cho một lĩnh vực" in rules.booking_problems(_b("IHN2", "ho_tich"), TODAY, one, FIELDS)[0]
    two = [*one, _b("IHN2", "cu_tru")]
    assert "tối đa 2 số" in rules.booking_problems(_b("IHN3", "chung_thuc"), TODAY, two, FIELDS)[0]
    assert rules.booking_problems(_b("IHN3", "chung_thuc", date(2026, 12, 2)), TODAY, two, FIELDS) == []


def test_check_in_only_on_the_day_between_8_and_16():
    b = _b("IHN1")
    assert rules.check_in_problem(b, datetime(2026, 12, 1, 8, 0, tzinfo=TZ), False) is None
    assert rules.check_in_problem(b, datetime(2026, 12, 1, 16, 0, tzinfo=TZ), False) is None
    assert "8:00 đến 16:00" in (
        rules.check_in_problem(b, datetime(2026, 12, 1, 16, 1, tzinfo=TZ), False) or ""
    )
    assert rules.check_in_problem(b, datetime(2026, 12, 1, 7, 59, tzinfo=TZ), False)
    assert rules.check_in_problem(b, datetime(2026, 12, 2, 9, 0, tzinfo=TZ), False)
    assert "đã được lấy số" in (rules.check_in_problem(b, datetime(2026, 12, 1, 9, 0, tzinfo=TZ), True) or "")


def test_priority_one_in_n_and_first_come_first_served():
    w = [rules.Waiting(i, "ho_tich", False, f"09:00:{i:02d}") for i in range(1, 6)]
    w.append(rules.Waiting(9, "ho_tich", True, "09:00:30"))
    calls, since = [], 0
    waiting = list(w)
    for _ in range(6):
        pick = rules.choose_next(waiting, {"ho_tich"}, since, every=3)
        assert pick is not None
        calls.append(pick.id)
        since = 0 if pick.priority else since + 1
        waiting.remove(pick)
    assert calls == [1, 2, 9, 3, 4, 5]  # two ordinary, then the priority one, oldest first otherwise
    assert rules.choose_next([], {"ho_tich"}, 0) is None
    assert rules.choose_next(w, {"cu_tru"}, 0) is None  # a desk only calls its own fields
    assert rules.ticket_number(rules.DEFAULT_FIELDS[0], 7) == "A007"
