"""Enrollment: exchange a one-time code for a device id and secret, and keep them safely.

The secret goes to the OS keyring (`keyring`), or, where no keyring backend exists (servers, CI,
some Linux desktops), to `$MOTCUA_HOME/hub-secret`, readable by the owner only (0600). The desk
learns its point and desk number from the hub and writes them to its settings.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.errors

from app.config import load_settings, save_settings
from sync.errors import NotEnrolledError
from sync.protocol import EnrollResponse
from sync.transport import Credentials, HubTransport, is_unencrypted

logger = logging.getLogger(__name__)
SERVICE = "motcua-hub"
IDENTITY_FILE = "hub.json"
SECRET_FILE = "hub-secret"
CA_FILE = "hub-ca.pem"  # the hub's CA bundle as given on the settings screen (sync.ca_bundle)


def has_keyring() -> bool:
    backend = keyring.get_keyring()
    return not isinstance(backend, keyring.backends.fail.Keyring) and getattr(backend, "priority", 0) > 0


def enroll(
    home: Path,
    hub_url: str,
    code: str,
    label: str = "",
    *,
    ca_bundle: str | None = None,
    allow_insecure: bool = False,
) -> EnrollResponse:
    """Redeem `code` at the hub and save the identity; returns what the hub assigned.

    The hub gives the point's agency code, which starts every dossier code this desk makes.
    Without `ca_bundle`, the bundle given on the settings screen is used, if there is one."""
    if ca_bundle is None and (kept := installed_ca(home)) is not None:
        ca_bundle = os.fspath(kept)
    transport = HubTransport(hub_url, ca_bundle=ca_bundle, allow_insecure=allow_insecure)
    try:
        answer = transport.enroll(code, label)
    finally:
        transport.close()
    home.mkdir(parents=True, exist_ok=True)
    _save_secret(home, answer.device_id, answer.secret)
    identity = {
        "hub_url": hub_url,
        "device_id": answer.device_id,
        "point_code": answer.point_code,
        "desk": answer.desk,
        "agency_code": answer.agency_code,
        "ca_bundle": ca_bundle,
        "allow_insecure": allow_insecure,
    }
    write_private(home / IDENTITY_FILE, json.dumps(identity), mode=0o644)
    settings = load_settings(home)
    settings.point_code, settings.desk, settings.hub_url = answer.point_code, answer.desk, hub_url
    settings.agency_code = answer.agency_code
    save_settings(settings, home)
    logger.info("enrolled as device %s of point %s desk %d", answer.device_id, answer.point_code, answer.desk)
    return answer


def load_identity(home: Path) -> tuple[str, Credentials]:
    """(hub_url, credentials) of this desk; NotEnrolledError if it was never enrolled."""
    path = home / IDENTITY_FILE
    if not path.exists():
        raise NotEnrolledError("no hub identity: run `python -m sync enroll`")
    identity = json.loads(path.read_text(encoding="utf-8"))
    secret = _load_secret(home, identity["device_id"])
    if not secret:
        raise NotEnrolledError(f"no secret stored for device {identity['device_id']}")
    return str(identity["hub_url"]), Credentials(identity["device_id"], secret)


def installed_ca(home: Path) -> Path | None:
    """The desk's copy of the hub's CA bundle, if IT gave one on the settings screen."""
    path = home / CA_FILE
    return path if path.is_file() else None


def load_tls(home: Path) -> tuple[str | None, bool]:
    """(CA bundle, plain http allowed) as given at enrollment or later on the settings screen."""
    kept = installed_ca(home)
    path = home / IDENTITY_FILE
    if not path.exists():
        return (os.fspath(kept) if kept else None), False
    identity = json.loads(path.read_text(encoding="utf-8"))
    ca = identity.get("ca_bundle") or (os.fspath(kept) if kept else None)
    return ca, bool(identity.get("allow_insecure", False))


@dataclass(frozen=True)
class HubLink:
    """The link sync uses, as the settings and sync screens show it."""

    hub_url: str
    ca_bundle: str | None
    allow_insecure: bool

    @property
    def is_unencrypted(self) -> bool:
        """Plain http to another machine: credentials and personal data cross the network in clear."""
        return is_unencrypted(self.hub_url)


def hub_link(home: Path) -> HubLink | None:
    """The enrolled link (address, CA bundle, plain http allowed), or None before enrollment."""
    path = home / IDENTITY_FILE
    if not path.exists():
        return None
    identity = json.loads(path.read_text(encoding="utf-8"))
    ca, insecure = load_tls(home)
    return HubLink(str(identity.get("hub_url", "")), ca, insecure)


def _save_secret(home: Path, device_id: str, secret: str) -> None:
    if has_keyring():
        try:
            keyring.set_password(SERVICE, device_id, secret)
            return
        except keyring.errors.KeyringError as exc:
            logger.warning("keyring refused the secret (%s); using an owner-only file", type(exc).__name__)
    write_private(home / SECRET_FILE, secret, mode=0o600)


def _load_secret(home: Path, device_id: str) -> str | None:
    path = home / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    if has_keyring():
        try:
            return keyring.get_password(SERVICE, device_id)
        except keyring.errors.KeyringError:
            return None
    return None


def write_private(path: Path, text: str, mode: int) -> None:
    """Write atomically with `mode` from the first byte (never briefly world-readable)."""
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
