"""The point's queue service on the LAN: `python -m app queue serve [--host H] [--port N] [--db F]`.

A small JSON-over-HTTP service (stdlib `http.server`, one thread per request) around `app.queue.store`:
every request is one SQLite transaction, so a kill at any moment loses nothing that was answered.

    GET  /api/v1/health                      {"ok": true, "now": ...}
    GET  /api/v1/hall                        last calls per desk, waiting by field (hall display, kiosk)
    GET  /api/v1/tickets                     today's tickets (dashboard: waits)
    POST /api/v1/tickets   {field, priority} a walk-in ticket (kiosk)
    POST /api/v1/bookings  {code, citizen, field, day}   a booking from iHanoi (citizen: SHA-256 hex)
    POST /api/v1/checkin   {code}            the booked number's ticket (kiosk or desk)
    POST /api/v1/call      {desk, fields}    "Gọi số tiếp theo": {"ticket": ... | null}
    POST /api/v1/tickets/<id>/finish {desk, outcome: dossier|guidance|no_show, dossier_code}

With a token set (`--token` or MOTCUA_QUEUE_TOKEN) every POST needs `Authorization: Bearer <token>`.
Bodies are bounded (4 KB), must be JSON objects, and every field is checked by type and range.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
import re
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from app.calendar import TZ
from app.domain.errors import AppError, NotFoundError, PermissionDenied, StateError, ValidationError
from app.queue.rules import Booking
from app.queue.store import QueueStore

logger = logging.getLogger(__name__)
MAX_BODY = 4096
_FINISH = re.compile(r"^/api/v1/tickets/(\d{1,9})/finish$")


class Clock:
    """The service's time in Asia/Ho_Chi_Minh; `start` shifts it (drills and tests run "at 9:00")."""

    def __init__(self, start: datetime | None = None) -> None:
        self.offset = (start - datetime.now(TZ)) if start else timedelta(0)

    def now(self) -> datetime:
        return datetime.now(TZ) + self.offset


def _str(body: dict[str, Any], key: str, limit: int = 64) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise ValidationError(f"field {key!r} missing or too long", "Dữ liệu gửi lên không hợp lệ.")
    return value


def _int(body: dict[str, Any], key: str, low: int, high: int) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            f"field {key!r} not an integer in {low}..{high}", "Dữ liệu gửi lên không hợp lệ."
        )
    return value


class QueueApp:
    """The routes, independent of the HTTP plumbing."""

    def __init__(self, store: QueueStore, clock: Clock, token: str = "") -> None:
        self.store, self.clock, self.token = store, clock, token

    def get(self, path: str) -> Any:
        today = self.clock.now().date().isoformat()
        if path == "/api/v1/health":
            return {"ok": True, "now": self.clock.now().isoformat(timespec="seconds")}
        if path == "/api/v1/hall":
            return self.store.hall(today)
        if path == "/api/v1/tickets":
            return {"tickets": [t.to_dict() for t in self.store.tickets(today)]}
        raise NotFoundError(f"no route GET {path}")

    def post(self, path: str, body: dict[str, Any]) -> Any:
        now = self.clock.now()
        if path == "/api/v1/tickets":
            priority = body.get("priority", False)
            if not isinstance(priority, bool):
                raise ValidationError("priority must be a boolean", "Dữ liệu gửi lên không hợp lệ.")
            return self.store.issue(_str(body, "field", 40), priority, now).to_dict()
        if path == "/api/v1/bookings":
            try:
                day = date.fromisoformat(_str(body, "day", 10))
            except ValueError as exc:
                raise ValidationError("bad booking day", "Ngày đặt lịch không hợp lệ.") from exc
            b = Booking(
                _str(body, "code", 20).upper(), _str(body, "citizen", 64), _str(body, "field", 40), day
            )
            self.store.book(b, now.date())
            return {"ok": True, "code": b.code}
        if path == "/api/v1/checkin":
            return self.store.check_in(_str(body, "code", 20), now).to_dict()
        if path == "/api/v1/call":
            fields = body.get("fields")
            if (
                not isinstance(fields, list)
                or not 0 < len(fields) <= 20
                or not all(isinstance(f, str) for f in fields)
            ):
                raise ValidationError("fields must be a list of strings", "Dữ liệu gửi lên không hợp lệ.")
            ticket = self.store.call_next(_int(body, "desk", 1, 99), set(fields), now)
            return {"ticket": ticket.to_dict() if ticket else None}
        match = _FINISH.match(path)
        if match:
            code = body.get("dossier_code") or ""
            if not isinstance(code, str):
                raise ValidationError("dossier_code must be a string", "Dữ liệu gửi lên không hợp lệ.")
            t = self.store.finish(
                int(match.group(1)), _int(body, "desk", 1, 99), _str(body, "outcome", 20), code, now
            )
            return t.to_dict()
        raise NotFoundError(f"no route POST {path}")

    def authorised(self, header: str | None) -> bool:
        return not self.token or hmac.compare_digest(header or "", f"Bearer {self.token}")


_STATUS: dict[type[AppError], int] = {
    ValidationError: 400,
    PermissionDenied: 403,
    NotFoundError: 404,
    StateError: 409,
}


def _handler(app: QueueApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "motcua-queue/1"

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("queue %s " + format, self.client_address[0], *args)

        def _send(self, status: int, data: Any) -> None:
            raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _run(self, work: Callable[[], Any]) -> None:
            try:
                self._send(200, work())
            except AppError as exc:
                status = next((s for k, s in _STATUS.items() if isinstance(exc, k)), 400)
                logger.info("queue request %s refused: %s", self.path, exc.log_message)
                self._send(status, {"error": exc.code, "message": exc.user_message})
            except Exception:
                logger.exception("queue request %s failed", self.path)
                self._send(500, {"error": "internal", "message": "Lỗi hệ thống xếp hàng."})

        def do_GET(self) -> None:
            self._run(lambda: app.get(self.path.split("?", 1)[0]))

        def do_POST(self) -> None:
            self._run(self._post)

        def _post(self) -> Any:
            if not app.authorised(self.headers.get("Authorization")):
                raise PermissionDenied(
                    "queue POST without the point's token", "Thiết bị chưa được phép dùng hệ thống xếp hàng."
                )
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                raise ValidationError(f"body of {length} bytes", "Dữ liệu gửi lên không hợp lệ.")
            try:
                body = json.loads(self.rfile.read(length))
            except (ValueError, UnicodeDecodeError) as exc:
                raise ValidationError("body is not JSON", "Dữ liệu gửi lên không hợp lệ.") from exc
            if not isinstance(body, dict):
                raise ValidationError("body is not a JSON object", "Dữ liệu gửi lên không hợp lệ.")
            return app.post(self.path.split("?", 1)[0], body)

    return Handler


def citizen_key(id_number: str, token: str) -> str:
    """The booking's citizen as a keyed hash (HMAC-SHA256 with the point's token): the service can count
    a citizen's bookings without ever holding the ID number."""
    return hmac.new(token.encode() or b"motcua-queue", id_number.strip().encode(), "sha256").hexdigest()


def import_bookings(path: Path, url: str, token: str) -> int:
    """Each CSV row becomes a booking; a refused row is reported by line (never with the ID number)."""
    import csv

    from sync.queue_client import QueueClient

    client, taken, refused = QueueClient(url, token), 0, 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                client.book(str(row.get("ma_dat_lich") or ""), citizen_key(str(row.get("so_dinh_danh") or ""), token),
                            str(row.get("linh_vuc") or ""), str(row.get("ngay") or ""))  # fmt: skip
                taken += 1
            except AppError as exc:
                refused += 1
                print(f"dòng {line}: {exc.user_message}", file=sys.stderr)
    print(f"{taken} lịch hẹn đã nhận, {refused} bị từ chối")
    return 0 if not refused else 1


def make_server(app: QueueApp, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), _handler(app))
    server.daemon_threads = True
    return server


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app queue", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = parser.add_subparsers(dest="action", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (the point's LAN)")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--db", type=Path, help="state file (default: queue.db in the data folder)")
    serve.add_argument("--token", default=os.environ.get("MOTCUA_QUEUE_TOKEN", ""))
    serve.add_argument("--priority-every", type=int, default=3, help="one priority ticket in N calls")
    serve.add_argument("--now", help="start the service clock at this ISO time (drills and tests)")
    imp = sub.add_parser("import-bookings", help="bookings exported from iHanoi (CSV) into the service")
    imp.add_argument("csv", type=Path, help="columns: ma_dat_lich, so_dinh_danh, linh_vuc, ngay (YYYY-MM-DD)")
    imp.add_argument("--url", required=True)
    imp.add_argument("--token", default=os.environ.get("MOTCUA_QUEUE_TOKEN", ""))
    args = parser.parse_args(argv)
    if args.action == "import-bookings":
        return import_bookings(args.csv, args.url, args.token)
    from app.config import data_home
    from app.logs import setup_logging

    home = data_home()
    setup_logging(home)
    store = QueueStore(args.db or home / "queue.db", every=args.priority_every)
    clock = Clock(datetime.fromisoformat(args.now).astimezone(TZ) if args.now else None)
    server = make_server(QueueApp(store, clock, args.token), args.host, args.port)
    print(f"queue service on http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        store.close()
    return 0
