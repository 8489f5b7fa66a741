"""Sealed scratch files: the forms the desk makes for printing and preview (receipt, forms 02-06,
guidance sheets) are written to their temporary file sealed with AES-256-GCM under the store key,
and read back into memory to render or print. Only an explicit "save a copy" writes clear PDF, to
the place the clerk chose.

On disk: `MCS1` + the first 8 bytes of the store's key check (which unlocked key opens it) + nonce +
ciphertext and tag.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app import keys as key_store
from app.domain.errors import IntegrityError

MAGIC = b"MCS1"
AAD = b"motcua/scratch"


def seal(keys: key_store.StoreKeys, data: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    head = MAGIC + bytes.fromhex(keys.check[:16])
    return head + nonce + AESGCM(keys.blob_key).encrypt(nonce, data, AAD)


def write(home: Path, out: Path, data: bytes) -> Path:
    """Write `data` sealed to `out` (atomically, owner-only) with the keys of `home`."""
    sealed = seal(key_store.for_home(home), data)
    tmp = out.with_name(out.name + ".part")
    tmp.touch(mode=0o600)
    tmp.write_bytes(sealed)
    tmp.replace(out)
    return out


def unseal(raw: bytes) -> bytes:
    """The plaintext of a sealed scratch file (a clear file is returned as it is)."""
    if not raw.startswith(MAGIC):
        return raw
    check = raw[4:12].hex()
    for keys in key_store.unlocked_keys():
        if keys.check.startswith(check):
            try:
                return AESGCM(keys.blob_key).decrypt(raw[12:24], raw[24:], AAD)
            except InvalidTag as exc:
                raise IntegrityError("scratch file does not open with its store's key") from exc
    raise key_store.StoreLockedError("scratch file of a store that is not unlocked in this process")


def read(path: Path) -> bytes:
    return unseal(Path(path).read_bytes())
