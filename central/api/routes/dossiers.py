from __future__ import annotations

from fastapi import APIRouter, HTTPException

from central import crud
from central.api.deps import DbDep, DeviceDep
from sync.protocol import DossierSummary

router = APIRouter()


@router.get("/dossiers")
def list_dossiers(device: DeviceDep, db: DbDep) -> list[DossierSummary]:
    """The device's own point's dossiers, with their files status."""
    with db.session() as s:
        return crud.summaries(s, point_code=device.point_code)


@router.get("/dossiers/{dossier_id}")
def get_dossier(dossier_id: str, device: DeviceDep, db: DbDep) -> DossierSummary:
    """One dossier of the device's point; another point's dossier is reported as not found."""
    with db.session() as s:
        found = crud.summaries(s, point_code=device.point_code, dossier_id=dossier_id)
    if not found:
        raise HTTPException(404, {"code": "not_found", "message": "no such dossier"})
    return found[0]
