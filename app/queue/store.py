"""The queue service's state in its own SQLite file (WAL, synchronous=FULL): it survives a kill at any moment.

Every change is one `BEGIN IMMEDIATE` transaction, so a ticket is issued, called or finished entirely or
not at all. A ticket records when it was issued (or its booking checked in), called, and finished, which
desk served it, and the dossier or guidance it led to.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.domain.errors import NotFoundError, StateError, ValidationError
from app.queue import rules
from app.reports.point import TicketTimes

SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    day TEXT NOT NULL,
    number TEXT NOT NULL,
    field TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    booking TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'done')),
    issued_at TEXT NOT NULL,
    called_at TEXT,
    desk INTEGER,
    done_at TEXT,
    outcome TEXT CHECK (outcome IN ('dossier', 'guidance', 'no_show', 'unrecorded')),
    dossier_code TEXT,
    UNIQUE (day, number)
);
CREATE INDEX IF NOT EXISTS tickets_waiting ON tickets (day, status, issued_at);
CREATE TABLE IF NOT EXISTS bookings (
    code TEXT PRIMARY KEY,
    citizen TEXT NOT NULL,
    field TEXT NOT NULL,
    day TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bookings_citizen ON bookings (citizen, day);
CREATE TABLE IF NOT EXISTS sequences (day TEXT, field TEXT, last INTEGER NOT NULL, PRIMARY KEY (day, field));
CREATE TABLE IF NOT EXISTS desks (desk INTEGER PRIMARY KEY, normal_since_priority INTEGER NOT NULL DEFAULT 0);
"""
OUTCOMES = ("dossier", "guidance", "no_show")
_COLS = "id, day, number, field, priority, booking, status, issued_at, called_at, desk, done_at, outcome, dossier_code"


@dataclass(frozen=True)
class Ticket:
    id: int
    day: str
    number: str
    field: str
    priority: bool
    booking: str | None
    status: str
    issued_at: str
    called_at: str | None
    desk: int | None
    done_at: str | None
    outcome: str | None
    dossier_code: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def connect(path: Path, *, shared: bool = False) -> sqlite3.Connection:
    """WAL, synchronous=FULL (an answered request survives a power cut), busy timeout. `shared`: one
    connection for the server's threads, which the store serialises with its lock."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=10, check_same_thread=not shared)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _ticket(row: tuple[Any, ...]) -> Ticket:
    values = list(row)
    values[4] = bool(values[4])
    return Ticket(*values)


class QueueStore:
    """The queue's database; safe to share between the HTTP server's threads (one lock, one connection)."""

    def __init__(
        self, path: Path, fields: tuple[rules.Field, ...] = rules.DEFAULT_FIELDS, every: int = 3
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = connect(path, shared=True)
        self.conn.executescript(SCHEMA)
        self.fields = {f.code: f for f in fields}
        self.every = rules.check_every(every)
        self._lock = threading.Lock()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def _field(self, code: str) -> rules.Field:
        if code not in self.fields:
            raise ValidationError(f"unknown queue field {code!r}", "Lĩnh vực không có tại Điểm.")
        return self.fields[code]

    def _new_ticket(
        self, conn: sqlite3.Connection, field: str, priority: bool, booking: str | None, now: datetime
    ) -> Ticket:
        day = now.date().isoformat()
        row = conn.execute("SELECT last FROM sequences WHERE day = ? AND field = ?", (day, field)).fetchone()
        seq = (int(row[0]) if row else 0) + 1
        number = rules.ticket_number(self._field(field), seq)
        conn.execute("INSERT INTO sequences VALUES (?, ?, ?) ON CONFLICT (day, field) DO UPDATE SET last = excluded.last",
                     (day, field, seq))  # fmt: skip
        cur = conn.execute(
            "INSERT INTO tickets (day, number, field, priority, booking, status, issued_at) VALUES (?, ?, ?, ?, ?, 'waiting', ?)",
            (day, number, field, int(priority), booking, now.isoformat(timespec="milliseconds")),
        )
        return self._get(conn, int(cur.lastrowid or 0))

    def _get(self, conn: sqlite3.Connection, ticket_id: int) -> Ticket:
        row = conn.execute(f"SELECT {_COLS} FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"ticket {ticket_id} not found", "Không tìm thấy số thứ tự.")
        return _ticket(row)

    def issue(self, field: str, priority: bool, now: datetime) -> Ticket:
        """A walk-in ticket from the kiosk."""
        self._field(field)
        with self._tx() as conn:
            return self._new_ticket(conn, field, priority, None, now)

    def book(self, b: rules.Booking, today: date) -> None:
        """Record a booking imported from iHanoi (refused when it breaks the booking rules)."""
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT code, citizen, field, day FROM bookings WHERE citizen = ?", (b.citizen,)
            ).fetchall()
            existing = [rules.Booking(c, z, f, date.fromisoformat(d)) for c, z, f, d in rows]
            problems = rules.booking_problems(b, today, existing, set(self.fields))
            if problems:
                raise ValidationError(f"booking {b.code} refused", problems[0], problems=problems)
            if (
                any(e.code == b.code for e in existing)
                or conn.execute("SELECT 1 FROM bookings WHERE code = ?", (b.code,)).fetchone()
            ):
                raise ValidationError(f"booking {b.code} exists", "Mã đặt lịch đã tồn tại.")
            conn.execute("INSERT INTO bookings VALUES (?, ?, ?, ?, ?)",
                         (b.code, b.citizen, b.field, b.day.isoformat(), datetime.now().isoformat()))  # fmt: skip

    def check_in(self, code: str, now: datetime) -> Ticket:
        """The booking's ticket, queued from now (first come, first served with walk-ins)."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT code, citizen, field, day FROM bookings WHERE code = ?", (code.strip().upper(),)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"booking {code!r} not found", "Không tìm thấy mã đặt lịch.")
            booking = rules.Booking(row[0], row[1], row[2], date.fromisoformat(row[3]))
            used = (
                conn.execute("SELECT 1 FROM tickets WHERE booking = ?", (booking.code,)).fetchone()
                is not None
            )
            problem = rules.check_in_problem(booking, now, used)
            if problem:
                raise StateError(f"booking {booking.code} check-in refused", problem)
            return self._new_ticket(conn, booking.field, False, booking.code, now)

    def call_next(self, desk: int, fields: set[str], now: datetime) -> Ticket | None:
        """ "Gọi số tiếp theo": close the desk's current ticket if left open, call the next by the rules."""
        if not 1 <= desk <= 99 or not fields or not fields <= set(self.fields):
            raise ValidationError(f"bad call from desk {desk}", "Quầy hoặc lĩnh vực gọi số không hợp lệ.")
        stamp, day = now.isoformat(timespec="milliseconds"), now.date().isoformat()
        with self._tx() as conn:
            conn.execute("UPDATE tickets SET status = 'done', done_at = ?, outcome = 'unrecorded'"
                         " WHERE status = 'called' AND desk = ?", (stamp, desk))  # fmt: skip
            rows = conn.execute("SELECT id, field, priority, issued_at FROM tickets WHERE day = ? AND status = 'waiting'",
                                (day,)).fetchall()  # fmt: skip
            waiting = [rules.Waiting(int(i), str(f), bool(p), str(a)) for i, f, p, a in rows]
            state = conn.execute("SELECT normal_since_priority FROM desks WHERE desk = ?", (desk,)).fetchone()
            pick = rules.choose_next(waiting, fields, int(state[0]) if state else 0, self.every)
            if pick is None:
                return None
            since = 0 if pick.priority else (int(state[0]) if state else 0) + 1
            conn.execute("INSERT INTO desks VALUES (?, ?) ON CONFLICT (desk) DO UPDATE SET"
                         " normal_since_priority = excluded.normal_since_priority", (desk, since))  # fmt: skip
            conn.execute("UPDATE tickets SET status = 'called', called_at = ?, desk = ? WHERE id = ? AND status = 'waiting'",
                         (stamp, desk, pick.id))  # fmt: skip
            return self._get(conn, pick.id)

    def finish(self, ticket_id: int, desk: int, outcome: str, dossier_code: str, now: datetime) -> Ticket:
        """The ticket's end: the dossier it led to, guidance only, or the citizen did not come."""
        if outcome not in OUTCOMES or len(dossier_code) > 40 or (outcome == "dossier") != bool(dossier_code):
            raise ValidationError(f"bad finish of ticket {ticket_id}", "Kết quả phục vụ không hợp lệ.")
        with self._tx() as conn:
            t = self._get(conn, ticket_id)
            if t.status != "called" or t.desk != desk:
                raise StateError(
                    f"ticket {ticket_id} is {t.status} at desk {t.desk}",
                    "Số này không đang được phục vụ tại quầy.",
                )
            conn.execute("UPDATE tickets SET status = 'done', done_at = ?, outcome = ?, dossier_code = ? WHERE id = ?",
                         (now.isoformat(timespec="milliseconds"), outcome, dossier_code or None, ticket_id))  # fmt: skip
            return self._get(conn, ticket_id)

    def tickets(self, day: str) -> list[Ticket]:
        with self._lock:
            rows = self.conn.execute(
                f"SELECT {_COLS} FROM tickets WHERE day = ? ORDER BY id", (day,)
            ).fetchall()
        return [_ticket(r) for r in rows]

    def hall(self, day: str) -> dict[str, Any]:
        """What the hall display and the kiosk show: last calls per desk, waiting by field."""
        ts = self.tickets(day)
        calls = sorted((t for t in ts if t.called_at), key=lambda t: (t.called_at or "", t.id), reverse=True)
        waiting = {f: sum(1 for t in ts if t.field == f and t.status == "waiting") for f in self.fields}
        recent = [
            {"number": t.number, "desk": t.desk, "priority": t.priority, "called_at": t.called_at}
            for t in calls[:8]
        ]
        return {"day": day, "recent": recent, "waiting": waiting,
                "fields": [asdict(f) for f in self.fields.values()]}  # fmt: skip


def minutes(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 60


def ticket_times(path: Path, start: date, end: date) -> list[TicketTimes]:
    """Wait and service minutes of the tickets called between `start` and `end` (for the point's report)."""
    conn = connect(path)
    try:
        rows = conn.execute("SELECT field, issued_at, called_at, done_at, outcome FROM tickets"
                            " WHERE day BETWEEN ? AND ? AND called_at IS NOT NULL",
                            (start.isoformat(), end.isoformat())).fetchall()  # fmt: skip
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()
    names = {f.code: f.name for f in rules.DEFAULT_FIELDS}
    out = []
    for field, issued, called, done, outcome in rows:
        service = minutes(called, done) if done and outcome in ("dossier", "guidance") else None
        out.append(TicketTimes(names.get(field, field), minutes(issued, called), service))
    return out
