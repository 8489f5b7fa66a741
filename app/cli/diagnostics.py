"""`motcua diagnostics --out FILE`: a zip for support (logs, versions, settings, self-test, db counts).

Carries no personal data: the database is read for counts only, secrets are dropped from the
settings, and the logs are scrubbed of every name, ID number, address, phone and e-mail.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path

from app.cli.common import unlock
from app.config import data_home
from app.diagnostics import collect
from app.domain.errors import AppError
from app.logs import setup_logging

logger = logging.getLogger(__name__)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="motcua diagnostics", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="the zip file to write")
    parser.add_argument("--no-self-test", action="store_true", help="skip running the self-test")
    args = parser.parse_args(argv)
    setup_logging(stderr=False)
    with contextlib.suppress(AppError):  # locked: the report simply counts less
        unlock(data_home())
    try:
        path = collect(args.out, include_self_test=not args.no_self_test)
    except OSError as exc:
        logger.error("diagnostics failed: %s", exc)
        print(f"Không ghi được tệp chẩn đoán: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Đã tạo tệp chẩn đoán (không chứa dữ liệu cá nhân): {path}")
    return 0
