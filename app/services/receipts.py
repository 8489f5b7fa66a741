"""Biên lai numbers: ranges given to each desk, numbers drawn or recorded once, voids that keep the number.

A range (mẫu số, ký hiệu, first..last) belongs to one desk, so desks working offline never draw the same
number. Ranges of one mẫu số + ký hiệu may not overlap on this store; the head gives each desk its own.
Every number issued or voided has a `receipts` row (schema 9) written in the transaction of its event:
the primary key (form, series, number) makes a second use impossible, and a voided row stays voided.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from app.domain.errors import NotFoundError, StateError, ValidationError
from app.domain.events import EventType
from app.domain.ids import new_id
from app.services.context import Desk
from app.services.permissions import authorize
from app.storage.audit import append_audit
from app.storage.db import Database, utc_now
from app.storage.events import append_event, refresh_projection

logger = logging.getLogger(__name__)

KINDS = ("printed", "preprinted", "electronic")
KIND_VI = {"printed": "In từ phần mềm", "preprinted": "Biên lai đặt in", "electronic": "Biên lai điện tử"}
_FORM = re.compile(r"^[0-9A-Za-z\-]{1,20}$")  # e.g. 01BLP0-001
_SERIES = re.compile(r"^[0-9A-Za-z/\-]{1,20}$")  # e.g. AA/26P
MAX_NUMBER = 9_999_999  # seven digits on the form
_LEDGER_NS = uuid.UUID("6b1e2c44-7d3a-4f0e-9a51-3c2d8e0f5a17")


@dataclass(frozen=True)
class ReceiptNo:
    """One biên lai number: mẫu số, ký hiệu, số (printed with seven digits)."""

    form: str
    series: str
    number: int
    kind: str = "printed"

    @property
    def text(self) -> str:
        return f"{self.form} {self.series} {self.number:07d}"

    def to_dict(self) -> dict[str, Any]:
        return {"form": self.form, "series": self.series, "number": self.number, "kind": self.kind}


@dataclass(frozen=True)
class ReceiptRange:
    id: str
    form: str
    series: str
    first_no: int
    last_no: int
    desk: int
    kind: str
    next_no: int

    @property
    def left(self) -> int:
        return self.last_no - self.next_no + 1


def ledger_id(desk: Desk) -> str:
    """The event stream of this device's cash-desk facts that belong to no dossier (a spoiled blank form,
    the end-of-day reports): a stable UUID derived from the device id."""
    return str(uuid.uuid5(_LEDGER_NS, f"cashdesk:{desk.db.device_id}"))


def _check_ids(form: str, series: str) -> None:
    if not _FORM.match(form) or not _SERIES.match(series):
        raise ValidationError(
            f"bad receipt form/series {form!r}/{series!r}",
            "Mẫu số và ký hiệu biên lai chỉ gồm chữ, số, “-” và “/” (tối đa 20 ký tự).",
        )


def add_range(
    desk: Desk, form: str, series: str, first_no: int, last_no: int, desk_no: int, kind: str = "printed"
) -> ReceiptRange:
    """Give desk `desk_no` the numbers first..last of (form, series); refused if it overlaps another range."""
    _check_ids(form, series)
    if kind not in KINDS:
        raise ValidationError(f"bad receipt kind {kind!r}", "Loại biên lai không hợp lệ.")
    if not 1 <= first_no <= last_no <= MAX_NUMBER or not 1 <= desk_no <= 99:
        raise ValidationError(
            f"bad receipt range {first_no}..{last_no} desk {desk_no}",
            "Dải số biên lai phải từ 1 đến 9.999.999, số đầu không lớn hơn số cuối; số bàn từ 1 đến 99.",
        )
    with desk.db.transaction() as conn:
        authorize(desk.db, desk.clerk_id, "receipt.ranges")
        clash = conn.execute(
            "SELECT desk, first_no, last_no FROM receipt_ranges WHERE form = ? AND series = ?"
            " AND first_no <= ? AND last_no >= ?",
            (form, series, last_no, first_no),
        ).fetchone()
        if clash:
            raise ValidationError(
                f"receipt range {first_no}..{last_no} overlaps desk {clash[0]} {clash[1]}..{clash[2]}",
                f"Dải số trùng với dải {clash[1]}–{clash[2]} đã cấp cho bàn {clash[0]}.",
            )
        rng = ReceiptRange(new_id(), form, series, first_no, last_no, desk_no, kind, first_no)
        conn.execute(
            "INSERT INTO receipt_ranges (id, form, series, first_no, last_no, desk, kind, next_no,"
            " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rng.id, form, series, first_no, last_no, desk_no, kind, first_no, utc_now(), desk.clerk_id),
        )
        append_audit(desk.db, desk.clerk_id, "receipt.range_added", rng.id, rng.__dict__)
    return rng


def list_ranges(db: Database, desk_no: int | None = None) -> list[ReceiptRange]:
    """Every range known to this store (or those of one desk), with how many numbers are left."""
    sql = "SELECT id, form, series, first_no, last_no, desk, kind, next_no FROM receipt_ranges"
    rows = db.conn.execute(
        sql + (" WHERE desk = ?" if desk_no else "") + " ORDER BY form, series, first_no",
        (desk_no,) if desk_no else (),
    ).fetchall()
    return [ReceiptRange(*r) for r in rows]


def draw_number(desk: Desk, kind: str = "printed") -> ReceiptNo:
    """The next free number of this desk's ranges of `kind` (call inside the transaction that uses it)."""
    assert desk.db.in_transaction, "draw_number must run inside the transaction that records the receipt"
    conn = desk.db.conn
    rows = conn.execute(
        "SELECT id, form, series, first_no, last_no, next_no FROM receipt_ranges"
        " WHERE desk = ? AND kind = ? AND next_no <= last_no ORDER BY created_at, first_no",
        (desk.settings.desk, kind),
    ).fetchall()
    for range_id, form, series, first_no, last_no, next_no in rows:
        used = conn.execute(
            "SELECT max(number) FROM receipts WHERE form = ? AND series = ? AND number BETWEEN ? AND ?",
            (form, series, first_no, last_no),
        ).fetchone()[0]
        number = max(int(next_no), int(used or 0) + 1)  # never below a number already issued or voided
        conn.execute(
            "UPDATE receipt_ranges SET next_no = ? WHERE id = ?", (min(number, last_no) + 1, range_id)
        )
        if number <= last_no:
            return ReceiptNo(form, series, number, kind)
    raise StateError(
        f"desk {desk.settings.desk} has no {kind} receipt numbers left",
        "Bàn này đã hết số biên lai được cấp. Hãy đề nghị trưởng điểm cấp dải số mới.",
    )


def check_recorded(desk: Desk, number: ReceiptNo) -> ReceiptNo:
    """A number the clerk copied from a pre-printed or electronic biên lai: valid, unused, and (for a
    pre-printed book) inside one of this desk's ranges."""
    _check_ids(number.form, number.series)
    if number.kind not in ("preprinted", "electronic") or not 1 <= number.number <= MAX_NUMBER:
        raise ValidationError(f"bad recorded receipt {number}", "Số biên lai ghi nhận không hợp lệ.")
    conn = desk.db.conn
    if number.kind == "preprinted":
        inside = conn.execute(
            "SELECT 1 FROM receipt_ranges WHERE desk = ? AND kind = 'preprinted' AND form = ? AND series = ?"
            " AND ? BETWEEN first_no AND last_no",
            (desk.settings.desk, number.form, number.series, number.number),
        ).fetchone()
        if not inside:
            raise ValidationError(
                f"preprinted receipt {number.text} outside this desk's ranges",
                "Số biên lai đặt in không thuộc dải số đã cấp cho bàn này.",
            )
    _ensure_unused(desk, number)
    return number


def _ensure_unused(desk: Desk, number: ReceiptNo) -> None:
    row = desk.db.conn.execute(
        "SELECT status FROM receipts WHERE form = ? AND series = ? AND number = ?",
        (number.form, number.series, number.number),
    ).fetchone()
    if row:
        said = "đã bị hủy" if row[0] == "voided" else "đã được sử dụng"
        raise ValidationError(
            f"receipt {number.text} already {row[0]}", f"Số biên lai {number.text} {said}, không dùng lại."
        )


def insert_receipt(desk: Desk, number: ReceiptNo, fields: dict[str, Any]) -> None:
    """The `receipts` row of a number being used now (inside its event's transaction)."""
    _ensure_unused(desk, number)
    issued_at = str(fields["issued_at"])
    desk.db.conn.execute(
        "INSERT INTO receipts (form, series, number, kind, status, dossier_id, event_id, amount, method, lines,"
        " clerk, issued_at, issued_day, void_reason, voided_at, voided_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            number.form,
            number.series,
            number.number,
            number.kind,
            fields.get("status", "issued"),
            fields.get("dossier_id"),
            fields.get("event_id"),
            int(fields.get("amount", 0)),
            fields.get("method"),
            fields.get("lines_json", "[]"),
            desk.clerk_id,
            issued_at,
            issued_at[:10],
            fields.get("void_reason"),
            fields.get("voided_at"),
            desk.clerk_id if fields.get("voided_at") else None,
        ),
    )


def void_receipt(desk: Desk, number: ReceiptNo, reason: str) -> str:
    """Void a biên lai with its reason; the number stays used forever. Returns the event id.

    An issued receipt is voided on its dossier (the fold takes its amount off the fees collected); a number
    never issued (a spoiled pre-printed blank) is recorded as voided on the desk's ledger stream."""
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise ValidationError("void without a reason", "Hãy ghi rõ lý do hủy biên lai (ít nhất 5 ký tự).")
    now = desk.local_now().isoformat(timespec="seconds")
    with desk.db.transaction() as conn:
        authorize(desk.db, desk.clerk_id, EventType.RECEIPT_VOIDED.value)
        row = conn.execute(
            "SELECT status, dossier_id, amount, method FROM receipts WHERE form = ? AND series = ? AND number = ?",
            (number.form, number.series, number.number),
        ).fetchone()
        if row and row[0] == "voided":
            raise StateError(f"receipt {number.text} already voided", "Biên lai này đã bị hủy trước đó.")
        payload: dict[str, Any] = {"receipt": number.to_dict(), "reason": reason, "at": now}
        if row:
            payload.update(amount=int(row[2]), method=row[3])
            stream = str(row[1])
            conn.execute(
                "UPDATE receipts SET status = 'voided', void_reason = ?, voided_at = ?, voided_by = ?"
                " WHERE form = ? AND series = ? AND number = ?",
                (reason, now, desk.clerk_id, number.form, number.series, number.number),
            )
        else:
            if number.kind == "printed":
                raise NotFoundError(f"receipt {number.text} not issued", "Không tìm thấy biên lai này.")
            check_recorded(desk, number)
            payload["amount"] = 0
            stream = ledger_id(desk)
            fields = {"issued_at": now, "status": "voided", "void_reason": reason, "voided_at": now}
            insert_receipt(desk, number, fields)
        event = append_event(desk.db, stream, EventType.RECEIPT_VOIDED, payload, desk.clerk_id)
        refresh_projection(desk.db, stream)  # the ledger too, as the other desks project it when pulled
    logger.info("receipt %s voided (event %s)", number.text, event.id)
    return event.id
