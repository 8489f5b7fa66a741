"""`cach_thuc_thuc_hien`: the portal's channel table flattened into one string.

    "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việcLệ phí : 8.000 Đồng(…)…"

One row per channel: the channel's name, its time (a number and a unit, or "Không có thông tin"), its fee
("Miễn phí", "20,000 Việt Nam Đồng", "Không có thông tin"…), then a free description. Numbers touch the
words around them; a time without a unit is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.catalog.portal.fees_text import FeeReading, read_fee
from app.catalog.terms import Duration

HEADER = re.compile(r"^\s*Hình thức nộp\s*Thời gian\s*Phí,\s*lệ phí\s*Mô tả\s*")
CHANNEL_NAMES = {"Trực tiếp": "truc_tiep", "Trực tuyến": "truc_tuyen", "Dịch vụ bưu chính": "buu_chinh"}
# a channel's name starts a row only where a time cell follows it (a number or the "no info" text)
_ROW = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính(?: công ích)?)(?=\s*(?:\d|Không có thông tin))")
_NO_INFO = re.compile(r"^\s*Không có thông tin")
_UNITS = (
    ("ngày làm việc", "working_days"),
    ("giờ làm việc", "hours"),
    ("ngày", "calendar_days"),
    ("giờ", "hours"),
    ("tháng", "months"),
)
_TIME = re.compile(r"^\s*(\d{1,4})(?:[.,](\d+))?\s*(Ngày làm việc|Giờ làm việc|Ngày|Giờ|Tháng)?", re.I)


@dataclass
class TimeReading:
    duration: Duration | None = None
    stated: bool = False  # the row states some time (even one that could not be read)
    problem: str = ""
    bare: int | None = None  # a number with no unit
    evidence: str = ""  # where the unit of a bare number was read, if it was


@dataclass
class ChannelRow:
    channel: str
    time: TimeReading
    fee: FeeReading
    note: str = ""


@dataclass
class ChannelTable:
    rows: list[ChannelRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _read_time(body: str) -> tuple[TimeReading, str]:
    """The time cell at the start of a row body, and the rest of the body."""
    if _NO_INFO.match(body):
        return TimeReading(), _NO_INFO.sub("", body, count=1)
    m = _TIME.match(body)
    if m is None:
        return TimeReading(stated=True, problem="không đọc được thời gian"), body
    number, fraction, unit = m.group(1), m.group(2), m.group(3)
    rest = body[m.end() :]
    if unit is None:
        if rest[:1].isdigit() or re.match(r"\s*(VNĐ|Việt Nam Đồng|Đồng|USD)", rest):
            return TimeReading(
                stated=True, problem=f"thời gian dính vào số tiền: '{number}{rest[:14]}'"
            ), rest
        return TimeReading(
            stated=True, problem=f"thời gian '{number}' không ghi đơn vị", bare=int(number)
        ), rest
    if fraction is not None:
        return TimeReading(stated=True, problem=f"thời gian lẻ '{number},{fraction} {unit}'"), rest
    kind = next(k for word, k in _UNITS if unit.lower() == word)
    value = int(number)
    if value == 0:
        return TimeReading(stated=True, problem=f"thời gian 0 {unit.lower()}"), rest
    return TimeReading(Duration(unit=kind, value=value), stated=True), rest  # type: ignore[arg-type]


def _unit_from(time: TimeReading, evidence: str) -> None:
    """A bare number takes its unit from its own row's description when that states the same number
    with a unit ("…trong thời hạn 03 ngày làm việc…"); the words it came from are kept and reported."""
    if time.bare is None or time.bare == 0:
        return
    pattern = rf"(?<![\d.,/])0?{time.bare}\s*(?:\([^)]{{0,20}}\))?\s*(ngày làm việc|giờ làm việc|ngày|giờ)"
    m = re.search(pattern, evidence, re.I)
    if m is None:
        return
    kind = next(k for word, k in _UNITS if m.group(1).lower() == word)
    time.duration = Duration(unit=kind, value=time.bare)  # type: ignore[arg-type]
    time.evidence = evidence[max(0, m.start() - 40) : m.end() + 10].strip()
    time.problem = ""


def parse_channels(text: str) -> ChannelTable:
    """Every channel row of the flattened table; rows that cannot be split are reported."""
    table = ChannelTable()
    body = HEADER.sub("", text, count=1)
    parts = _ROW.split(body)
    if parts[0].strip():
        table.warnings.append(f"cách thức thực hiện: bỏ qua phần đầu không thuộc hàng nào: '{parts[0][:60]}'")
    for i in range(1, len(parts) - 1, 2):
        name = "Dịch vụ bưu chính" if parts[i].startswith("Dịch vụ bưu chính") else parts[i]
        time, rest = _read_time(parts[i + 1])
        fee, note = read_fee(rest)
        _unit_from(time, " ".join((note, fee.description)))
        if time.evidence:
            table.warnings.append(
                f"{CHANNEL_NAMES[name]}: đơn vị thời gian lấy từ mô tả: '…{time.evidence}…'"
            )
        table.rows.append(ChannelRow(CHANNEL_NAMES[name], time, fee, note.strip()))
    return table
