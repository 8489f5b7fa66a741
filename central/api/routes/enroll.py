from __future__ import annotations

from fastapi import APIRouter, HTTPException

from central import crud
from central.api.deps import DbDep
from sync.protocol import EnrollRequest, EnrollResponse

router = APIRouter()


@router.post("/enroll")
def enroll(body: EnrollRequest, db: DbDep) -> EnrollResponse:
    """Exchange a one-time enrollment code (the credential of this route) for a device id and secret."""
    with db.session() as s:
        redeemed = crud.redeem_enroll_code(s, body.code, body.label)
    if redeemed is None:
        raise HTTPException(401, {"code": "enroll_invalid", "message": "code unknown, used or expired"})
    device, secret, agency_code = redeemed
    return EnrollResponse(
        device_id=device.id,
        secret=secret,
        point_code=device.point_code,
        desk=device.desk,
        agency_code=agency_code,
    )
