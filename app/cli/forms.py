"""`python -m app forms print --dossier CODE --form 01..06 --out F.pdf` and
`python -m app forms register (--day YYYY-MM-DD | --month YYYY-MM) --out F.pdf|F.xlsx`.

Exit 0 with the written path on stdout; 2 with a Vietnamese message for a dossier that does not
exist or has no data for the form asked (e.g. 04 for a dossier never apologised for).
"""

from __future__ import annotations

import argparse
import logging
from datetime import date
from pathlib import Path

from app.cli.common import fail, open_store
from app.config import data_home
from app.domain.errors import AppError, ValidationError
from app.services.dossier_forms import FORM_CODES, month_bounds, render_form
from app.services.queries import get_dossier
from app.services.register import render_period

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua forms", description="In các mẫu của Thông tư 03/2025/TT-VPCP"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("print", help="one form of a dossier (01 with both copies)")
    one.add_argument("--dossier", required=True, help="dossier code or id")
    one.add_argument("--form", required=True, choices=FORM_CODES)
    one.add_argument("--out", required=True, type=Path)
    one.add_argument("--clerk-name", default="", help="name printed under the signature")
    reg = sub.add_parser("register", help="form 07 for a day or a month, PDF or XLSX")
    period = reg.add_mutually_exclusive_group(required=True)
    period.add_argument("--day", help="YYYY-MM-DD")
    period.add_argument("--month", help="YYYY-MM")
    reg.add_argument("--out", required=True, type=Path, help="F.pdf or F.xlsx")
    return parser


def _write(out: Path, data: bytes) -> None:
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)


def _register(args: argparse.Namespace) -> bytes:
    try:
        if args.day:
            first = last = date.fromisoformat(args.day)
        else:
            first, last = month_bounds(args.month)
    except ValueError as exc:
        raise ValidationError(
            f"bad period: {exc}", "Ngày phải có dạng YYYY-MM-DD, tháng dạng YYYY-MM."
        ) from exc
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValidationError(f"bad output suffix {suffix!r}", "Tệp ra phải có đuôi .pdf hoặc .xlsx.")
    db, _blobs, settings = open_store()
    try:
        return render_period(db, settings, first, last, suffix[1:], home=data_home())
    finally:
        db.close()


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "register":
            data = _register(args)
        else:
            db, _blobs, settings = open_store()
            try:
                state = get_dossier(db, args.dossier.strip())
                data = render_form(db, state, args.form, settings, args.clerk_name, data_home())
            finally:
                db.close()
    except AppError as exc:
        logger.warning("forms %s failed: %s", args.command, exc.log_message)
        return fail(exc)
    _write(args.out, data)
    print(args.out)
    return 0
