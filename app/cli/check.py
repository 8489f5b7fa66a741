"""`python -m app check`: integrity of the desk's data; prints a table; exit 0 only if all hold."""

from __future__ import annotations

import argparse

from app.cli.common import fail, open_store
from app.domain.errors import AppError
from app.services.integrity import run
from app.storage import search_index


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app check", description=__doc__)
    parser.add_argument(
        "--repair",
        action="store_true",
        help="restart a device clock an earlier version let run away; re-index dossiers for search",
    )
    args = parser.parse_args(argv)
    try:
        db, blobs, _settings = open_store()
        with db:
            if args.repair:
                was = db.repair_clock() or db.clock_repaired
                print(f"Device clock restarted (it stood at {was[:22]})" if was else "Device clock sound")
                fixed = search_index.reindex(db, force=True)
                print(f"Search index: {fixed} dossiers re-indexed" if fixed else "Search index sound")
            results = run(db, blobs)
    except AppError as exc:
        return fail(exc)
    width = max(len(r.name) for r in results)
    for r in results:
        print(f"{r.name:<{width}}  {'OK  ' if r.ok else 'FAIL'}  {r.detail}")
    ok = all(r.ok for r in results)
    print("ALL OK" if ok else "CHECK FAILED")
    return 0 if ok else 1
