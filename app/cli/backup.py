"""`motcua backup --out FILE` or `motcua backup --to-dir DIR [--keep N]`: a verified one-file backup.

The database is copied with SQLite's online backup, so the desk may keep running and receiving.
`--to-dir` names the file by point, desk and time and keeps only the newest N in that folder
(a USB disk); `--scheduled` does that only if the configured daily backup is due.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from app.backup import create_backup
from app.backup_schedule import backup_to_dir, run_scheduled_backup
from app.cli.common import unlock
from app.config import data_home, load_settings
from app.domain.errors import AppError
from app.logs import setup_logging

logger = logging.getLogger(__name__)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="motcua backup", description=__doc__.split("\n", 1)[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="write the backup to this file (.tar)")
    where.add_argument("--to-dir", type=Path, help="write a dated backup into this folder and rotate")
    where.add_argument("--scheduled", action="store_true", help="the daily backup to the configured folder")
    parser.add_argument(
        "--keep", type=int, default=None, help="with --to-dir: backups to keep (default: settings)"
    )
    args = parser.parse_args(argv)
    setup_logging(stderr=False)
    try:
        unlock(data_home())  # a sealed desk: the key from the keyring, the environment or a prompt
        if args.out:
            info = create_backup(args.out)
        elif args.to_dir:
            keep = args.keep if args.keep is not None else load_settings().backup_keep
            info = backup_to_dir(args.to_dir, keep)
        else:
            scheduled = run_scheduled_backup()
            if scheduled is None:
                print("Chưa đến hạn sao lưu hoặc chưa cấu hình thư mục sao lưu (backup_dir).")
                return 0
            info = scheduled
    except AppError as exc:
        logger.error("backup failed: %s", exc.log_message)
        print(exc.user_message, file=sys.stderr)
        return 1
    m = info.marker
    print(f"{info.path}\t{info.size} bytes\t{info.files} files\t{m.dossiers} dossiers\t{m.events} events")
    print(f"Đã sao lưu và kiểm tra: {info.path}")
    return 0
