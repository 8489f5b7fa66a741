"""End of day per clerk: the biên lai issued and voided, amounts by fee and by method, the cash counted and
the difference with its reason. A submitted report is an event on the desk's ledger stream, so it reaches
the hub; the head of point reads every clerk's report of the desk (`clerk=None`)."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from app.domain.errors import ValidationError
from app.domain.events import EventType
from app.services.context import Desk
from app.services.permissions import authorize, may
from app.services.receipts import ReceiptNo, ledger_id
from app.storage.db import Database, utc_now
from app.storage.events import append_event, refresh_projection

logger = logging.getLogger(__name__)

MAX_CASH = 10_000_000_000


@dataclass(frozen=True)
class ReceiptLine:
    number: str
    dossier_code: str
    method: str
    amount: int
    status: str
    void_reason: str = ""


@dataclass
class ClerkDay:
    """One clerk's day at this desk."""

    clerk_id: str
    clerk_name: str
    username: str
    receipts: list[ReceiptLine] = field(default_factory=list)
    by_fee: dict[str, int] = field(default_factory=dict)  # fee label -> amount (issued only)
    by_method: dict[str, int] = field(default_factory=dict)
    total: int = 0
    expected_cash: int = 0
    counted_cash: int | None = None
    difference: int | None = None
    reason: str = ""

    @property
    def voided(self) -> list[ReceiptLine]:
        return [r for r in self.receipts if r.status == "voided"]

    def totals(self) -> dict[str, Any]:
        return {"total": self.total, "by_fee": self.by_fee, "by_method": self.by_method,
                "issued": len(self.receipts) - len(self.voided), "voided": len(self.voided)}  # fmt: skip


@dataclass
class CashDayReport:
    day: str
    clerks: list[ClerkDay]

    @property
    def total(self) -> int:
        return sum(c.total for c in self.clerks)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clerk_rows(db: Database, day: str, clerk_id: str | None) -> list[tuple[Any, ...]]:
    sql = (
        "SELECT r.clerk, c.full_name, c.username, r.form, r.series, r.number, r.kind, d.code, r.method,"
        " r.amount, r.status, r.void_reason, r.lines FROM receipts r LEFT JOIN clerks c ON c.id = r.clerk"
        " LEFT JOIN dossiers d ON d.id = r.dossier_id WHERE r.issued_day = ?"
    )
    args: list[Any] = [day]
    if clerk_id:
        sql += " AND r.clerk = ?"
        args.append(clerk_id)
    return db.conn.execute(sql + " ORDER BY r.clerk, r.form, r.series, r.number", args).fetchall()


def day_report(db: Database, day: date | str, clerk_id: str | None = None) -> CashDayReport:
    """The day's report of one clerk (or of every clerk of this desk), with any counted cash submitted."""
    day_s = date.fromisoformat(str(day)).isoformat()
    clerks: dict[str, ClerkDay] = {}
    for row in _clerk_rows(db, day_s, clerk_id):
        cid, name, user, form, series, number, kind, code, method, amount, status, reason, lines = row
        cd = clerks.setdefault(cid, ClerkDay(cid, str(name or ""), str(user or "")))
        text = ReceiptNo(form, series, int(number), kind).text
        cd.receipts.append(
            ReceiptLine(text, str(code or ""), str(method or ""), int(amount), status, reason or "")
        )
        if status != "issued":
            continue
        cd.total += int(amount)
        cd.by_method[str(method)] = cd.by_method.get(str(method), 0) + int(amount)
        for line in json.loads(lines):
            cd.by_fee[str(line["label"])] = cd.by_fee.get(str(line["label"]), 0) + int(line["amount"])
    for cd in clerks.values():
        cd.expected_cash = cd.by_method.get("cash", 0)
    _attach_submitted(db, day_s, clerks, clerk_id)
    return CashDayReport(day_s, sorted(clerks.values(), key=lambda c: c.username))


def _attach_submitted(db: Database, day: str, clerks: dict[str, ClerkDay], clerk_id: str | None) -> None:
    rows = db.conn.execute(
        "SELECT r.clerk, c.full_name, c.username, r.counted_cash, r.difference, r.reason FROM cash_reports r"
        " LEFT JOIN clerks c ON c.id = r.clerk WHERE r.day = ?" + (" AND r.clerk = ?" if clerk_id else ""),
        (day, clerk_id) if clerk_id else (day,),
    ).fetchall()
    for cid, name, user, counted, diff, reason in rows:
        cd = clerks.setdefault(cid, ClerkDay(cid, str(name or ""), str(user or "")))
        cd.counted_cash, cd.difference, cd.reason = int(counted), int(diff), str(reason)


def submit(desk: Desk, day: date | str, counted_cash: int, reason: str = "") -> ClerkDay:
    """The clerk's counted cash for the day: the difference is recorded, with its reason when not zero;
    a `cash_reported` event on the desk's ledger carries it to the hub."""
    if (
        isinstance(counted_cash, bool)
        or not isinstance(counted_cash, int)
        or not 0 <= counted_cash <= MAX_CASH
    ):
        raise ValidationError(f"bad counted cash {counted_cash!r}", "Số tiền mặt kiểm đếm không hợp lệ.")
    reason = " ".join(reason.split())
    day_s = date.fromisoformat(str(day)).isoformat()
    with desk.db.transaction() as conn:
        authorize(desk.db, desk.clerk_id, EventType.CASH_REPORTED.value)
        report = day_report(desk.db, day_s, desk.clerk_id)
        mine = report.clerks[0] if report.clerks else _empty(desk)
        diff = counted_cash - mine.expected_cash
        if diff and len(reason) < 5:
            raise ValidationError(
                f"cash difference {diff} without a reason",
                f"Tiền mặt kiểm đếm lệch {diff:+,} đồng so với biên lai: hãy ghi rõ lý do.".replace(",", "."),
            )
        totals = mine.totals()
        payload = {"day": day_s, "clerk": desk.clerk_id, "desk": desk.settings.desk, "expected_cash": mine.expected_cash,
                   "counted_cash": counted_cash, "difference": diff, "reason": reason, "totals": totals}  # fmt: skip
        event = append_event(desk.db, ledger_id(desk), EventType.CASH_REPORTED, payload, desk.clerk_id)
        refresh_projection(desk.db, ledger_id(desk))  # as the other desks project it when pulled
        conn.execute(
            "INSERT INTO cash_reports (day, clerk, expected_cash, counted_cash, difference, reason, totals,"
            " event_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, clerk) DO UPDATE SET"
            " expected_cash = excluded.expected_cash, counted_cash = excluded.counted_cash,"
            " difference = excluded.difference, reason = excluded.reason, totals = excluded.totals,"
            " event_id = excluded.event_id, created_at = excluded.created_at",
            (day_s, desk.clerk_id, mine.expected_cash, counted_cash, diff, reason,
             json.dumps(totals, ensure_ascii=False), event.id, utc_now()),
        )  # fmt: skip
    logger.info("cash report of %s for %s: difference %d (event %s)", desk.clerk_id, day_s, diff, event.id)
    mine.counted_cash, mine.difference, mine.reason = counted_cash, diff, reason
    return mine


@dataclass(frozen=True)
class DeskDay:
    """One clerk's day as the cash view lists it, with the desk it was at (None: not known yet).
    `pulled`: another desk's, known from the events the hub passed on (the `receipts_from_remote_*` and
    `cash_reports_from_remote` triggers fill the tables from them, checking their shape)."""

    desk: int | None
    clerk: ClerkDay
    pulled: bool = False


def cash_view(desk: Desk, day: date | str) -> list[DeskDay]:
    """The day's cash reports a clerk may see: a head of point every clerk's of every desk (this desk's
    and those the sync pulled from the others); any other clerk only their own."""
    day_s = date.fromisoformat(str(day)).isoformat()
    every = may(desk.db, desk.clerk_id, "cash.every_desk")
    clerks = day_report(desk.db, day_s, None if every else desk.clerk_id).clerks
    if not clerks and not every:
        clerks = [_empty(desk)]
    where = _desks_of(desk.db, day_s)
    rows = []
    for c in clerks:
        local, reported = where.get(c.clerk_id, (True, None))
        rows.append(DeskDay(reported if reported is not None else (desk.settings.desk if local else None), c,
                            pulled=not local))  # fmt: skip
    return sorted(rows, key=lambda r: (r.pulled, r.desk or 0, r.clerk.username))


def _desks_of(db: Database, day: str) -> dict[str, tuple[bool, int | None]]:
    """clerk -> (whether any of the day's facts was written here, the desk its cash report names)."""
    out: dict[str, tuple[bool, int | None]] = {}
    for clerk, origin in db.conn.execute(
        "SELECT r.clerk, min(e.origin) FROM receipts r JOIN events e ON e.id = r.event_id"
        " WHERE r.issued_day = ? GROUP BY r.clerk",
        (day,),
    ):
        out[str(clerk)] = (origin == "local", None)
    for clerk, origin, desk_no in db.conn.execute(
        "SELECT r.clerk, e.origin, json_extract(e.payload, '$.desk') FROM cash_reports r"
        " JOIN events e ON e.id = r.event_id WHERE r.day = ?",
        (day,),
    ):
        known = isinstance(desk_no, int) and 0 < desk_no < 1000
        local = out.get(str(clerk), (origin == "local", None))[0] or origin == "local"
        out[str(clerk)] = (local, desk_no if known else None)
    return out


def _empty(desk: Desk) -> ClerkDay:
    row = desk.db.conn.execute(
        "SELECT full_name, username FROM clerks WHERE id = ?", (desk.clerk_id,)
    ).fetchone()
    return ClerkDay(desk.clerk_id, str(row[0]), str(row[1]))


def group_by_method(report: CashDayReport) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for c in report.clerks:
        for method, amount in c.by_method.items():
            out[method] += amount
    return dict(out)
