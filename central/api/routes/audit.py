"""The desk's audit chain head: what the hub recorded (GET), and the next head (POST), each pass."""

from __future__ import annotations

from fastapi import APIRouter

from central import audit_heads
from central.api.deps import DbDep, DeviceDep
from sync.protocol import AuditHeadAnswer, AuditHeadPost, RecordedHead

router = APIRouter()


@router.get("/audit/head")
def recorded_head(device: DeviceDep, db: DbDep) -> RecordedHead:
    """The head last recorded for this device (seq 0 if none) and its open fork warnings."""
    with db.session() as s:
        return audit_heads.recorded(s, device)


@router.post("/audit/head")
def push_head(body: AuditHeadPost, device: DeviceDep, db: DbDep) -> AuditHeadAnswer:
    """Record this device's head; the answer says whether it extended the last one."""
    with db.session() as s:
        return audit_heads.record(s, device, body)
