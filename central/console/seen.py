"""Desk liveness: each successful pull records when the desk was last seen and its clock offset."""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from app.domain.hlc import Hlc
from central.console import desk_reports
from central.console.auth import now_ms
from central.console.models import DeviceSeen
from central.core.db import Database
from central.models import Device, EventRow, FeedItem
from sync.protocol import API

logger = logging.getLogger(__name__)
FEED_LOOKBACK = 500


def device_of(authorization: str) -> str | None:
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        device_id, sep, _secret = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return device_id[:64] if sep else None


def record(db: Database, device_id: str) -> None:
    """Last seen now; clock offset = the HLC wall time of this desk's newest event minus its arrival.

    The desk's events are found through the point's feed (which names the writing device), looking
    back at most FEED_LOOKBACK items so a quiet desk at a busy point costs a bounded read."""
    with db.session() as s:
        device = s.get(Device, device_id)
        if device is None:
            return
        recent = (
            select(FeedItem.seq, FeedItem.event_id, FeedItem.device)
            .where(FeedItem.point_code == device.point_code)
            .order_by(FeedItem.seq.desc())
            .limit(FEED_LOOKBACK)
            .subquery()
        )
        newest = s.execute(
            select(EventRow.at, EventRow.stored_at)
            .join(recent, recent.c.event_id == EventRow.id)
            .where(recent.c.device == device_id)
            .order_by(recent.c.seq.desc())
            .limit(1)
        ).first()
        offset = Hlc.parse(newest[0]).wall_ms - int(newest[1]) if newest else None
        row = s.get(DeviceSeen, device_id)
        if row is None:
            s.add(DeviceSeen(device_id=device_id, last_seen=now_ms(), clock_offset_ms=offset))
        else:
            row.last_seen = now_ms()
            if offset is not None:
                row.clock_offset_ms = offset


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def desk_seen(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if response.status_code == 200 and request.method == "POST" and request.url.path == f"{API}/events":
            device_id = device_of(request.headers.get("authorization", ""))
            if device_id:  # a 200 on /events: the route authenticated the device and took the batch
                try:
                    await run_in_threadpool(desk_reports.record_push, request.app.state.db, device_id)
                except Exception:
                    logger.exception("could not record desk %s's push", device_id)
        # only after the route authenticated the device (a 200 on /changes needs valid credentials)
        if response.status_code == 200 and request.url.path == f"{API}/changes":
            device_id = device_of(request.headers.get("authorization", ""))
            if device_id:
                try:
                    await run_in_threadpool(record, request.app.state.db, device_id)
                except Exception:  # liveness is best effort: never fail the desk's pull for it
                    logger.exception("could not record desk %s as seen", device_id)
        return response
