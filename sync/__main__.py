"""`python -m sync enroll|run|status|reconcile|requeue|reset-cursor`: the desk's sync from the
command line (IT staff, scripts, tests)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from app.config import data_home
from app.logs import setup_logging
from sync.backoff import Backoff
from sync.engine import SyncConfig, run_once
from sync.enroll import enroll
from sync.errors import EnrollCodeError, InsecureHubError, OfflineError
from sync.repair import reconcile_now, requeue, reset_cursor
from sync.status import status
from sync.transport import wait

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sync", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    en = sub.add_parser("enroll", help="enroll this desk with the hub")
    en.add_argument("--hub", required=True)
    en.add_argument("--code", required=True)
    en.add_argument("--ca-bundle", help="PEM file of the CA that signed the hub's certificate")
    en.add_argument("--insecure-http", action="store_true", help="allow plain http:// (IT testing only)")
    run = sub.add_parser("run", help="sync now (--once) or keep syncing")
    run.add_argument("--once", action="store_true")
    run.add_argument("--interval", type=float, default=60.0)
    run.add_argument("--batch", type=int, default=200)
    run.add_argument("--chunk", type=int, default=256 * 1024)
    run.add_argument("--ca-bundle")
    st = sub.add_parser("status", help="what is waiting")
    st.add_argument("--json", action="store_true")
    rc = sub.add_parser("reconcile", help="ask the hub what it holds; queue again what it lacks")
    rc.add_argument("--ca-bundle")
    rq = sub.add_parser("requeue", help="send rejected events again (after the cause is fixed)")
    which = rq.add_mutually_exclusive_group(required=True)
    which.add_argument("--event", action="append", help="an event id (repeatable)")
    which.add_argument("--all", action="store_true", help="every rejected event")
    sub.add_parser("reset-cursor", help="read the hub's feed again from the start (idempotent)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    home = data_home()
    setup_logging(home)
    try:  # a sealed desk: the key from the keyring or the environment (README, "Sealed at rest")
        from app.keys import StoreLockedError, WrongSecretError, load_file, unlock

        if load_file(home) is not None:
            unlock(home)
    except (StoreLockedError, WrongSecretError) as exc:
        print(f"Lỗi: {exc.user_message}", file=sys.stderr)
        return 2
    if args.command == "enroll":
        try:
            answer = enroll(
                home, args.hub, args.code, ca_bundle=args.ca_bundle, allow_insecure=args.insecure_http
            )
        except (EnrollCodeError, OfflineError, InsecureHubError) as exc:
            print(exc.user_message, file=sys.stderr)
            return 2
        print(f"Đã đăng ký: điểm {answer.point_code}, bàn {answer.desk}, thiết bị {answer.device_id}")
        return 0
    if args.command == "status":
        data = status(home)
        print(json.dumps(data, ensure_ascii=False, indent=None if args.json else 2))
        return 0
    if args.command in ("reconcile", "requeue", "reset-cursor"):
        return _repair(args, home)
    config = SyncConfig(home=home, batch_size=args.batch, chunk_size=args.chunk, ca_bundle=args.ca_bundle)
    backoff = Backoff()
    while True:
        report = run_once(config, lambda done, total: None, lambda: False)
        print(
            json.dumps(
                {
                    "outcome": report.outcome,
                    "error_code": report.error_code,
                    "pushed": report.pushed,
                    "rejected": report.rejected,
                    "files_uploaded": report.files_uploaded,
                    "pulled": report.pulled,
                    "files_waiting": report.files_waiting,
                    "requeued": report.requeued,
                    "message": report.user_message,
                    "clock_warning": report.clock_warning,
                    "audit_warning": report.audit_warning,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
        if args.once:
            return 0 if report.is_ok else 1
        if report.outcome in ("auth", "protocol"):
            return 1
        wait(args.interval if report.is_ok else backoff.next_delay(), lambda: False)
        if report.is_ok:
            backoff.reset()


def _repair(args: argparse.Namespace, home: Path) -> int:
    if args.command == "reconcile":
        outcome, data = reconcile_now(home, args.ca_bundle)
        print(json.dumps(data, ensure_ascii=False), flush=True)
        return 0 if outcome == "ok" else 1
    if args.command == "requeue":
        count = requeue(home, None if args.all else args.event)
        print(f"Đã đưa lại {count} sự kiện bị từ chối vào hàng đợi gửi.")
        return 0
    before = reset_cursor(home)
    print(f"Đã đặt lại vị trí đọc dữ liệu từ Trung tâm (trước đó: {before}); lần đồng bộ sau đọc lại từ đầu.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
