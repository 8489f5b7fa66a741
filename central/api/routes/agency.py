"""The agency's HTTP side (a per-agency bearer token): decisions and result files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from central import agency
from central.api.deps import AgencyDep, BlobsDep, DbDep, SettingsDep
from central.blobs import HubBlobs
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
    settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=settings.tmp_dir, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            async for chunk in request.stream():
                fh.write(chunk)
        ref = await run_in_threadpool(_store, db, blobs, Path(tmp), who, name)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return AgencyFile.model_validate(ref)


def _store(db: Database, blobs: HubBlobs, path: Path, who: Agency, name: str) -> dict[str, Any]:
    with db.session() as s:
        return agency.store_result_file(s, blobs, path, who, name)


@router.post("/events", responses={404: {"description": "no such dossier for this agency"}})
def post_event(body: AgencyPost, who: AgencyDep, db: DbDep) -> WireEvent:
    try:
        with db.session() as s:
            return agency.post(s, body, who)
    except agency.AgencyInputError as exc:
        raise HTTPException(422, {"code": "agency_input", "message": str(exc)}) from exc
