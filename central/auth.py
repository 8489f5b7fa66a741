"""Who is asking: a device (HTTP Basic `device_id:secret`) or an agency (a bearer token).

Both are checked from the `Authorization` header alone, before any body is read (see
`central.api.guard`). Secrets and tokens have 256 random bits and are stored as SHA-256 hashes;
a header that is not ASCII or not well formed is a 401, never a crash.
"""

from __future__ import annotations

import base64
import binascii
import re

from central.core import security
from central.core.db import Database
from central.models import Agency, Device

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


class AuthFailure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _basic(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise AuthFailure("auth_missing", "device credentials required")
    try:
        device_id, sep, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        sep = ""
    if not sep or not device_id or len(device_id) > 64 or len(secret) > 200:
        raise AuthFailure("auth_invalid", "malformed credentials")
    return device_id, secret


def authenticate_device(database: Database, header: str) -> Device:
    """The device named by the header; AuthFailure if unknown, wrong or revoked."""
    device_id, secret = _basic(header)
    with database.session() as s:
        device = s.get(Device, device_id)
    if device is None or not security.check_secret(secret, device.secret_hash):
        raise AuthFailure("auth_invalid", "unknown device or wrong secret")
    if device.revoked_at is not None:
        raise AuthFailure("auth_revoked", "this device has been revoked")
    return device


def authenticate_agency(database: Database, header: str) -> Agency:
    """The agency whose token the header carries; AuthFailure if none, unknown or revoked."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not TOKEN.match(token):
        raise AuthFailure("auth_invalid", "agency token required")
    digest = security.hash_secret(token)
    with database.session() as s:
        agency = s.query(Agency).filter(Agency.token_hash == digest).one_or_none()
    if agency is None:
        raise AuthFailure("auth_invalid", "unknown agency token")
    if agency.revoked_at is not None:
        raise AuthFailure("auth_revoked", "this agency token has been revoked")
    return agency
