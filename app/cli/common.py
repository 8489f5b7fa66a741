"""Shared start-up of the store CLIs: data folder, logging, unlocking, database and blob store.

A sealed desk's commands need a key: a demo or not-yet-sealed home, or one whose key is in the OS
keyring, opens by itself; otherwise the recovery key (`MOTCUA_RECOVERY_KEY` or the first line of the
file named by `MOTCUA_RECOVERY_KEY_FILE`), or a clerk's password (`MOTCUA_CLERK` with
`MOTCUA_PASSWORD` or `MOTCUA_PASSWORD_FILE`), or, at a terminal, a prompt for either.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from app import keys as key_store
from app.config import Settings, blobs_dir, data_home, db_path, load_settings
from app.domain.errors import AppError
from app.logs import setup_logging
from app.storage import BlobStore, Database, open_db
from app.storage.db import store_keys

PROMPT_USER = "Tên đăng nhập cán bộ (để trống nếu dùng khóa khôi phục): "


def unlock(home: Path) -> key_store.StoreKeys:
    """The store keys for a command line tool (see the module docstring)."""
    keys = key_store.unlock_unattended(home)
    if keys is not None:
        return keys
    if key_store.load_file(home) is None:  # a new home, or a plaintext one to seal in place
        return store_keys(db_path(home))
    if not sys.stdin.isatty():
        raise key_store.StoreLockedError(
            "store is sealed; no key in the environment and no terminal to ask",
            "Kho dữ liệu đang khóa. Hãy đặt MOTCUA_RECOVERY_KEY_FILE (khóa khôi phục) hoặc "
            "MOTCUA_CLERK và MOTCUA_PASSWORD_FILE (mật khẩu cán bộ), hoặc chạy lệnh ở cửa sổ dòng lệnh.",
        )
    username = input(PROMPT_USER).strip()
    if username:
        return key_store.unlock_with_password(home, username, getpass.getpass("Mật khẩu: "))
    return key_store.unlock_with_recovery(home, getpass.getpass("Khóa khôi phục: "))


def open_store() -> tuple[Database, BlobStore, Settings]:
    home = data_home()
    setup_logging(home)
    keys = unlock(home)
    blobs = BlobStore(blobs_dir(home), keys)
    if blobs.root.exists():
        blobs.sweep_temp()
    return open_db(db_path(home), keys=keys), blobs, load_settings(home)


def fail(exc: AppError) -> int:
    """Print the clerk's message (Vietnamese) and the precise English cause; exit code 2."""
    print(f"Lỗi: {exc.user_message}", file=sys.stderr)
    print(f"({exc.code}: {exc.log_message})", file=sys.stderr)
    return 2
