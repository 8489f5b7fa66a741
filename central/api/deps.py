"""Request dependencies: the database, settings and blobs; the principal the guard authenticated."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from central.auth import AuthFailure, authenticate_agency, authenticate_device
from central.blobs import HubBlobs
from central.core.config import HubSettings
from central.core.db import Database
from central.models import Agency, Device


def get_database(request: Request) -> Database:
    """The hub database. Endpoints open `with db.session() as s:` in their own (sync) body, so a
    transaction begins and ends in one worker thread: with SQLite, a yield-dependency session would
    need a second thread to commit, and threads all waiting for the write lock would starve it."""
    database: Database = request.app.state.db
    return database


def get_settings(request: Request) -> HubSettings:
    settings: HubSettings = request.app.state.settings
    return settings


def get_blobs(request: Request) -> HubBlobs:
    blobs: HubBlobs = request.app.state.blobs
    return blobs


def get_device(request: Request) -> Device:
    """The device `central.api.guard` authenticated for this request (or, outside it, from the header)."""
    principal = getattr(request.state, "principal", None)
    if isinstance(principal, Device):
        return principal
    try:
        return authenticate_device(request.app.state.db, request.headers.get("authorization", ""))
    except AuthFailure as exc:
        raise HTTPException(401, {"code": exc.code, "message": exc.message}) from exc


def get_agency(request: Request) -> Agency:
    principal = getattr(request.state, "principal", None)
    if isinstance(principal, Agency):
        return principal
    try:
        return authenticate_agency(request.app.state.db, request.headers.get("authorization", ""))
    except AuthFailure as exc:
        raise HTTPException(401, {"code": exc.code, "message": exc.message}) from exc


DbDep = Annotated[Database, Depends(get_database)]
DeviceDep = Annotated[Device, Depends(get_device)]
SettingsDep = Annotated[HubSettings, Depends(get_settings)]
BlobsDep = Annotated[HubBlobs, Depends(get_blobs)]
AgencyDep = Annotated[Agency, Depends(get_agency)]
