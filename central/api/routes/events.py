from __future__ import annotations

from fastapi import APIRouter, Header, HTTPException, Query

from central import feed, ingest
from central.admission import CodeConflict
from central.api.deps import DbDep, DeviceDep, SettingsDep
from sync.protocol import (
    MAX_CURSOR,
    ChangesResponse,
    PushRequest,
    PushResponse,
    is_compatible,
    publication_kinds,
)

router = APIRouter()


@router.post(
    "/events",
    responses={
        401: {"description": "unknown or revoked device"},
        409: {"description": "a dossier code not this desk's to use"},
    },
)
def push_events(body: PushRequest, device: DeviceDep, db: DbDep) -> PushResponse:
    """Store a batch once per event id and acknowledge each; a re-sent batch is harmless."""
    if not is_compatible(body.protocol):
        raise HTTPException(
            426, {"code": "protocol_version", "message": f"protocol {body.protocol} unsupported"}
        )
    try:
        with db.session() as s:
            return ingest.push(s, device, body.events)
    except CodeConflict as exc:
        raise HTTPException(409, {"code": exc.code, "message": exc.message, "event": exc.event_id}) from exc
    except ingest.DeviceRevoked as exc:
        raise HTTPException(401, {"code": "auth_revoked", "message": "this device has been revoked"}) from exc


@router.get("/changes")
def changes(
    device: DeviceDep,
    db: DbDep,
    settings: SettingsDep,
    after: int = Query(0, ge=0, le=MAX_CURSOR),
    limit: int = Query(500, ge=1, le=2000),
    publications: str | None = Header(None, alias="X-Motcua-Publications", max_length=400),
) -> ChangesResponse:
    """This point's feed after `after`, in order; the device's own events are skipped (it has them),
    and so are publications of a kind the desk did not name (`X-Motcua-Publications`)."""
    kinds = publication_kinds(publications)
    with db.session() as s:
        return feed.page(s, device.point_code, device.id, after, min(limit, settings.changes_page), kinds)
