"""Dates for Qt's date widgets, in Hanoi wall time whatever zone the desk's system clock is set to."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate

from app.domain.vocabulary import vn_today


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def qdate_today() -> QDate:
    """Today in Hanoi (`QDate.currentDate()` is the system zone's date: yesterday's, before 07:00
    Hanoi time, on a desk whose clock is set to UTC)."""
    return qdate(vn_today())
