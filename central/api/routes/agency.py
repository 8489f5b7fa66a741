"""The agency's HTTP side (a per-agency bearer token): decisions and result files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from central import agency
from central.api.deps import AgencyDep, BlobsDep, DbDep, SettingsDep
from central.blobs import BlobUnavailable, HubBlobs, Spool
from central.core.db import Database
from central.models import Agency
from sync.protocol import FILE_NAME_PATTERN, AgencyFile, AgencyPost, WireEvent, check_file_name

router = APIRouter(prefix="/agency")


@router.put("/files", openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}}})
async def put_file(
    request: Request,
    who: AgencyDep,
    db: DbDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    name: str = Query(..., max_length=200, pattern=FILE_NAME_PATTERN),
) -> AgencyFile:
    """Store a result file (raw body, streamed to disk); returns the reference for `payload.files`."""
    try:
        check_file_name(name)
    except ValueError as exc:
        raise HTTPException(422, {"code": "bad_name", "message": str(exc)}) from exc
    spool = Spool(settings.tmp_dir)  # sealed under a key of this process only: never in clear on disk
    try:
        async for chunk in request.stream():
            spool.write(chunk)
        spool.finish()
        ref = await run_in_threadpool(_store, db, blobs, spool, who, name)
    except BlobUnavailable as exc:
        raise HTTPException(503, {"code": "files_unavailable", "message": "hub files unavailable"}) from exc
    finally:
        spool.discard()
    return AgencyFile.model_validate(ref)


def _store(db: Database, blobs: HubBlobs, spool: Spool, who: Agency, name: str) -> dict[str, Any]:
    with db.session() as s:
        return agency.store_result_file(s, blobs, spool, who, name)


@router.post("/events", responses={404: {"description": "no such dossier for this agency"}})
def post_event(body: AgencyPost, who: AgencyDep, db: DbDep) -> WireEvent:
    try:
        with db.session() as s:
            return agency.post(s, body, who)
    except agency.AgencyInputError as exc:
        raise HTTPException(422, {"code": "agency_input", "message": str(exc)}) from exc
