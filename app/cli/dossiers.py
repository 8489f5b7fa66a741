"""`python -m app dossiers [--json] [--filter F] [--query Q] [--limit N]`: list the desk's dossiers."""

from __future__ import annotations

import argparse
import json
import sys

from app.cli.common import fail, open_store
from app.domain.errors import AppError
from app.services.queries import FILTERS, list_dossiers


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app dossiers", description=__doc__)
    parser.add_argument("--json", action="store_true", help="a JSON list instead of a table")
    parser.add_argument("--filter", default="all", choices=FILTERS)
    parser.add_argument("--query", default="", help="code, applicant name, ID number or scanned text")
    parser.add_argument("--limit", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    try:
        db, _blobs, _settings = open_store()
        with db:
            page = list_dossiers(db, args.filter, args.query, limit=args.limit)
            counts = dict(db.conn.execute("SELECT id, event_count FROM dossiers").fetchall())
            channels = dict(
                db.conn.execute(
                    "SELECT d.id, f.channel FROM dossiers d JOIN dossier_facts f ON f.rid = d.rid"
                ).fetchall()
            )
    except AppError as exc:
        return fail(exc)
    items = [
        {
            "id": d["id"],
            "code": d["code"],
            "procedure": d["procedure_code"],
            "procedure_name": d["procedure_name"],
            "state": d["status"],
            "due_date": d["due_date"],
            "received_at": d["received_at"],
            "returned_at": d["returned_at"],
            "channel": channels.get(d["id"]) or "truc_tiep",
            "is_overdue": d["is_overdue"],
            "event_count": counts.get(d["id"]),
            "flag_count": d["flag_count"],
        }
        for d in page.items
    ]
    if args.json:
        json.dump(items, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for d in items:
            print(f"{d['code'] or '-':28} {d['state']:22} {d['due_date'] or '-':10} {d['procedure']}")
        print(f"{len(items)} dossiers", file=sys.stderr)
    return 0
