"""`python -m central ...`: run the hub and administer it (enrollment, agency decisions, publishing)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from central import catalog_cli
from central.core.config import HubSettings
from central.core.db import Database, migrate, open_database
from sync.protocol import PUBLICATION_KINDS

logger = logging.getLogger(__name__)
AGENCY_TYPES = ("accepted", "processing", "supplement_requested", "result_ready", "rejected", "due_extended")


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, help="hub data folder (SQLite hub.db, blobs/, tus/)")
    p.add_argument("--db", help="database URL, e.g. postgresql+psycopg://user@host:port/db")
    p.add_argument(
        "--blob-key",
        type=Path,
        metavar="FILE",
        help="the key the hub's files are sealed with, outside the data folder (default: <data>-keys/blob.key)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m central", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the hub")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL)")
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate (chain): serve HTTPS")
    serve.add_argument("--tls-key", type=Path, help="PEM private key of --tls-cert")
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="CIDR",
        help="a proxy whose X-Forwarded-For names the client (repeatable; default: none trusted)",
    )
    _store_args(serve)
    code = sub.add_parser("enroll-code", help="print a one-time enrollment code (last line)")
    _store_args(code)
    code.add_argument("--point", required=True)
    code.add_argument("--desk", type=int, required=True)
    code.add_argument("--agency-code", help="the point's agency code (first enrollment of a point)")
    revoke = sub.add_parser("revoke-device", help="revoke a device")
    _store_args(revoke)
    revoke.add_argument("--device", required=True)
    forks = sub.add_parser("audit-forks", help="desks whose audit chain went backwards or forked")
    _store_args(forks)
    forks.add_argument("--point", help="only this point's desks")
    forks.add_argument("--all", action="store_true", help="cleared warnings too")
    forks.add_argument("--clear", metavar="DEVICE", help="mark a device's warnings as looked into")
    dossiers = sub.add_parser("dossiers", help="list dossiers")
    _store_args(dossiers)
    dossiers.add_argument("--point")
    dossiers.add_argument("--json", action="store_true")
    agency = sub.add_parser("agency", help="agency accounts and decisions")
    actions = agency.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an agency account; prints its token once (last line)")
    _store_args(add)
    add.add_argument("--name", required=True)
    add.add_argument("--point", action="append", default=[], help="a point it handles ('*': all)")
    add.add_argument("--procedure", action="append", default=[], help="a procedure code (default: all)")
    revoke_agency = actions.add_parser("revoke", help="revoke an agency's token")
    _store_args(revoke_agency)
    revoke_agency.add_argument("--name", required=True)
    post = actions.add_parser("post", help="post a decision on a dossier (as the hub's operator)")
    _store_args(post)
    post.add_argument("--dossier", required=True, help="dossier id, or code (unique at the hub)")
    post.add_argument("--event", required=True, choices=AGENCY_TYPES)
    post.add_argument("--file", type=Path, action="append", default=[])
    post.add_argument("--note")
    post.add_argument("--new-due-date", help="YYYY-MM-DD (due_extended)")
    for kind in PUBLICATION_KINDS:
        pub = sub.add_parser(kind, help=f"{kind} publishing").add_subparsers(dest="action", required=True)
        what = "JSON or TOML" if kind == "forms" else "JSON"
        p = pub.add_parser("publish", help=f"publish a {kind} {what} file to every desk")
        _store_args(p)
        p.add_argument("file", type=Path)
        if kind == "catalog":
            catalog_cli.add_publish_options(p)
            catalog_cli.register(pub, _store_args)
    blobs = sub.add_parser("blobs", help="the hub's sealed files").add_subparsers(
        dest="action", required=True
    )
    seal = blobs.add_parser("seal", help="seal files stored in clear (an older hub's) in place")
    _store_args(seal)
    check = blobs.add_parser("check", help="count files sealed, in clear, and not opening with the key")
    _store_args(check)
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
    if getattr(args, "blob_key", None):
        overrides["blob_key_file"] = args.blob_key
    if not args.data and not args.db:
        raise SystemExit("give --data DIR or --db URL")
    return HubSettings(**overrides)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    os.umask(0o077)  # hub data (database, scans, uploads) readable by the hub's own user only
    if args.command == "catalog":  # import-portal, diff, publish (a draft or a plain catalog file)
        return catalog_cli.run(args, lambda: _open_store(args))
    settings = _settings(args)
    if args.command == "serve":
        return _serve(args, settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if args.command == "blobs":
        return _blobs(args, settings)
    database = open_database(settings)
    migrate(database.engine)
    from central import commands
    from central.console import cli, index

    index.install()  # agency posts from the command line keep the console's index in step too
    if args.command in cli.COMMANDS:
        return cli.run(args, database)

    return commands.run(args, settings, database)


def _blobs(args: argparse.Namespace, settings: HubSettings) -> int:
    from central.blobs import open_store

    blobs = open_store(settings.data_dir, settings.blobs_dir, settings.key_file)
    if not blobs.usable:
        return 2
    if args.action == "seal":
        sealed, left = blobs.seal_all()
        print(f"{sealed} files sealed; {left} in clear that do not hash to their name")
        return 1 if left else 0
    counts = {"sealed": 0, "clear": 0, "bad": 0}
    for sha in blobs.iter_shas():
        kind = "bad" if not blobs.verify(sha) else "sealed" if blobs.is_sealed(sha) else "clear"
        counts[kind] += 1
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 1 if counts["clear"] or counts["bad"] else 0


def _serve(args: argparse.Namespace, settings: HubSettings) -> int:
    import uvicorn

    from central.main import create_app

    if bool(args.tls_cert) != bool(args.tls_key):
        raise SystemExit("give both --tls-cert and --tls-key")
    if args.trusted_proxy:
        settings.trusted_proxies = ",".join(args.trusted_proxy)
    from central.console.ratelimit import parse_networks

    try:
        parse_networks(settings.trusted_proxies)
    except ValueError as exc:
        raise SystemExit(f"--trusted-proxy: {exc}") from exc
    tls = {"ssl_certfile": str(args.tls_cert), "ssl_keyfile": str(args.tls_key)} if args.tls_cert else {}
    if not tls and args.host not in ("127.0.0.1", "::1", "localhost"):
        logger.warning("serving plain HTTP on %s: put a TLS proxy in front, or give --tls-cert", args.host)
    if args.workers > 1:  # each worker builds the app from the same settings, passed by environment
        os.environ["MOTCUA_HUB_DATA_DIR"] = str(settings.data_dir)
        os.environ["MOTCUA_HUB_DATABASE_URL"] = settings.database_url
        os.environ["MOTCUA_HUB_BLOB_KEY_FILE"] = str(settings.key_file)
        os.environ["MOTCUA_HUB_TRUSTED_PROXIES"] = settings.trusted_proxies
        create_app(settings)  # migrate once, before the workers start
        uvicorn.run(
            "central.main:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="warning",
            proxy_headers=False,  # the console reads X-Forwarded-For from trusted proxies only
            **tls,  # type: ignore[arg-type]
        )
    else:
        app = create_app(settings)
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="warning",
            proxy_headers=False,  # the console reads X-Forwarded-For from trusted proxies only
            **tls,  # type: ignore[arg-type]
        )
    return 0


def _open_store(args: argparse.Namespace) -> Database:
    settings = _settings(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = open_database(settings)
    migrate(database.engine)
    return database


if __name__ == "__main__":
    sys.exit(main())
