"""Report periods: a day, a month or a quarter, as inclusive ISO dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.errors import ValidationError
from app.domain.vocabulary import vn_date


@dataclass(frozen=True)
class Period:
    kind: str  # day | month | quarter
    start: date
    end: date  # inclusive

    @property
    def label_vi(self) -> str:
        if self.kind == "day":
            return f"Ngày {vn_date(self.start)}"
        if self.kind == "month":
            return f"Tháng {self.start:%m/%Y}"
        return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def _bad(text: str, what: str) -> ValidationError:
    return ValidationError(f"bad {what} {text!r}", f"Kỳ báo cáo không hợp lệ: “{text}”.")


def day(text: str) -> Period:
    try:
        d = date.fromisoformat(text)
    except ValueError as exc:
        raise _bad(text, "day") from exc
    return Period("day", d, d)


def month(text: str) -> Period:
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise _bad(text, "month")
    start = date(int(m.group(1)), int(m.group(2)), 1)
    nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return Period("month", start, nxt - timedelta(days=1))


def quarter(text: str) -> Period:
    m = re.fullmatch(r"(\d{4})-Q([1-4])", text.upper())
    if not m:
        raise _bad(text, "quarter")
    q = int(m.group(2))
    start = date(int(m.group(1)), 3 * q - 2, 1)
    end = month(f"{start.year}-{3 * q:02d}").end
    return Period("quarter", start, end)
