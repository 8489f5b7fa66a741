"""`motcua restore FILE [--force]`: restore a backup into `$MOTCUA_HOME` (close the desk app first).

Refuses when the data already there is newer than the backup (it holds events the backup lacks, or a
later last event), unless `--force`; the previous database is kept as `desk.db.pre-restore-<time>`.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path

from app import keys as key_store
from app.config import data_home
from app.domain.errors import AppError
from app.logs import setup_logging
from app.restore import restore_backup

logger = logging.getLogger(__name__)


def _recovery_key() -> key_store.StoreKeys:
    text = key_store.read_secret(key_store.ENV_RECOVERY, key_store.ENV_RECOVERY_FILE)
    if text is None and sys.stdin.isatty():
        text = getpass.getpass("Khóa khôi phục của bản sao lưu: ")
    if not text:
        raise key_store.StoreLockedError("sealed backup and no recovery key given")
    return key_store.parse_recovery(text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="motcua restore", description=__doc__.split("\n", 1)[0])
    parser.add_argument("file", type=Path, help="a backup written by `motcua backup`")
    parser.add_argument("--force", action="store_true", help="overwrite even a newer store")
    args = parser.parse_args(argv)
    home = data_home()
    setup_logging(home, stderr=False)
    if not args.file.is_file():
        print(f"Không tìm thấy tệp sao lưu: {args.file}", file=sys.stderr)
        return 2
    try:
        try:
            info = restore_backup(args.file, home, force=args.force)
        except key_store.StoreLockedError:  # a sealed backup: its recovery key opens it
            info = restore_backup(args.file, home, force=args.force, keys=_recovery_key())
    except AppError as exc:
        logger.error("restore failed: %s", exc.log_message)
        print(exc.user_message, file=sys.stderr)
        print(exc.log_message, file=sys.stderr)
        return 1
    print(f"Đã khôi phục vào {info.home}: {info.dossiers} hồ sơ, {info.events} sự kiện, {info.files} tệp.")
    if info.kept_previous:
        print(f"Dữ liệu cũ được giữ lại tại {info.kept_previous}")
    return 0
