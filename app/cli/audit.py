"""`python -m app audit verify`: recompute the keyed audit chain, every event's seal and every dossier's
projection; exit 1 at the first thing that does not hold (an edited event payload, an edited
projection, an edited, inserted or deleted audit row, a deleted tail, a reset sqlite_sequence)."""

from __future__ import annotations

import argparse

from app.cli.common import fail, open_store
from app.domain.errors import AppError
from app.services.integrity import check_projection
from app.storage.audit import verify_chain


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app audit", description=__doc__)
    parser.add_argument("action", choices=["verify"])
    parser.parse_args(argv)
    try:
        db, _blobs, _settings = open_store()
        with db:
            report = verify_chain(db)
            projection = check_projection(db)
    except AppError as exc:
        return fail(exc)
    if not report.is_intact:
        where = f"row {report.first_broken}" if report.first_broken else "the events"
        print(f"audit log BROKEN at {where}: {report.reason}")
        return 1
    if not projection.ok:
        print(f"audit log intact ({report.rows} rows) but the projection was edited: {projection.detail}")
        return 1
    print(f"audit log intact: {report.rows} rows, every event sealed, {projection.detail}")
    return 0
