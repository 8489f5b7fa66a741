"""A point's feed read back as changes: its events from others, catalog and calendar publications."""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import EventRow, FeedItem, Publication
from sync.protocol import PUBLICATION_KINDS, Change, ChangesResponse, WireEvent

logger = logging.getLogger(__name__)


def page(
    s: Session,
    point_code: str,
    device_id: str,
    after: int,
    limit: int,
    kinds: frozenset[str] = frozenset(PUBLICATION_KINDS),
) -> ChangesResponse:
    """This point's feed after `after`, in order; the device's own events are skipped (it has them),
    and so are publications not of `kinds` (those the desk can read)."""
    rows = list(
        s.execute(
            select(FeedItem, EventRow, Publication)
            .outerjoin(EventRow, EventRow.id == FeedItem.event_id)
            .outerjoin(Publication, Publication.id == FeedItem.publication_id)
            .where(FeedItem.point_code == point_code, FeedItem.seq > after)
            .order_by(FeedItem.seq)
            .limit(limit)
        ).all()
    )
    return _changes(rows, device_id, after, limit, kinds)


def _changes(
    rows: list[Any], device_id: str, after: int, limit: int, kinds: frozenset[str]
) -> ChangesResponse:
    out: list[Change] = []
    for item, ev, pub in rows:
        if ev is not None and item.device != device_id:
            wire = _wire(ev)
            if wire is not None:
                out.append(Change(seq=item.seq, kind="event", event=wire))
        elif pub is not None and item.kind in kinds:
            out.append(Change(seq=item.seq, kind=item.kind, document=json.loads(pub.body)))
    cursor = rows[-1][0].seq if rows else after
    return ChangesResponse(changes=out, cursor=cursor, has_more=len(rows) == limit)


def _wire(ev: EventRow) -> WireEvent | None:
    """The stored event on the wire; one stored before today's bounds (say, nested 900 deep) is left
    out of the feed with a warning, so it can never block every later change of its point."""
    try:
        return WireEvent(
            id=ev.id,
            dossier_id=ev.dossier_id,
            type=ev.type,
            at=ev.at,
            actor=ev.actor,
            device=ev.device,
            payload=json.loads(ev.payload),
        )
    except (ValidationError, ValueError, RecursionError) as exc:
        logger.warning("event %s left out of the feed: %s", ev.id, type(exc).__name__)
        return None
