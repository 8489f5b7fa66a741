"""Each device's audit chain head: kept, compared with the next one, and a fork recorded when it does not
extend the last (a lower seq; the same seq with another MAC; or a longer chain whose MAC at the recorded
seq differs). The hub cannot check a MAC (it has no key): it only compares what the same desk sent."""

from __future__ import annotations

import logging
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from central.crud import now_ms
from central.models import AuditFork, AuditHead, Device
from sync.protocol import AuditHeadAnswer, AuditHeadPost, RecordedHead

logger = logging.getLogger(__name__)
Verdict = Literal["ok", "backwards", "forked"]


def open_forks(s: Session, device_id: str) -> int:
    """Fork warnings on record for the device that the centre's operator has not cleared."""
    query = select(func.count()).where(AuditFork.device_id == device_id, AuditFork.cleared_at.is_(None))
    return int(s.scalar(query) or 0)


def recorded(s: Session, device: Device) -> RecordedHead:
    """The head last recorded for the device, and its open fork warnings."""
    head = s.get(AuditHead, device.id)
    forks = open_forks(s, device.id)
    return RecordedHead(seq=head.seq, mac=head.mac, forks=forks) if head else RecordedHead(seq=0, forks=forks)


def judge(head: AuditHead | None, body: AuditHeadPost) -> Verdict:
    """ "ok" when `body` extends `head` (or nothing was recorded), else "backwards" or "forked"."""
    if head is None:
        return "ok"
    if body.seq < head.seq:
        return "backwards"
    if body.seq == head.seq:
        return "ok" if body.mac == head.mac else "forked"
    if body.seen_seq == head.seq and body.seen_mac != head.mac:
        return "forked"  # longer, but it does not hold the row the hub recorded: it went back, then on
    return "ok"  # longer and checked against an older record (a concurrent pass): nothing to compare


def record(s: Session, device: Device, body: AuditHeadPost) -> AuditHeadAnswer:
    """Compare the pushed head with the record, keep it as the new record, and note a fork if any."""
    head = s.get(AuditHead, device.id, with_for_update=True)
    status = judge(head, body)
    now = now_ms()
    if head is not None and status != "ok":
        s.add(
            AuditFork(
                device_id=device.id,
                point_code=device.point_code,
                kind=status,
                recorded_seq=head.seq,
                got_seq=body.seq,
                at=now,
            )
        )
        logger.warning(
            "audit chain of device %s (point %s) %s: recorded seq %d, pushed seq %d",
            device.id,
            device.point_code,
            "went backwards" if status == "backwards" else "forked",
            head.seq,
            body.seq,
        )
    if head is None:
        s.add(AuditHead(device_id=device.id, seq=body.seq, mac=body.mac, at=now))
    else:
        head.seq, head.mac, head.at = body.seq, body.mac, now
    s.flush()
    return AuditHeadAnswer(status=status, recorded_seq=body.seq, forks=open_forks(s, device.id))


def list_forks(s: Session, point_code: str | None = None, include_cleared: bool = False) -> list[AuditFork]:
    """Fork warnings, newest first, for one point or all."""
    query = select(AuditFork).order_by(AuditFork.at.desc(), AuditFork.id.desc())
    if point_code:
        query = query.where(AuditFork.point_code == point_code)
    if not include_cleared:
        query = query.where(AuditFork.cleared_at.is_(None))
    return list(s.scalars(query))


def clear_forks(s: Session, device_id: str) -> int:
    """Mark a device's warnings as looked into (the operator checked the desk); returns how many."""
    result = s.execute(
        update(AuditFork)
        .where(AuditFork.device_id == device_id, AuditFork.cleared_at.is_(None))
        .values(cleared_at=now_ms())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
