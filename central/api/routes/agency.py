"""The agency's HTTP side (bearer token): decisions and result files."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from central import agency
from central.api.deps import AgencyDep, BlobsDep, DbDep
from central.blobs import HubBlobs
from central.core.db import Database
from sync.protocol import AgencyPost, WireEvent

router = APIRouter(prefix="/agency")


@router.put("/files")
async def put_file(
    request: Request, _: AgencyDep, db: DbDep, blobs: BlobsDep, name: str = Query(..., max_length=200)
) -> dict[str, Any]:
    """Store a result file (raw body); returns the reference to put in `payload.files`."""
    body = await request.body()
    return await run_in_threadpool(_store, db, blobs, name, body)


def _store(db: Database, blobs: HubBlobs, name: str, body: bytes) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(body)
        with db.session() as s:
            return agency.store_result_file(s, blobs, path)


@router.post("/events")
def post_event(body: AgencyPost, _: AgencyDep, db: DbDep) -> WireEvent:
    try:
        with db.session() as s:
            return agency.post(s, body)
    except agency.AgencyInputError as exc:
        raise HTTPException(422, {"code": "agency_input", "message": str(exc)}) from exc
