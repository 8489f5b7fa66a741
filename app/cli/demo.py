"""`python -m app demo --dossiers N [--pages K] [--seed S]`: receive N demo dossiers through the services."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace

from app import keys as key_store
from app.cli.common import fail, open_store
from app.config import data_home, db_path
from app.domain.agency_codes import DEMO_AGENCY_CODE, is_unset
from app.domain.errors import AppError
from app.services.demo import seed_demo

logger = logging.getLogger(__name__)


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
        if is_unset(settings.agency_code):  # demo dossiers get demo codes, never ones on the default;
            settings = replace(settings, agency_code=DEMO_AGENCY_CODE)  # the desk's settings are kept
            logger.info("demo dossiers coded on the demo agency code %s", DEMO_AGENCY_CODE)
        with db:
            ids = seed_demo(db, blobs, settings, args.dossiers, args.pages, progress=progress, seed=args.seed)
    except AppError as exc:
        return fail(exc)
    print(f"{len(ids)} dossiers received", file=sys.stderr)
    return 0
