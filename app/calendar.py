"""Working days and appointment dates, in Asia/Ho_Chi_Minh.

A working day is Monday to Friday, minus Vietnam's public holidays (python-holidays), minus the
`days_off` of the centre's yearly overlay file, plus its `working_days` (make-up Saturdays).

Rules (Nghị định 118/2025, DOMAIN.md):
- received after the cut-off (15:00, compared by minute: 15:00:59 is still 15:00), or on a day that is
  not a working day → counted as received on the next working day (`counted_from`);
- N working days → the N-th working day after `counted_from`; "same day" and "immediate" → that day.

Saturday reception (Settings.saturday_reception) is a reception setting, not a working day: periods
count in ngày làm việc and a regular Saturday is not one. A working-days dossier received on a
reception Saturday counts from the next working day. A same-day / immediate dossier received on a
reception Saturday before the cut-off is due that Saturday (the point is open and does it there).

Appointment hour (`DueTimes`, all configurable): same day → 16:30; immediate → the receipt time plus
30 minutes (08:30 when counted from a later day), never after 16:30; N working days → 16:00 of the
due day, so the result is ready within the last day of the legal period.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import holidays

from app.domain.errors import CalendarError
from app.domain.vocabulary import VN_TZ, vn_date

logger = logging.getLogger(__name__)

TZ = VN_TZ  # Hanoi wall time (app.domain.vocabulary)
CALENDAR_DIR = Path(__file__).resolve().parent.parent / "resources" / "calendar"
ProcessingKind = Literal["working_days", "calendar_days", "hours", "same_day", "immediate"]


@dataclass(frozen=True)
class Overlay:
    """One year's arrangement published by the centre."""

    year: int
    source: str
    days_off: frozenset[date]
    working_days: frozenset[date]


@dataclass(frozen=True)
class DueTimes:
    cutoff: time = time(15, 0)
    same_day: time = time(16, 30)
    working_days: time = time(16, 0)
    opening: time = time(8, 0)
    immediate_minutes: int = 30


@dataclass(frozen=True)
class Appointment:
    received_local: datetime  # the receipt time in Asia/Ho_Chi_Minh
    counted_from: date
    due_date: date
    due_time: time
    explanation: str  # Vietnamese, for the clerk
    warning: str = ""  # set when a year counted has no calendar published by the centre

    @property
    def due_time_text(self) -> str:
        return self.due_time.strftime("%H:%M")


def _bad(origin: str, where: str, what: str) -> CalendarError:
    logger.warning("calendar overlay %s rejected: %s: %s", origin, where, what)
    return CalendarError(
        f"calendar overlay {origin}: {where}: {what}",
        f"Tệp lịch ngày làm việc không hợp lệ ({where}). Lịch hiện hành được giữ nguyên.",
    )


def _dates(raw: dict[str, Any], key: str, year: int, origin: str) -> frozenset[date]:
    items = raw.get(key, [])
    if not isinstance(items, list):
        raise _bad(origin, key, "must be a list of YYYY-MM-DD strings")
    out = set()
    for i, item in enumerate(items):
        try:
            day = date.fromisoformat(item) if isinstance(item, str) and len(item) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise _bad(origin, f"{key}[{i}]", f"{item!r} is not a YYYY-MM-DD date")
        if day.year != year:
            raise _bad(origin, f"{key}[{i}]", f"{item} is not in year {year}")
        out.add(day)
    return frozenset(out)


def parse_overlay(text: str, origin: str = "<text>") -> Overlay:
    """Validate an overlay document; raises CalendarError naming the bad field."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(origin, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}") from exc
    if not isinstance(raw, dict):
        raise _bad(origin, "(file)", "must be a JSON object")
    unknown = set(raw) - {"year", "source", "days_off", "working_days", "note"}
    if unknown:
        raise _bad(origin, sorted(unknown)[0], "unknown key")
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise _bad(origin, "year", f"{year!r} is not a year between 2000 and 2100")
    source = raw.get("source", "")
    if not isinstance(source, str):
        raise _bad(origin, "source", "must be a string")
    off, work = _dates(raw, "days_off", year, origin), _dates(raw, "working_days", year, origin)
    if off & work:
        raise _bad(origin, "working_days", f"{min(off & work)} is also listed in days_off")
    return Overlay(year, source, off, work)


def load_overlay(path: Path) -> Overlay:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(str(path), "(file)", f"cannot read: {exc}") from exc
    return parse_overlay(text, str(path))


def _year_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9][0-9][0-9].json")) if folder.is_dir() else []


@lru_cache(maxsize=1)
def shipped_overlays() -> tuple[Overlay, ...]:
    """The overlays shipped in resources/calendar (the centre's published arrangements)."""
    return tuple(load_overlay(p) for p in _year_files(CALENDAR_DIR))


def installed_overlays(home: Path) -> tuple[Overlay, ...]:
    """Shipped overlays, then `$MOTCUA_HOME/calendar/YYYY.json` (the centre's updates; same year wins)."""
    return shipped_overlays() + tuple(load_overlay(p) for p in _year_files(home / "calendar"))


@dataclass
class WorkCalendar:
    """Vietnam's working days with the centre's overlays; `saturday_reception` is the point's setting."""

    overlays: Iterable[Overlay] = field(default_factory=shipped_overlays)
    saturday_reception: bool = False
    times: DueTimes = field(default_factory=DueTimes)

    def __post_init__(self) -> None:
        self.overlays = tuple(self.overlays)
        self._off: set[date] = set()
        self._work: set[date] = set()
        for ov in self.overlays:  # a later overlay of the same year wins
            self._off = {d for d in self._off if d.year != ov.year} | set(ov.days_off)
            self._work = {d for d in self._work if d.year != ov.year} | set(ov.working_days)
        self._holidays = holidays.country_holidays("VN")

    @classmethod
    def from_settings(cls, settings: Any, overlays: Iterable[Overlay] | None = None) -> WorkCalendar:
        """The point's calendar: `saturday_reception`, and optional times in Settings.extra
        (`cutoff`, `same_day_time`, `due_time` as "HH:MM", `immediate_minutes`)."""
        extra = dict(getattr(settings, "extra", {}) or {})
        try:
            times = DueTimes(
                cutoff=time.fromisoformat(str(extra.get("cutoff", "15:00"))),
                same_day=time.fromisoformat(str(extra.get("same_day_time", "16:30"))),
                working_days=time.fromisoformat(str(extra.get("due_time", "16:00"))),
                immediate_minutes=int(extra.get("immediate_minutes", 30)),
            )
        except ValueError as exc:
            raise CalendarError(
                f"calendar times in settings are invalid: {exc}", "Giờ hẹn trả trong cấu hình không hợp lệ."
            ) from exc
        chosen = shipped_overlays() if overlays is None else overlays
        return cls(chosen, saturday_reception=bool(settings.saturday_reception), times=times)

    def published_years(self) -> frozenset[int]:
        """Years the centre published (an estimate marked UNCONFIRMED in its source does not count)."""
        return frozenset(ov.year for ov in self.overlays if "UNCONFIRMED" not in ov.source)

    def calendar_warning(self, first: date, last: date) -> str:
        """'' or the visible warning for the years from `first` to `last` that have no published calendar."""
        missing = [y for y in range(first.year, last.year + 1) if y not in self.published_years()]
        if not missing:
            return ""
        years = ", ".join(str(y) for y in missing)
        logger.warning(
            "due date counted over year(s) %s without a published calendar (python-holidays)", years
        )
        return f"lịch năm {years} chưa được Trung tâm công bố"

    def is_working_day(self, day: date) -> bool:
        if day in self._work:
            return True
        if day in self._off or day.weekday() >= 5:
            return False
        return day not in self._holidays

    def is_reception_day(self, day: date) -> bool:
        """Open for reception: a working day, or a regular Saturday at a point that receives then."""
        if self.is_working_day(day):
            return True
        return (
            self.saturday_reception
            and day.weekday() == 5
            and day not in self._off
            and day not in self._holidays
        )

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for _ in range(400):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise CalendarError(f"no working day within 400 days after {day}")

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n >= 0; 0 gives `day`)."""
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def counted_from(self, received: datetime) -> date:
        """The day a period counts from: after the cut-off or on a non-working day → next working day."""
        local = to_local(received)
        day = local.date()
        late = local.time().replace(second=0, microsecond=0) > self.times.cutoff
        if late or not self.is_working_day(day):
            return self.next_working_day(day)
        return day

    def appointment(self, received: datetime, kind: ProcessingKind, days: int | None = None) -> Appointment:
        """Due date and hour for a dossier received at `received` (any offset)."""
        local = to_local(received)
        start = self.counted_from(local)
        if kind == "working_days":
            if days is None or days < 1:
                raise CalendarError(
                    f"working_days needs days >= 1, got {days!r}", "Số ngày giải quyết không hợp lệ."
                )
            due = self.add_working_days(start, days)
            return Appointment(
                local,
                start,
                due,
                self.times.working_days,
                f"{days} ngày làm việc kể từ {vn_date(start)}",
                self.calendar_warning(start, due),
            )
        if kind in ("calendar_days", "hours"):
            return self._counted_appointment(local, start, kind, days)
        if kind not in ("same_day", "immediate"):
            raise CalendarError(f"unknown processing kind {kind!r}", "Loại thời hạn giải quyết không hợp lệ.")
        if self._saturday_counter(local):
            start = local.date()
        return Appointment(
            local,
            start,
            start,
            self._short_time(local, start, kind),
            _short_why(local, start),
            self.calendar_warning(start, start),
        )

    def _counted_appointment(self, local: datetime, start: date, kind: str, n: int | None) -> Appointment:
        """N calendar days (the last day moved to the next working day if it is not one), or N hours
        counted in opening hours (08:00 to the same-day hour) from the receipt, or from the opening of
        the day the period counts from. `n` is the number of days or hours."""
        if n is None or n < 1:
            raise CalendarError(f"{kind} needs a count >= 1, got {n!r}", "Thời hạn giải quyết không hợp lệ.")
        if kind == "calendar_days":
            due = start + timedelta(days=n)
            if not self.is_working_day(due):
                due = self.next_working_day(due)
            return Appointment(local, start, due, self.times.working_days, f"{n} ngày kể từ {vn_date(start)}")
        day = start
        moment = local if start == local.date() else datetime.combine(start, self.times.opening, TZ)
        left = timedelta(hours=n)
        for _ in range(400):
            close = datetime.combine(day, self.times.same_day, TZ)
            if moment + left <= close:
                moment += left
                break
            left -= max(close - moment, timedelta(0))
            day = self.next_working_day(day)
            moment = datetime.combine(day, self.times.opening, TZ)
        due_time = moment.time().replace(second=0, microsecond=0)
        return Appointment(local, start, moment.date(), due_time, f"{n} giờ làm việc kể từ khi tiếp nhận")

    def _saturday_counter(self, local: datetime) -> bool:
        in_time = local.time().replace(second=0, microsecond=0) <= self.times.cutoff
        return local.weekday() == 5 and self.is_reception_day(local.date()) and in_time

    def _short_time(self, local: datetime, start: date, kind: ProcessingKind) -> time:
        if kind == "same_day":
            return self.times.same_day
        base = local if start == local.date() else datetime.combine(start, self.times.opening, TZ)
        soon = (
            (base + timedelta(minutes=self.times.immediate_minutes)).time().replace(second=0, microsecond=0)
        )
        return min(max(soon, self.times.opening), self.times.same_day)


def _short_why(local: datetime, start: date) -> str:
    if start == local.date():
        return "Trả trong ngày tiếp nhận"
    return f"Nhận sau giờ hoặc ngày nghỉ: tính từ ngày làm việc {vn_date(start)}"


def to_local(moment: datetime) -> datetime:
    """Any aware datetime → Asia/Ho_Chi_Minh; a naive one is taken as already local."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ)


def parse_received(text: str) -> datetime:
    """ISO 8601 (`2026-11-20T14:30:00+07:00`, `...Z`, or naive = local time) → local datetime."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise CalendarError(
            f"received time {text!r} is not ISO 8601",
            "Thời điểm tiếp nhận không đúng định dạng (ví dụ 2026-11-20T14:30:00+07:00).",
        ) from exc
    return to_local(moment)
