"""What each desk says it still holds (POST /api/v1/outbox/report, authenticated as the device, each
pass), and when it last pushed events (recorded by `central.console.seen` after a 200 on /events)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from central.api.deps import DbDep, DeviceDep
from central.console.auth import now_ms
from central.console.models import DeskReport
from central.core.db import Database
from sync.protocol import OutboxReport

router = APIRouter()


def _row(s: Session, device_id: str) -> DeskReport:
    row = s.get(DeskReport, device_id, with_for_update=True)
    if row is None:
        row = DeskReport(device_id=device_id)
        s.add(row)
    return row


@router.post("/outbox/report")
def outbox_report(body: OutboxReport, device: DeviceDep, db: DbDep) -> dict[str, bool]:
    """Keep the device's counts (validated by `OutboxReport`: two bounded integers) and the time."""
    with db.session() as s:
        row = _row(s, device.id)
        row.outbox_events, row.outbox_files, row.reported_at = body.events, body.files, now_ms()
    return {"ok": True}


def record_push(db: Database, device_id: str) -> None:
    """The device's push was taken just now."""
    with db.session() as s:
        _row(s, device_id).last_push = now_ms()
