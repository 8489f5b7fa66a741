"""The hub's blob key: 32 random bytes in a file kept OUTSIDE the data folder.

Default place: `<data>-keys/blob.key`, a sibling folder of the data folder (created 0700, the file 0600,
at the hub's first start). A sibling and not the data folder itself, so a copy or backup of the data
folder (or a stolen disk image of it) does not carry the key; a folder the hub's own user can create,
so no root is needed (unlike /etc). IT may name another place (`--blob-key FILE` or
`MOTCUA_HUB_BLOB_KEY_FILE`), e.g. a removable medium or a secrets mount.

The file holds the key as 64 hex digits (one line: easy to print or copy for a backup). A key file that
cannot be read or is not 64 hex digits stops the hub with a clear message; it is never replaced.
`<data>/blob-key.id` holds a fingerprint of the key (an HMAC, not the key): a hub started with another
key than the one its blobs were sealed with says so, and serves no file it cannot open.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

logger = logging.getLogger(__name__)
KEY_BYTES = 32
ID_FILE = "blob-key.id"


class BlobKeyError(SystemExit):
    """The key file is unreadable or malformed: the hub does not start."""


def default_key_file(data_dir: Path) -> Path:
    data = data_dir.resolve()
    return data.parent / f"{data.name}-keys" / "blob.key"


def key_id(key: bytes) -> str:
    return hmac.new(key, b"motcua hub blob key id", hashlib.sha256).hexdigest()[:32]


def load_or_create(path: Path) -> bytes:
    """The key in `path`; generated (0600, in a 0700 folder) if the file does not exist."""
    if not path.exists():
        return _create(path)
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise BlobKeyError(f"hub blob key {path}: cannot be read ({type(exc).__name__})") from exc
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise BlobKeyError(
            f"hub blob key {path}: not a key (want {KEY_BYTES * 2} hex digits on one line); "
            "restore it from its backup, or move it away only if no blob was sealed with it"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        logger.warning("hub blob key %s is readable by others (mode %o): chmod 600 it", path, mode)
    return key


def _create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)  # never over an existing key (two hubs starting at once keep the first)
    except FileExistsError:
        return load_or_create(path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    logger.info("hub blob key created at %s: back it up (without it the hub's files do not open)", path)
    return key


def check_id(data_dir: Path, key: bytes) -> bool:
    """True if this key is the one the data folder's blobs were sealed with (recorded at first use)."""
    id_file = data_dir / ID_FILE
    mine = key_id(key)
    try:
        recorded = id_file.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        tmp = id_file.with_name(f".{ID_FILE}.{secrets.token_hex(4)}.tmp")
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(mine + "\n")
        os.replace(tmp, id_file)
        return True
    if hmac.compare_digest(recorded, mine):
        return True
    logger.error(
        "hub blob key does not match the key the files in %s were sealed with: no file will be served "
        "or sealed until the hub starts with its own key (see README, 'The hub's blob key')",
        data_dir / "blobs",
    )
    return False
