"""`python -m app catalog (search QUERY [--limit N] [--json] | import FILE | export FILE | show CODE)`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.catalog import ensure_loaded, get_procedure, import_file, list_procedures, search, write_catalog
from app.cli.common import unlock
from app.config import data_home, db_path
from app.domain.errors import AppError
from app.storage import open_db


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua catalog", description="Danh mục thủ tục hành chính")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search", help="CODE<TAB>NAME per hit, best first")
    s.add_argument("query")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--json", action="store_true")
    sub.add_parser("import", help="import a catalog file (all or nothing)").add_argument("file", type=Path)
    sub.add_parser("export", help="write the current catalog as JSON").add_argument("file", type=Path)
    sub.add_parser("show", help="print one procedure as JSON").add_argument("code")
    return parser


def _run(args: argparse.Namespace) -> int:
    with open_db(db_path(), keys=unlock(data_home())) as db:  # WAL, busy timeout, foreign keys, migrations
        conn = db.conn
        ensure_loaded(conn)
        if args.command == "search":
            hits = search(conn, args.query, limit=args.limit)
            if args.json:
                print(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=2))
            for hit in [] if args.json else hits:
                print(f"{hit.code}\t{hit.name}")
        elif args.command == "import":
            report = import_file(conn, args.file)
            print(f"Đã nhập danh mục: {report.summary()}")
        elif args.command == "export":
            procs = list_procedures(conn)
            write_catalog(args.file, procs)
            print(f"Đã xuất {len(procs)} thủ tục ra {args.file}")
        else:
            print(get_procedure(conn, args.code).model_dump_json(indent=2))
    return 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except AppError as exc:
        print(f"Lỗi: {exc.user_message}\nerror: {exc.log_message}", file=sys.stderr)
        return 2
