"""`python -m app audit verify`: recompute the audit log's hash chain; exit 1 at the first broken row."""

from __future__ import annotations

import argparse

from app.cli.common import fail, open_store
from app.domain.errors import AppError
from app.storage.audit import verify_chain


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app audit", description=__doc__)
    parser.add_argument("action", choices=["verify"])
    parser.parse_args(argv)
    try:
        db, _blobs, _settings = open_store()
        with db:
            report = verify_chain(db)
    except AppError as exc:
        return fail(exc)
    if report.is_intact:
        print(f"audit log intact: {report.rows} rows")
        return 0
    print(f"audit log BROKEN at row {report.first_broken}: {report.reason}")
    return 1
