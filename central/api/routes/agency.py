"""The agency's HTTP side (bearer token): decisions and result files."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

from central import agency
from central.api.deps import AgencyDep, BlobsDep, SessionDep
from sync.protocol import AgencyPost, WireEvent

router = APIRouter(prefix="/agency")


@router.put("/files")
async def put_file(
    request: Request, _: AgencyDep, s: SessionDep, blobs: BlobsDep, name: str = Query(..., max_length=200)
) -> dict[str, Any]:
    """Store a result file (raw body); returns the reference to put in `payload.files`."""
    body = await request.body()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(body)
        return agency.store_result_file(s, blobs, path)


@router.post("/events")
def post_event(body: AgencyPost, _: AgencyDep, s: SessionDep) -> WireEvent:
    try:
        return agency.post(s, body)
    except agency.AgencyInputError as exc:
        raise HTTPException(422, {"code": "agency_input", "message": str(exc)}) from exc
