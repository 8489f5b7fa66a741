"""Request dependencies: a database session, the authenticated device, the agency."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from central.blobs import HubBlobs
from central.core import security
from central.core.config import HubSettings
from central.core.db import Database
from central.models import Device


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


def _credentials(request: Request) -> tuple[str, str]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise HTTPException(401, {"code": "auth_missing", "message": "device credentials required"})
    try:
        device_id, sep, secret = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        sep = ""
    if not sep:
        raise HTTPException(401, {"code": "auth_invalid", "message": "malformed credentials"})
    return device_id, secret


def get_device(request: Request) -> Device:
    """The device named by HTTP Basic `device_id:secret`; 401 if unknown, wrong or revoked.

    Uses its own short transaction so the tus routes (which have no session) can use it too."""
    device_id, secret = _credentials(request)
    database: Database = request.app.state.db
    with database.session() as s:
        device = s.get(Device, device_id)
    if device is None or not security.check_secret(secret, device.secret_hash):
        raise HTTPException(401, {"code": "auth_invalid", "message": "unknown device or wrong secret"})
    if device.revoked_at is not None:
        raise HTTPException(401, {"code": "auth_revoked", "message": "this device has been revoked"})
    return device


def require_agency(request: Request) -> None:
    token = request.app.state.settings.agency_token
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer" or not hmac.compare_digest(value, token):
        raise HTTPException(401, {"code": "auth_invalid", "message": "agency token required"})


DbDep = Annotated[Database, Depends(get_database)]
DeviceDep = Annotated[Device, Depends(get_device)]
SettingsDep = Annotated[HubSettings, Depends(get_settings)]
BlobsDep = Annotated[HubBlobs, Depends(get_blobs)]
AgencyDep = Annotated[None, Depends(require_agency)]
