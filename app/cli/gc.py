"""`python -m app gc [--dry-run]`: remove blob files older than an hour that no event and no `blobs`
row references (left by a dossier whose transaction failed). Prints what it found; exit 0."""

from __future__ import annotations

import argparse

from app.cli.common import fail, open_store
from app.domain.errors import AppError
from app.storage.blob_gc import collect


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app gc", description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="only list the orphan files")
    args = parser.parse_args(argv)
    try:
        db, blobs, _settings = open_store()
        with db:
            report = collect(db, blobs, dry_run=args.dry_run)
    except AppError as exc:
        return fail(exc)
    for sha in report.orphans:
        print(sha)
    verb = "would remove" if args.dry_run else "removed"
    print(
        f"{len(report.orphans)} orphan files ({report.bytes / 1e6:.1f} MB), {verb} "
        f"{len(report.orphans) if args.dry_run else report.removed}; "
        f"{report.young} unreferenced files younger than an hour left alone"
    )
    return 0
