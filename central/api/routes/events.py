from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from central import ingest
from central.api.deps import DbDep, DeviceDep, SettingsDep
from central.models import EventRow, FeedItem, Publication
from sync.protocol import (
    Change,
    ChangesResponse,
    PushRequest,
    PushResponse,
    WireEvent,
    is_compatible,
)

router = APIRouter()


@router.post("/events")
def push_events(body: PushRequest, device: DeviceDep, db: DbDep) -> PushResponse:
    """Store a batch once per event id and acknowledge each; a re-sent batch is harmless."""
    if not is_compatible(body.protocol):
        raise HTTPException(
            426, {"code": "protocol_version", "message": f"protocol {body.protocol} unsupported"}
        )
    with db.session() as s:
        return ingest.push(s, device, body.events)


@router.get("/changes")
def changes(
    device: DeviceDep,
    db: DbDep,
    settings: SettingsDep,
    after: int = Query(0, ge=0),
    limit: int = Query(500, ge=1, le=2000),
) -> ChangesResponse:
    """This point's feed after `after`, in order; the device's own events are skipped (it has them)."""
    limit = min(limit, settings.changes_page)
    with db.session() as s:
        rows = _page(s, device.point_code, after, limit)
    return _changes(rows, device.id, after, limit)


def _page(s: Session, point_code: str, after: int, limit: int) -> list[Any]:
    return list(
        s.execute(
            select(FeedItem, EventRow, Publication)
            .outerjoin(EventRow, EventRow.id == FeedItem.event_id)
            .outerjoin(Publication, Publication.id == FeedItem.publication_id)
            .where(FeedItem.point_code == point_code, FeedItem.seq > after)
            .order_by(FeedItem.seq)
            .limit(limit)
        ).all()
    )


def _changes(rows: list[Any], device_id: str, after: int, limit: int) -> ChangesResponse:
    out: list[Change] = []
    for item, ev, pub in rows:
        if ev is not None and item.device != device_id:
            wire = WireEvent(
                id=ev.id,
                dossier_id=ev.dossier_id,
                type=ev.type,
                at=ev.at,
                actor=ev.actor,
                device=ev.device,
                payload=json.loads(ev.payload),
            )
            out.append(Change(seq=item.seq, kind="event", event=wire))
        elif pub is not None:
            out.append(Change(seq=item.seq, kind=item.kind, document=json.loads(pub.body)))
    cursor = rows[-1][0].seq if rows else after
    return ChangesResponse(changes=out, cursor=cursor, has_more=len(rows) == limit)
