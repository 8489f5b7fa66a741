"""`python -m central ...`: run the hub and administer it (enrollment, agency decisions, publishing)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from central import catalog_cli
from central.core.config import HubSettings
from central.core.db import Database, migrate

logger = logging.getLogger(__name__)
AGENCY_TYPES = ("accepted", "processing", "supplement_requested", "result_ready", "rejected", "due_extended")


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, help="hub data folder (SQLite hub.db, blobs/, tus/)")
    p.add_argument("--db", help="database URL, e.g. postgresql+psycopg://user@host:port/db")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m central", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the hub")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL)")
    _store_args(serve)
    code = sub.add_parser("enroll-code", help="print a one-time enrollment code (last line)")
    _store_args(code)
    code.add_argument("--point", required=True)
    code.add_argument("--desk", type=int, required=True)
    revoke = sub.add_parser("revoke-device", help="revoke a device")
    _store_args(revoke)
    revoke.add_argument("--device", required=True)
    dossiers = sub.add_parser("dossiers", help="list dossiers")
    _store_args(dossiers)
    dossiers.add_argument("--point")
    dossiers.add_argument("--json", action="store_true")
    agency = sub.add_parser("agency", help="agency decisions").add_subparsers(dest="action", required=True)
    post = agency.add_parser("post", help="post a decision on a dossier")
    _store_args(post)
    post.add_argument("--dossier", required=True, help="dossier code")
    post.add_argument("--event", required=True, choices=AGENCY_TYPES)
    post.add_argument("--file", type=Path, action="append", default=[])
    post.add_argument("--note")
    post.add_argument("--new-due-date", help="YYYY-MM-DD (due_extended)")
    for kind in ("catalog", "calendar"):
        pub = sub.add_parser(kind, help=f"{kind} publishing").add_subparsers(dest="action", required=True)
        p = pub.add_parser("publish", help=f"publish a {kind} JSON file to every desk")
        _store_args(p)
        p.add_argument("file", type=Path)
        if kind == "catalog":
            catalog_cli.add_publish_options(p)
            catalog_cli.register(pub, _store_args)
    _console_commands(sub)
    return parser


def _console_commands(sub: argparse._SubParsersAction) -> None:
    from central.console import cli

    cli.add_commands(sub, _store_args)


def _settings(args: argparse.Namespace) -> HubSettings:
    overrides: dict[str, object] = {}
    if args.data:
        overrides["data_dir"] = args.data
    if args.db:
        overrides["database_url"] = args.db
    if not args.data and not args.db:
        raise SystemExit("give --data DIR or --db URL")
    return HubSettings(**overrides)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if args.command == "catalog":  # import-portal, diff, publish (a draft or a plain catalog file)
        return catalog_cli.run(args, lambda: _open_store(args))
    settings = _settings(args)
    if args.command == "serve":
        import os

        import uvicorn

        from central.main import create_app

        if args.workers > 1:  # each worker builds the app from the same settings, passed by environment
            os.environ["MOTCUA_HUB_DATA_DIR"] = str(settings.data_dir)
            os.environ["MOTCUA_HUB_DATABASE_URL"] = settings.database_url
            create_app(settings)  # migrate once, before the workers start
            uvicorn.run(
                "central.main:app_from_env",
                factory=True,
                host=args.host,
                port=args.port,
                workers=args.workers,
                log_level="warning",
            )
        else:
            uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
        return 0
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.db_url)
    migrate(database.engine)
    from central import commands
    from central.console import cli, index

    index.install()  # agency posts from the command line keep the console's index in step too
    if args.command in cli.COMMANDS:
        return cli.run(args, database)

    return commands.run(args, settings, database)


def _open_store(args: argparse.Namespace) -> Database:
    settings = _settings(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.db_url)
    migrate(database.engine)
    return database


if __name__ == "__main__":
    sys.exit(main())
