"""`python -m app demo --dossiers N [--pages K] [--seed S]`: receive N demo dossiers through the services."""

from __future__ import annotations

import argparse
import sys

from app import keys as key_store
from app.cli.common import fail, open_store
from app.config import data_home, db_path
from app.domain.errors import AppError
from app.services.demo import seed_demo


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app demo", description=__doc__)
    parser.add_argument("--dossiers", type=int, required=True, help="how many dossiers to receive")
    parser.add_argument("--pages", type=int, default=1, help="generated page images per dossier")
    parser.add_argument("--seed", type=int, default=None, help="random seed (same seed, same applicants)")
    args = parser.parse_args(argv)
    if args.dossiers < 0 or args.pages < 0:
        parser.error("--dossiers and --pages must be >= 0")

    def progress(done: int, total: int) -> None:
        print(f"received {done}/{total}", flush=True)

    try:
        home = data_home()
        if key_store.load_file(home) is None and not db_path(home).exists():
            key_store.create(home, demo=True)  # a demo home: a demo clerk, unlocks unattended
        db, blobs, settings = open_store()
        with db:
            ids = seed_demo(db, blobs, settings, args.dossiers, args.pages, progress=progress, seed=args.seed)
    except AppError as exc:
        return fail(exc)
    print(f"{len(ids)} dossiers received", file=sys.stderr)
    return 0
