"""The store key, its file (keys.json) and the wrap primitives; see app/keys/__init__.py."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.domain.errors import AuthError, StorageError

logger = logging.getLogger(__name__)

KEY_FILE = "keys.json"
FORMAT = 1
KEYRING_SERVICE = "motcua-store"
# argon2id at login: 64 MiB, 3 passes (about 0.15 s on a 2-core desk PC; bench/store_bench.py)
ARGON2 = {"t": 3, "m": 65536, "p": 1}
ENV_RECOVERY, ENV_RECOVERY_FILE = "MOTCUA_RECOVERY_KEY", "MOTCUA_RECOVERY_KEY_FILE"
ENV_CLERK, ENV_PASSWORD, ENV_PASSWORD_FILE = "MOTCUA_CLERK", "MOTCUA_PASSWORD", "MOTCUA_PASSWORD_FILE"


class StoreLockedError(AuthError):
    code = "store_locked"
    default_user_message = "Kho dữ liệu đang khóa. Hãy đăng nhập bằng mật khẩu cán bộ hoặc nhập khóa khôi phục của bộ phận kỹ thuật."


class WrongSecretError(AuthError):
    code = "wrong_secret"
    default_user_message = "Mật khẩu hoặc khóa khôi phục không đúng. Chưa có gì bị thay đổi."


@dataclass(frozen=True)
class StoreKeys:
    """The store key and the subkeys derived from it."""

    master: bytes

    def _sub(self, label: str) -> bytes:
        return HKDF(hashes.SHA256(), 32, salt=None, info=b"motcua/" + label.encode()).derive(self.master)

    # derived once per key object (cached_property writes the instance dict, frozen or not)
    @cached_property
    def db_key(self) -> bytes:
        return self._sub("sqlcipher")

    @cached_property
    def blob_key(self) -> bytes:
        return self._sub("blobs")

    @cached_property
    def audit_key(self) -> bytes:
        return self._sub("audit")

    @cached_property
    def check(self) -> str:
        return hmac.new(self.master, b"motcua/check", hashlib.sha256).hexdigest()

    def __repr__(self) -> str:  # never print the key
        return "StoreKeys(<sealed>)"


def key_path(home: Path) -> Path:
    return Path(home) / KEY_FILE


# ---- the process's unlocked keys -------------------------------------------------------------

_UNLOCKED: dict[str, StoreKeys] = {}


def _home_id(home: Path) -> str:
    return str(Path(home).resolve())


def remember(home: Path, keys: StoreKeys) -> StoreKeys:
    _UNLOCKED[_home_id(home)] = keys
    return keys


def forget(home: Path) -> None:
    _UNLOCKED.pop(_home_id(home), None)


def remembered(home: Path) -> StoreKeys | None:
    return _UNLOCKED.get(_home_id(home))


# ---- recovery key text -----------------------------------------------------------------------


def recovery_text(keys: StoreKeys) -> str:
    code = base64.b32encode(keys.master).decode().rstrip("=")
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def parse_recovery(text: str) -> StoreKeys:
    code = "".join(ch for ch in text.upper() if ch.isalnum())
    try:
        master = base64.b32decode(code + "=" * (-len(code) % 8))
    except (ValueError, TypeError) as exc:
        raise WrongSecretError("recovery key is not base32") from exc
    if len(master) != 32:
        raise WrongSecretError(f"recovery key has {len(master)} bytes, not 32")
    return StoreKeys(master)


# ---- keys.json ------------------------------------------------------------------------------


def load_file(home: Path) -> dict[str, Any] | None:
    path = key_path(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StorageError(f"cannot read {KEY_FILE}: {type(exc).__name__}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("wraps"), list):
        raise StorageError(f"{KEY_FILE} has an unknown format")
    return data


def save_file(home: Path, data: dict[str, Any], *, exclusive: bool = False) -> None:
    """Write keys.json atomically, owner-only (`exclusive`: FileExistsError if it exists)."""
    path = key_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{KEY_FILE}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        if exclusive:  # two processes opening a new home at once must agree on one key
            os.link(tmp, path)
            tmp.unlink()
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: object) -> bytes:
    return base64.b64decode(str(text))


def _wrap(kek: bytes, keys: StoreKeys, aad: str) -> dict[str, str]:
    nonce = secrets.token_bytes(12)
    return {"nonce": _b64(nonce), "ct": _b64(AESGCM(kek).encrypt(nonce, keys.master, aad.encode()))}


def _unwrap(kek: bytes, wrap: dict[str, Any], aad: str) -> StoreKeys:
    try:
        return StoreKeys(AESGCM(kek).decrypt(_unb64(wrap["nonce"]), _unb64(wrap["ct"]), aad.encode()))
    except (InvalidTag, KeyError, ValueError) as exc:
        raise WrongSecretError("wrap does not open with this secret") from exc


def _password_kek(password: str, kdf: dict[str, Any]) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        _unb64(kdf["salt"]),
        int(kdf["t"]),
        int(kdf["m"]),
        int(kdf["p"]),
        32,
        Type.ID,
    )


def new_file(keys: StoreKeys, *, demo: bool) -> dict[str, Any]:
    return {"format": FORMAT, "check": keys.check, "demo": demo, "wraps": [], "local": keys.master.hex()}


def create(home: Path, *, demo: bool = False) -> StoreKeys:
    """A new random store key for a new home, kept `local` (unsealed) until IT seals it."""
    if load_file(home) is not None:
        raise StorageError(f"{KEY_FILE} already exists")
    keys = StoreKeys(secrets.token_bytes(32))
    save_file(home, new_file(keys, demo=demo), exclusive=True)
    logger.info("new store key created (%s)", "demo" if demo else "unsealed until `key seal`")
    return remember(home, keys)


def is_sealed(home: Path) -> bool:
    data = load_file(home)
    return data is not None and "local" not in data


def is_demo(home: Path) -> bool:
    data = load_file(home)
    return bool(data and data.get("demo"))


def _checked(data: dict[str, Any], keys: StoreKeys) -> StoreKeys:
    if not hmac.compare_digest(str(data.get("check", "")), keys.check):
        raise WrongSecretError("key does not match this store")
    return keys
