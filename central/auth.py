"""Who is asking: a device (HTTP Basic `device_id:secret`) or an agency (a bearer token).

Both are checked from the `Authorization` header alone, before any body is read (see
`central.api.guard`). Secrets and tokens have 256 random bits and are stored as SHA-256 hashes;
a header that is not ASCII or not well formed is a 401, never a crash.

A device's verified credentials are remembered for `CACHE_SECONDS` (at most `CACHE_SIZE` devices, by
the hash of the whole header: the secret itself is not kept), so a desk pushing every second costs
no database round trip to authenticate. Revocation still wins at once where it matters: every push
re-checks it inside its own transaction, in the statement that takes the point's feed positions
(`central.ingest.take_seqs`); a revocation in this process forgets the device at once; a read by a
device revoked from another process (the CLI, another worker) is refused within `CACHE_SECONDS`.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import time
from collections import OrderedDict

from central.core import security
from central.core.db import Database
from central.models import Agency, Device

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
CACHE_SECONDS = 10.0
CACHE_SIZE = 4096


class _Verified:
    """Devices whose credentials were checked lately: header hash → (device, when checked)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[str, tuple[Device, float]] = OrderedDict()

    def get(self, key: str) -> Device | None:
        with self.lock:
            hit = self.items.get(key)
            if hit is None:
                return None
            if time.monotonic() - hit[1] > CACHE_SECONDS:
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return hit[0]

    def put(self, key: str, device: Device) -> None:
        with self.lock:
            self.items[key] = (device, time.monotonic())
            self.items.move_to_end(key)
            while len(self.items) > CACHE_SIZE:
                self.items.popitem(last=False)

    def forget(self, device_id: str) -> None:
        with self.lock:
            for key in [k for k, (d, _) in self.items.items() if d.id == device_id]:
                del self.items[key]


VERIFIED = _Verified()


def forget_device(device_id: str) -> None:
    """Drop a device's remembered credentials (on revocation)."""
    VERIFIED.forget(device_id)


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


def _cache_key(database: Database, header: str) -> str:
    return security.hash_secret(f"{database.engine.url}\n{header}")


def remembered_device(database: Database, header: str) -> Device | None:
    """The device whose credentials, exactly this header, were verified in the last CACHE_SECONDS
    (no database, no thread: the guard asks this first)."""
    return VERIFIED.get(_cache_key(database, header)) if header else None


def authenticate_device(database: Database, header: str) -> Device:
    """The device named by the header; AuthFailure if unknown, wrong or revoked."""
    cached = remembered_device(database, header)
    if cached is not None:
        return cached
    device_id, secret = _basic(header)
    key = _cache_key(database, header)
    with database.session() as s:
        device = s.get(Device, device_id)
    if device is None or not security.check_secret(secret, device.secret_hash):
        raise AuthFailure("auth_invalid", "unknown device or wrong secret")
    if device.revoked_at is not None:
        raise AuthFailure("auth_revoked", "this device has been revoked")
    VERIFIED.put(key, device)
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
