"""`python -m app cash report --day YYYY-MM-DD [--clerk USER] --out F.pdf [--counted N --reason R] [--json]`
and `python -m app cash range add --form MẪU --series KÝ_HIỆU --from A --to B --desk N [--kind K] --by HEAD`
| `cash range list`.

`report` prints the end-of-day cash report of one clerk (or of every clerk of this desk) to a PDF for
signature; with `--counted` (and `--clerk`) it first records that clerk's counted cash and the difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import fail, open_store
from app.domain.errors import AppError, ValidationError
from app.forms.cash_day import render_cash_day
from app.services.cash_report import day_report, submit
from app.services.clerks import get_clerk
from app.services.context import Desk
from app.services.receipts import KINDS, add_range, list_ranges


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app cash", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    rep = sub.add_parser("report")
    rep.add_argument("--day", required=True)
    rep.add_argument("--clerk", help="username (default: every clerk of this desk)")
    rep.add_argument("--out", type=Path, required=True)
    rep.add_argument("--counted", type=int, help="cash counted by the clerk (đồng)")
    rep.add_argument("--reason", default="", help="why the counted cash differs")
    rep.add_argument("--json", action="store_true", help="also print the report as JSON")
    rng = sub.add_parser("range").add_subparsers(dest="range_action", required=True)
    add = rng.add_parser("add")
    add.add_argument("--form", required=True)
    add.add_argument("--series", required=True)
    add.add_argument("--from", dest="first", type=int, required=True)
    add.add_argument("--to", dest="last", type=int, required=True)
    add.add_argument("--desk", type=int, required=True)
    add.add_argument("--kind", default="printed", choices=KINDS)
    add.add_argument("--by", required=True, help="username of the head of point giving the range")
    rng.add_parser("list")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        db, blobs, settings = open_store()
        with db:
            if args.action == "report":
                clerk_id = get_clerk(db, args.clerk).id if args.clerk else None
                if args.counted is not None:
                    if clerk_id is None:
                        raise ValidationError(
                            "--counted without --clerk", "Hãy chọn cán bộ (--clerk) khi nhập tiền kiểm đếm."
                        )
                    submit(Desk(db, blobs, settings, clerk_id), args.day, args.counted, args.reason)
                report = day_report(db, args.day, clerk_id)
                args.out.write_bytes(render_cash_day(report, settings))
                if args.json:
                    json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
                    print()
                print(f"{args.out}: {len(report.clerks)} clerk(s), total {report.total}", file=sys.stderr)
            elif args.range_action == "add":
                desk = Desk(db, blobs, settings, get_clerk(db, args.by).id)
                r = add_range(desk, args.form, args.series, args.first, args.last, args.desk, args.kind)
                print(f"range {r.form} {r.series} {r.first_no}-{r.last_no} -> desk {r.desk} ({r.kind})")
            else:
                for r in list_ranges(db):
                    print(
                        f"{r.form:12} {r.series:10} {r.first_no:>7}-{r.last_no:<7} desk {r.desk:2} {r.kind:10} left {r.left}"
                    )
    except AppError as exc:
        return fail(exc)
    return 0
