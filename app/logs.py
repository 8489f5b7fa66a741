"""Logging for every entry point: a rotating file under `$MOTCUA_HOME/logs` and stderr.

Log lines name records by id only; never a citizen's name, ID number, address or scan.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import re
from pathlib import Path

from app.config import logs_dir

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"
# Defence in depth: should a log call ever carry an ID-card number (9-digit CMND, 12-digit CCCD),
# it is masked before it reaches the file. Ids (UUIDs, HLCs, dossier codes) are never matched.
ID_NUMBER = re.compile(r"(?<![\w-])(?:\d{9}|\d{12})(?![\w-])")


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return ID_NUMBER.sub("[ẩn]", super().format(record))


def setup_logging(home: Path | None = None, level: int = logging.INFO, stderr: bool = True) -> Path:
    """Install the handlers once per process; returns the log file path."""
    folder = logs_dir(home)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "motcua.log"
    with contextlib.suppress(OSError):  # desk data is owner-only (0700 folder, 0600 file)
        os.chmod(folder, 0o700)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        os.chmod(path, 0o600)
    root = logging.getLogger()
    if any(getattr(h, "_motcua", False) for h in root.handlers):
        return path
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handlers: list[logging.Handler] = [handler]
    if stderr:
        handlers.append(logging.StreamHandler())
        handlers[-1].setLevel(logging.WARNING)
    for h in handlers:
        h.setFormatter(RedactingFormatter(FORMAT))
        h._motcua = True  # type: ignore[attr-defined]
        root.addHandler(h)
    root.setLevel(level)
    return path
