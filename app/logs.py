"""Logging for every entry point: a rotating file under `$MOTCUA_HOME/logs` and stderr.

Log lines name records by id only; never a citizen's name, ID number, address or scan.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.config import logs_dir

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"


def setup_logging(home: Path | None = None, level: int = logging.INFO, stderr: bool = True) -> Path:
    """Install the handlers once per process; returns the log file path."""
    folder = logs_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "motcua.log"
    root = logging.getLogger()
    if any(getattr(h, "_motcua", False) for h in root.handlers):
        return path
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handlers: list[logging.Handler] = [handler]
    if stderr:
        handlers.append(logging.StreamHandler())
        handlers[-1].setLevel(logging.WARNING)
    for h in handlers:
        h.setFormatter(logging.Formatter(FORMAT))
        h._motcua = True  # type: ignore[attr-defined]
        root.addHandler(h)
    root.setLevel(level)
    return path
