"""`python -m app report (--day YYYY-MM-DD | --month YYYY-MM | --quarter YYYY-Qn) --out F.xlsx|F.pdf
[--queue-db FILE] [--json]`: the point's numbers (QĐ 766 indicators) for a day, a month or a quarter.

Waiting and service times come from the queue service's database (`--queue-db`, default the setting
`queue_db`, else `queue.db` beside desk.db when it exists).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import fail, open_store
from app.config import data_home
from app.domain.errors import AppError, ValidationError
from app.reports import period as periods
from app.reports.pdf import render_pdf
from app.reports.point import TicketTimes, compute
from app.reports.xlsx import render_xlsx


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app report", description=__doc__)
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--day")
    when.add_argument("--month")
    when.add_argument("--quarter")
    parser.add_argument("--out", type=Path, required=True, help="F.xlsx or F.pdf")
    parser.add_argument("--queue-db", type=Path, help="the queue service's database")
    parser.add_argument("--json", action="store_true", help="also print the tables as JSON")
    return parser


def _tickets(path: Path | None, p: periods.Period) -> list[TicketTimes]:
    if path is None or not path.exists():
        return []
    from app.queue.store import ticket_times

    return ticket_times(path, p.start, p.end)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.out.suffix.lower() not in (".xlsx", ".pdf"):
            raise ValidationError(
                f"bad report file {args.out.name}", "Tệp báo cáo phải có đuôi .xlsx hoặc .pdf."
            )
        p = (
            periods.day(args.day)
            if args.day
            else periods.month(args.month)
            if args.month
            else periods.quarter(args.quarter)
        )
        db, _blobs, settings = open_store()
        queue_db = args.queue_db or Path(str(settings.extra.get("queue_db") or data_home() / "queue.db"))
        with db:
            report = compute(db, p, settings.point_name, _tickets(queue_db, p))
        data = render_xlsx(report) if args.out.suffix.lower() == ".xlsx" else render_pdf(report, settings)
        tmp = args.out.with_suffix(args.out.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(args.out)
    except AppError as exc:
        return fail(exc)
    if args.json:
        tables = [{"key": t.key, "header": t.header, "total": t.total, "rows": t.rows} for t in report.tables]
        json.dump(
            {"period": [str(p.start), str(p.end)], "tables": tables}, sys.stdout, ensure_ascii=False, indent=1
        )
        print()
    print(f"{args.out}: {p.label_vi}, {len(report.tables)} tables", file=sys.stderr)
    return 0
