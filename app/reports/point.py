"""The point's numbers for a period, as tables (totals first), from the desk store's projection.

Indicators (QĐ 766/QĐ-TTg, those a point moves): dossiers received by channel, field and procedure; results
returned on time and late (and open dossiers past their date); supplement requests and refusals; waiting
and service time against the 15-minute target (queue tickets); citizens' satisfaction by level and the
QĐ 766 satisfaction index; digitization of the components handed in; fees collected by method.

"Received" means received in the period; "returned" means handed back in the period, whenever received.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.state import OPEN
from app.domain.vocabulary import (
    CHANNEL_VI,
    COMPLAINT_CHANNEL_VI,
    PAYMENT_METHOD_VI,
    RATING_LABELS_VI,
    RATINGS,
    vn_date,
    vn_decimal,
    vn_int,
)
from app.reports.period import Period
from app.services.complaints import Complaint, received_between
from app.storage.db import Database

WAIT_TARGET_MIN = 15
_OPEN = "(" + ", ".join(f"'{s.value}'" for s in sorted(OPEN)) + ")"
Cell = str | int | float | None


def cell_text(value: Cell) -> str:
    """A report cell as printed and shown: "—" for none, Vietnamese number formats."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return vn_decimal(value)
    if isinstance(value, int):
        return vn_int(value)
    return str(value)


@dataclass(frozen=True)
class Table:
    """One sheet: a title, its header, the totals row (shown first) and the breakdown."""

    key: str  # the sheet name (at most 31 characters)
    title: str
    header: tuple[str, ...]
    total: tuple[Cell, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class TicketTimes:
    """One served queue ticket: minutes waited (issued -> called) and served (called -> done)."""

    field: str
    wait_min: float
    service_min: float | None


@dataclass(frozen=True)
class PointReport:
    period: Period
    point_name: str
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def summary(self) -> dict[str, Cell]:
        return {str(r[0]): r[1] for r in self.table("Tổng hợp").rows}


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)], 1)


def _received(db: Database, p: Period) -> list[dict[str, Any]]:
    rows = db.conn.execute(
        "SELECT d.status, d.procedure_code, d.procedure_name, d.rating, f.field, f.provided, f.digitized,"
        " f.supplements, f.return_kind, f.channel FROM dossiers d JOIN dossier_facts f ON f.rid = d.rid"
        " WHERE d.received_date BETWEEN ? AND ?",
        (p.start.isoformat(), p.end.isoformat()),
    ).fetchall()
    keys = (
        "status",
        "code",
        "name",
        "rating",
        "field",
        "provided",
        "digitized",
        "supplements",
        "return",
        "channel",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _returned(db: Database, p: Period) -> list[tuple[str, str, str, bool, str | None]]:
    """(procedure code, name, field, on time, rating) of the results handed back in the period."""
    rows = db.conn.execute(
        "SELECT d.procedure_code, d.procedure_name, f.field, substr(d.returned_at, 1, 10) <= d.due_date, d.rating"
        " FROM dossiers d INDEXED BY dossiers_returned_day JOIN dossier_facts f ON f.rid = d.rid"
        " WHERE d.status = 'returned' AND substr(d.returned_at, 1, 10) BETWEEN ? AND ?",
        (p.start.isoformat(), p.end.isoformat()),
    ).fetchall()
    return [(str(c), str(n), str(f or ""), bool(ok), r) for c, n, f, ok, r in rows]


def _overdue_open(db: Database, p: Period) -> int:
    # (status, due_date) index only: a due date is never before its dossier was received
    return int(db.conn.execute(
        f"SELECT count(*) FROM dossiers WHERE status IN {_OPEN} AND due_date <= ?", (p.end.isoformat(),)
    ).fetchone()[0])  # fmt: skip


def _fees(db: Database, p: Period) -> list[tuple[str, int, int]]:
    rows = db.conn.execute(
        "SELECT method, count(*), sum(amount) FROM receipts WHERE status = 'issued'"
        " AND issued_day BETWEEN ? AND ? GROUP BY method ORDER BY method",
        (p.start.isoformat(), p.end.isoformat()),
    ).fetchall()
    return [(str(m), int(n), int(a or 0)) for m, n, a in rows]


def compute(
    db: Database, p: Period, point_name: str = "", tickets: Iterable[TicketTimes] = ()
) -> PointReport:
    """Every table of the point's report for period `p`."""
    received, returned = _received(db, p), _returned(db, p)
    ticket_list = list(tickets)
    tables = [
        _by_channel(received),
        _by_field(received, returned),
        _by_procedure(received, returned),
        _on_time(returned, _overdue_open(db, p)),
        _supplements(received),
        _waits(ticket_list),
        _satisfaction(returned),
        _digitization(received),
        _fee_table(_fees(db, p)),
        _complaints(received_between(db, p.start, p.end)),
    ]
    return PointReport(p, point_name, [_summary(tables, p), *tables])


def _by_channel(received: list[dict[str, Any]]) -> Table:
    counts = Counter(str(r["channel"] or "truc_tiep") for r in received)
    post = sum(1 for r in received if r["return"] == "post")
    rows: list[tuple[Cell, ...]] = [(CHANNEL_VI[c], counts.get(c, 0)) for c in CHANNEL_VI]
    rows.append(("Trong đó: nhận kết quả qua bưu chính", post))
    return Table(
        "Theo kênh", "Hồ sơ tiếp nhận theo kênh", ("Kênh", "Số hồ sơ"), ("Tổng cộng", len(received)), rows
    )


def _by_field(
    received: list[dict[str, Any]], returned: list[tuple[str, str, str, bool, str | None]]
) -> Table:
    got = Counter(str(r["field"] or "") for r in received)
    back: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _c, _n, f, ok, _r in returned:
        back[f][0 if ok else 1] += 1
    rows: list[tuple[Cell, ...]] = [(f or "(chưa rõ)", got.get(f, 0), back[f][0], back[f][1])
                                    for f in sorted(set(got) | set(back))]  # fmt: skip
    total = ("Tổng cộng", len(received), sum(b[0] for b in back.values()), sum(b[1] for b in back.values()))
    return Table("Theo lĩnh vực", "Theo lĩnh vực", ("Lĩnh vực", "Tiếp nhận", "Trả đúng hạn", "Trả trễ hạn"),
                 total, rows)  # fmt: skip


def _by_procedure(
    received: list[dict[str, Any]], returned: list[tuple[str, str, str, bool, str | None]]
) -> Table:
    names: dict[str, str] = {}
    got: Counter[str] = Counter()
    for r in received:
        got[str(r["code"])] += 1
        names[str(r["code"])] = str(r["name"] or "")
    back: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, name, _f, ok, _r in returned:
        back[code][0 if ok else 1] += 1
        names.setdefault(code, name)
    rows: list[tuple[Cell, ...]] = [(c, names[c], got.get(c, 0), back[c][0], back[c][1])
                                    for c in sorted(set(got) | set(back))]  # fmt: skip
    total = (
        "Tổng cộng",
        "",
        len(received),
        sum(b[0] for b in back.values()),
        sum(b[1] for b in back.values()),
    )
    return Table("Theo thủ tục", "Theo thủ tục hành chính",
                 ("Mã thủ tục", "Tên thủ tục", "Tiếp nhận", "Trả đúng hạn", "Trả trễ hạn"), total, rows)  # fmt: skip


def _on_time(returned: list[tuple[str, str, str, bool, str | None]], overdue_open: int) -> Table:
    on_time = sum(1 for r in returned if r[3])
    late = len(returned) - on_time
    rows: list[tuple[Cell, ...]] = [
        ("Trả đúng hạn", on_time, pct(on_time, len(returned))),
        ("Trả trễ hạn", late, pct(late, len(returned))),
        ("Đang giải quyết đã quá hạn (đến cuối kỳ)", overdue_open, None),
    ]
    return Table("Đúng hạn", "Kết quả trả đúng hạn, trễ hạn", ("Chỉ tiêu", "Số hồ sơ", "Tỷ lệ (%)"),
                 ("Đã trả kết quả trong kỳ", len(returned), 100.0 if returned else None), rows)  # fmt: skip


def _supplements(received: list[dict[str, Any]]) -> Table:
    supp = sum(1 for r in received if (r["supplements"] or 0) > 0)
    refused = sum(1 for r in received if r["status"] == "refused")
    rows: list[tuple[Cell, ...]] = [
        ("Yêu cầu bổ sung, hoàn thiện (mẫu 02)", supp, pct(supp, len(received))),
        ("Từ chối tiếp nhận (mẫu 03)", refused, pct(refused, len(received))),
    ]
    return Table("Bổ sung - từ chối", "Yêu cầu bổ sung và từ chối tiếp nhận", ("Chỉ tiêu", "Số hồ sơ", "Tỷ lệ (%)"),
                 ("Hồ sơ tiếp nhận", len(received), None), rows)  # fmt: skip


def _wait_row(label: str, ts: list[TicketTimes]) -> tuple[Cell, ...]:
    waits = [t.wait_min for t in ts]
    services = [t.service_min for t in ts if t.service_min is not None]
    within = sum(1 for w in waits if w <= WAIT_TARGET_MIN)
    avg_w = round(sum(waits) / len(waits), 1) if waits else None
    avg_s = round(sum(services) / len(services), 1) if services else None
    return (
        label,
        len(ts),
        avg_w,
        percentile(waits, 90),
        pct(within, len(waits)),
        avg_s,
        percentile(services, 90),
    )


def _waits(tickets: list[TicketTimes]) -> Table:
    by_field: dict[str, list[TicketTimes]] = defaultdict(list)
    for t in tickets:
        by_field[t.field].append(t)
    rows = [_wait_row(f, ts) for f, ts in sorted(by_field.items())]
    header = ("Lĩnh vực", "Lượt phục vụ", "Chờ TB (phút)", "Chờ p90 (phút)", f"Chờ không quá {WAIT_TARGET_MIN} phút (%)",
              "Phục vụ TB (phút)", "Phục vụ p90 (phút)")  # fmt: skip
    return Table("Thời gian chờ", f"Thời gian chờ và phục vụ (mục tiêu không quá {WAIT_TARGET_MIN} phút)", header,
                 _wait_row("Tổng cộng", tickets), rows)  # fmt: skip


def _satisfaction(returned: list[tuple[str, str, str, bool, str | None]]) -> Table:
    ratings = Counter(r[4] for r in returned if r[4])
    rated = sum(ratings.values())
    rows: list[tuple[Cell, ...]] = [(RATING_LABELS_VI[k], ratings.get(k, 0), pct(ratings.get(k, 0), rated))
                                    for k in RATINGS]  # fmt: skip
    late = sum(1 for r in returned if not r[3])
    handled = len(returned)
    index = pct(max(0, handled - ratings.get("khong_hai_long", 0) - late), handled)
    rows.append(
        ("Chỉ số hài lòng QĐ 766 (đã giải quyết - không hài lòng - trễ hạn) / đã giải quyết", handled, index)
    )
    return Table("Hài lòng", "Mức độ hài lòng của người dân", ("Mức", "Số lượt", "Tỷ lệ (%)"),
                 ("Số lượt đánh giá", rated, None), rows)  # fmt: skip


def _digitization(received: list[dict[str, Any]]) -> Table:
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in received:
        s = stats[str(r["field"] or "")]
        s[0] += int(r["provided"])
        s[1] += int(r["digitized"])
    rows: list[tuple[Cell, ...]] = [
        (f or "(chưa rõ)", s[0], s[1], pct(s[1], s[0])) for f, s in sorted(stats.items())
    ]
    given, digitized = sum(s[0] for s in stats.values()), sum(s[1] for s in stats.values())
    return Table("Số hóa", "Số hóa thành phần hồ sơ", ("Lĩnh vực", "Thành phần đã nộp", "Đã số hóa", "Tỷ lệ (%)"),
                 ("Tổng cộng", given, digitized, pct(digitized, given)), rows)  # fmt: skip


def _fee_table(fees: list[tuple[str, int, int]]) -> Table:
    rows: list[tuple[Cell, ...]] = [(PAYMENT_METHOD_VI.get(m, m), n, a) for m, n, a in fees]
    total = ("Tổng cộng", sum(f[1] for f in fees), sum(f[2] for f in fees))
    return Table("Phí theo hình thức", "Phí, lệ phí đã thu theo hình thức", ("Hình thức", "Số biên lai", "Số tiền (đồng)"),
                 total, rows)  # fmt: skip


def _complaints(complaints: list[Complaint]) -> Table:
    """Phản ánh, kiến nghị received in the period, by how they came, and how many were answered."""
    got = Counter(c.channel for c in complaints)
    answered = Counter(c.channel for c in complaints if c.answered_on)
    rows: list[tuple[Cell, ...]] = [(label, got.get(k, 0), answered.get(k, 0), got.get(k, 0) - answered.get(k, 0))
                                    for k, label in COMPLAINT_CHANNEL_VI.items()]  # fmt: skip
    done = sum(answered.values())
    return Table("Phản ánh", "Phản ánh, kiến nghị", ("Hình thức tiếp nhận", "Tiếp nhận", "Đã trả lời", "Chưa trả lời"),
                 ("Tổng cộng", len(complaints), done, len(complaints) - done), rows)  # fmt: skip


def _summary(tables: list[Table], p: Period) -> Table:
    t = {x.key: x for x in tables}
    on_time = dict((str(r[0]), r) for r in t["Đúng hạn"].rows)
    wait = t["Thời gian chờ"].total
    rows: list[tuple[Cell, ...]] = [
        ("Hồ sơ tiếp nhận", t["Theo kênh"].total[1]),
        ("Đã trả kết quả", t["Đúng hạn"].total[1]),
        ("Trả đúng hạn", on_time["Trả đúng hạn"][1]),
        ("Trả trễ hạn", on_time["Trả trễ hạn"][1]),
        ("Tỷ lệ trả đúng hạn (%)", on_time["Trả đúng hạn"][2]),
        ("Đang giải quyết đã quá hạn", on_time["Đang giải quyết đã quá hạn (đến cuối kỳ)"][1]),
        ("Yêu cầu bổ sung", t["Bổ sung - từ chối"].rows[0][1]),
        ("Từ chối tiếp nhận", t["Bổ sung - từ chối"].rows[1][1]),
        ("Thời gian chờ trung bình (phút)", wait[2]),
        ("Thời gian chờ p90 (phút)", wait[3]),
        (f"Tỷ lệ chờ không quá {WAIT_TARGET_MIN} phút (%)", wait[4]),
        ("Thời gian phục vụ trung bình (phút)", wait[5]),
        ("Chỉ số hài lòng QĐ 766 (%)", t["Hài lòng"].rows[-1][2]),
        ("Tỷ lệ số hóa thành phần (%)", t["Số hóa"].total[3]),
        ("Phí, lệ phí đã thu (đồng)", t["Phí theo hình thức"].total[2]),
        ("Phản ánh, kiến nghị tiếp nhận", t["Phản ánh"].total[1]),
        ("Phản ánh, kiến nghị đã trả lời", t["Phản ánh"].total[2]),
    ]
    period = f"{p.label_vi} ({vn_date(p.start)} - {vn_date(p.end)})"
    return Table("Tổng hợp", "Các chỉ số chính", ("Chỉ tiêu", "Giá trị"), ("Kỳ báo cáo", period), rows)
