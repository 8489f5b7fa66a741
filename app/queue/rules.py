"""The point's queue rules as pure code: ticket numbers by field, priority tickets one in N, iHanoi bookings.

Bookings (Hà Nội, iHanoi): for today or the next 6 days; at most 2 numbers a day and 1 per field for one
citizen; valid 8:00–16:00 on the booked day; checked in at reception by the booking code. A checked-in
booking queues by its check-in time, like a walk-in ticket: first come, first served across both channels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.domain.errors import StateError, ValidationError
from app.domain.vocabulary import vn_date

BOOK_AHEAD_DAYS = 6
MAX_PER_DAY = 2
MAX_PER_FIELD_PER_DAY = 1
OPENS, CLOSES = time(8, 0), time(16, 0)
PRIORITY_EVERY = 3  # one priority ticket in every 3 calls when one is waiting
_CODE = re.compile(r"^[A-Z0-9]{4,20}$")
_CITIZEN = re.compile(r"^[0-9a-f]{64}$")  # SHA-256 of the citizen's VNeID identity: no ID number stored


@dataclass(frozen=True)
class Field:
    """A counter's field (lĩnh vực) and the letter its ticket numbers start with."""

    code: str
    name: str
    prefix: str


DEFAULT_FIELDS = (
    Field("ho_tich", "Hộ tịch", "A"),
    Field("chung_thuc", "Chứng thực", "B"),
    Field("cu_tru", "Cư trú", "C"),
    Field("kinh_doanh", "Kinh doanh", "D"),
    Field("khac", "Lĩnh vực khác", "E"),
)


def ticket_number(field: Field, seq: int) -> str:
    """'A007': the field's letter and the day's sequence of that field."""
    if not 1 <= seq <= 999:
        raise StateError(
            f"field {field.code} used all 999 numbers today", "Lĩnh vực này đã hết số thứ tự trong ngày."
        )
    return f"{field.prefix}{seq:03d}"


@dataclass(frozen=True)
class Booking:
    code: str
    citizen: str
    field: str
    day: date


def booking_problems(new: Booking, today: date, existing: Sequence[Booking], fields: set[str]) -> list[str]:
    """Why a booking may not be taken (in Vietnamese); empty when it may."""
    out = []
    if not _CODE.match(new.code):
        out.append("Mã đặt lịch không hợp lệ.")
    if not _CITIZEN.match(new.citizen):
        out.append("Định danh công dân của lịch hẹn không hợp lệ.")
    if new.field not in fields:
        out.append("Lĩnh vực đặt lịch không có tại Điểm.")
    if not today <= new.day <= today + timedelta(days=BOOK_AHEAD_DAYS):
        out.append(f"Chỉ đặt lịch cho hôm nay hoặc {BOOK_AHEAD_DAYS} ngày tiếp theo.")
    same_day = [b for b in existing if b.citizen == new.citizen and b.day == new.day and b.code != new.code]
    if len(same_day) >= MAX_PER_DAY:
        out.append(f"Mỗi công dân đặt tối đa {MAX_PER_DAY} số trong một ngày.")
    if sum(1 for b in same_day if b.field == new.field) >= MAX_PER_FIELD_PER_DAY:
        out.append("Mỗi công dân đặt tối đa 1 số cho một lĩnh vực trong một ngày.")
    return out


def check_in_problem(booking: Booking, now: datetime, already: bool) -> str | None:
    """Why a booking cannot be checked in now (None when it can)."""
    if already:
        return "Mã đặt lịch này đã được lấy số."
    if now.date() != booking.day:
        return f"Lịch hẹn dành cho ngày {vn_date(booking.day)}, không phải hôm nay."
    if not OPENS <= now.time() <= CLOSES:
        return "Số đặt trước chỉ có hiệu lực từ 8:00 đến 16:00."
    return None


@dataclass(frozen=True)
class Waiting:
    """A ticket waiting to be called, as the chooser sees it."""

    id: int
    field: str
    priority: bool
    queued_at: str  # ISO time it joined the queue (issue or check-in): first come, first served


def choose_next(waiting: Sequence[Waiting], fields: set[str], normal_since_priority: int,
                every: int = PRIORITY_EVERY) -> Waiting | None:  # fmt: skip
    """The ticket a desk serving `fields` calls next: the longest-waiting, except that a waiting priority
    ticket goes first once `every - 1` ordinary tickets were called since the last priority one (and
    whenever no ordinary ticket waits)."""
    mine = sorted((w for w in waiting if w.field in fields), key=lambda w: (w.queued_at, w.id))
    normal = [w for w in mine if not w.priority]
    urgent = [w for w in mine if w.priority]
    if urgent and (not normal or normal_since_priority >= every - 1):
        return urgent[0]
    return normal[0] if normal else None


def check_every(every: int) -> int:
    if not 2 <= every <= 20:
        raise ValidationError(
            f"priority_every {every} out of 2..20", "Tỷ lệ số ưu tiên phải từ 1/2 đến 1/20."
        )
    return every
