"""Phản ánh, kiến nghị (QĐ 766/QĐ-TTg counts them): the day one reached the point, how, its subject, the
dossier it names (optional), and the day it was answered. Each is a `complaint_recorded` event on the
desk's ledger stream (so it reaches the hub and the other desks); recording it again with its id, e.g.
with the answer, supersedes the earlier record. The subject may name a citizen: it lives only in the
encrypted store and in events, never in a log line."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from app.domain.errors import ValidationError
from app.domain.events import EventType
from app.domain.ids import new_id
from app.domain.vocabulary import COMPLAINT_CHANNEL_VI
from app.services.context import Desk
from app.services.permissions import authorize
from app.services.receipts import ledger_id
from app.storage.db import Database
from app.storage.events import append_event, refresh_projection

logger = logging.getLogger(__name__)

SUBJECT_MAX = 500
_CODE = re.compile(r"^[0-9A-Za-z.\-]{4,60}$")


@dataclass(frozen=True)
class Complaint:
    received_on: str  # YYYY-MM-DD
    channel: str  # app.domain.vocabulary.COMPLAINT_CHANNEL_VI
    subject: str
    dossier_code: str = ""
    answered_on: str = ""  # YYYY-MM-DD, "" while not answered
    id: str = ""  # "" for a new one

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _day(raw: str, what: str) -> date:
    try:
        return date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ValidationError(f"bad {what} {str(raw)[:20]!r}", f"Ngày {what_vi(what)} không hợp lệ.") from exc


def what_vi(what: str) -> str:
    return {"received_on": "tiếp nhận", "answered_on": "trả lời"}.get(what, what)


def problems(c: Complaint, today: date, known_code: bool = True) -> list[str]:
    """What stops the record (Vietnamese), empty when it may be written."""
    out: list[str] = []
    try:
        got = _day(c.received_on, "received_on")
    except ValidationError as exc:
        return [exc.user_message]
    if got > today:
        out.append("Ngày tiếp nhận phản ánh không được sau hôm nay.")
    if c.channel not in COMPLAINT_CHANNEL_VI:
        out.append("Hãy chọn hình thức tiếp nhận phản ánh, kiến nghị.")
    subject = " ".join(c.subject.split())
    if not 5 <= len(subject) <= SUBJECT_MAX:
        out.append(f"Hãy ghi nội dung phản ánh, kiến nghị (5 đến {SUBJECT_MAX} ký tự).")
    if c.dossier_code and (not _CODE.match(c.dossier_code) or not known_code):
        out.append("Mã hồ sơ liên quan không có trong sổ của Điểm.")
    if c.answered_on:
        try:
            answered = _day(c.answered_on, "answered_on")
        except ValidationError as exc:
            return [*out, exc.user_message]
        if answered < got or answered > today:
            out.append("Ngày trả lời phải từ ngày tiếp nhận đến hôm nay.")
    return out


def record(desk: Desk, c: Complaint) -> Complaint:
    """Write the complaint (new, or again with its answer) as one event; ValidationError if it is wrong."""
    code = c.dossier_code.strip()
    known = not code or desk.db.conn.execute("SELECT 1 FROM dossiers WHERE code = ?", (code,)).fetchone()
    clean = Complaint(str(c.received_on), c.channel, " ".join(c.subject.split()), code, str(c.answered_on or ""),
                      c.id or new_id())  # fmt: skip
    found = problems(clean, desk.local_now().date(), bool(known))
    if found:
        raise ValidationError(f"bad complaint: {len(found)} problem(s)", found[0], problems=found)
    with desk.db.transaction():
        authorize(desk.db, desk.clerk_id, EventType.COMPLAINT_RECORDED.value)
        payload = {**clean.to_dict(), "desk": desk.settings.desk}
        event = append_event(desk.db, ledger_id(desk), EventType.COMPLAINT_RECORDED, payload, desk.clerk_id)
        refresh_projection(desk.db, ledger_id(desk))
    logger.info("complaint %s recorded (event %s, answered: %s)", clean.id, event.id, bool(clean.answered_on))
    return clean


def _from_payload(p: Mapping[str, Any]) -> Complaint | None:
    """A complaint from an event (this desk's or pulled from another): None when its shape is wrong."""
    try:
        c = Complaint(str(p["received_on"])[:10], str(p["channel"])[:20], str(p["subject"])[:SUBJECT_MAX],
                      str(p.get("dossier_code") or "")[:60], str(p.get("answered_on") or "")[:10],
                      str(p["id"])[:40])  # fmt: skip
        date.fromisoformat(c.received_on)
        if c.answered_on:
            date.fromisoformat(c.answered_on)
    except (KeyError, TypeError, ValueError):
        return None
    return c if c.channel in COMPLAINT_CHANNEL_VI and c.id else None


def received_between(db: Database, start: date, end: date) -> list[Complaint]:
    """The complaints received in [start, end], each as last recorded (any desk of the point)."""
    rows = db.conn.execute(
        # complaints live on the desks' ledger streams (no code): the event index per stream, no scan of all
        "SELECT e.id, e.payload FROM dossiers d JOIN events e ON e.dossier_id = d.id WHERE d.code IS NULL"
        " AND e.type = ? AND json_extract(e.payload, '$.received_on') BETWEEN ? AND ? ORDER BY e.at, e.id",
        (EventType.COMPLAINT_RECORDED.value, start.isoformat(), end.isoformat()),
    ).fetchall()
    latest: dict[str, Complaint] = {}
    for event_id, payload in rows:
        c = _from_payload(json.loads(payload))
        if c is None:
            logger.warning("complaint event %s left out: malformed", event_id)
            continue
        latest[c.id] = c
    return sorted(latest.values(), key=lambda c: (c.received_on, c.id))
