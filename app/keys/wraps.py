"""Changing the wraps of the store key (never the key itself): clerk passwords, seal, the OS keyring."""

from __future__ import annotations

import contextlib
import logging
import secrets
from pathlib import Path
from typing import Any

from app.keys.core import (
    ARGON2,
    FORMAT,
    KEYRING_SERVICE,
    StoreKeys,
    _b64,
    _checked,
    _password_kek,
    _wrap,
    load_file,
    recovery_text,
    save_file,
)

logger = logging.getLogger(__name__)


def _edit(home: Path, keys: StoreKeys) -> dict[str, Any]:
    data = load_file(home)
    if data is None:
        return {"format": FORMAT, "check": keys.check, "demo": False, "wraps": []}
    _checked(data, keys)
    return data


def wrap_for_clerk(home: Path, keys: StoreKeys, username: str, password: str) -> None:
    """Wrap the store key with a clerk's (new) password; replaces that clerk's old wrap."""
    username = username.strip().lower()
    data = _edit(home, keys)
    kdf = {"alg": "argon2id", **ARGON2, "salt": _b64(secrets.token_bytes(16))}
    wrap = {
        "kind": "clerk",
        "username": username,
        "kdf": kdf,
        **_wrap(_password_kek(password, kdf), keys, "clerk:" + username),
    }
    data["wraps"] = [
        w for w in data["wraps"] if not (w.get("kind") == "clerk" and w.get("username") == username)
    ]
    data["wraps"].append(wrap)
    save_file(home, data)
    logger.info("store key wrapped for a clerk (%d wraps)", len(data["wraps"]))


def drop_clerk(home: Path, keys: StoreKeys, username: str) -> None:
    data = _edit(home, keys)
    data["wraps"] = [
        w for w in data["wraps"] if not (w.get("kind") == "clerk" and w.get("username") == username)
    ]
    save_file(home, data)


def clerk_wraps(home: Path) -> list[str]:
    data = load_file(home) or {"wraps": []}
    return sorted(str(w["username"]) for w in data["wraps"] if w.get("kind") == "clerk")


def seal(home: Path, keys: StoreKeys) -> str:
    """Erase the local copy of the key; returns the recovery key text (print it once, for IT)."""
    data = _edit(home, keys)
    data.pop("local", None)
    data["demo"] = False
    save_file(home, data)
    logger.info("store sealed (%d wraps left)", len(data["wraps"]))
    return recovery_text(keys)


def restore_file(home: Path, keys: StoreKeys) -> None:
    """Write a sealed keys.json for `keys` when the file was lost (`key recover`)."""
    save_file(home, _edit(home, keys))


def enable_keyring(home: Path, keys: StoreKeys) -> None:
    """Unattended mode: keep the store key in the OS keyring (Windows Credential Manager)."""
    import keyring

    name = keys.check[:16]
    keyring.set_password(KEYRING_SERVICE, name, keys.master.hex())
    data = _edit(home, keys)
    data["wraps"] = [w for w in data["wraps"] if w.get("kind") != "keyring"] + [
        {"kind": "keyring", "name": name}
    ]
    save_file(home, data)


def disable_keyring(home: Path, keys: StoreKeys) -> None:
    import keyring

    data = _edit(home, keys)
    for wrap in data["wraps"]:
        if wrap.get("kind") == "keyring":
            with contextlib.suppress(Exception):
                keyring.delete_password(KEYRING_SERVICE, str(wrap.get("name")))
    data["wraps"] = [w for w in data["wraps"] if w.get("kind") != "keyring"]
    save_file(home, data)
