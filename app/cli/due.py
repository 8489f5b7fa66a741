"""`python -m app due --received ISO8601 (--days N | --same-day | --immediate | --procedure CODE) [--calendar FILE]`

Prints the appointment date YYYY-MM-DD on the first line, then the hour and how it was counted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.calendar import Appointment, WorkCalendar, installed_overlays, load_overlay, parse_received
from app.catalog import ensure_loaded, get_procedure
from app.cli.common import unlock
from app.config import data_home, db_path, load_settings
from app.domain.errors import AppError
from app.storage import open_db


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua due", description="Ngày hẹn trả kết quả")
    parser.add_argument("--received", required=True, help="ISO 8601, e.g. 2026-11-20T14:30:00+07:00")
    period = parser.add_mutually_exclusive_group(required=True)
    period.add_argument("--days", type=int, help="N working days")
    period.add_argument("--same-day", action="store_true")
    period.add_argument("--immediate", action="store_true")
    period.add_argument("--procedure", help="procedure code from the catalog, e.g. 1.004222")
    parser.add_argument("--calendar", type=Path, help="overlay file {year, source, days_off, working_days}")
    return parser


def _appointment(args: argparse.Namespace) -> Appointment:
    overlays = list(installed_overlays(data_home()))
    if args.calendar:
        overlays.append(load_overlay(args.calendar))
    cal = WorkCalendar.from_settings(load_settings(), overlays)
    received = parse_received(args.received)
    if args.procedure:
        with open_db(
            db_path(), keys=unlock(data_home())
        ) as db:  # WAL, busy timeout, foreign keys, migrations
            ensure_loaded(db.conn)
            proc = get_procedure(db.conn, args.procedure.strip())
        return cal.appointment(received, proc.processing.kind, proc.processing.count)
    if args.days is not None:
        return cal.appointment(received, "working_days", args.days)
    return cal.appointment(received, "same_day" if args.same_day else "immediate")


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        appt = _appointment(args)
    except AppError as exc:
        print(f"Lỗi: {exc.user_message}\nerror: {exc.log_message}", file=sys.stderr)
        return 2
    print(appt.due_date.isoformat())
    print(f"{appt.due_time_text} (tính từ {appt.counted_from.isoformat()}; {appt.explanation})")
    return 0
