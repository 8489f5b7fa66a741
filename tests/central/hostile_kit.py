"""Tools for hostile tests: raw HTTP senders, the hub's memory, and a victim point that must survive."""

from __future__ import annotations

import base64
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from sync.engine import SyncConfig, SyncReport, run_once
from sync.enroll import load_identity
from tests.sync.hubkit import Hub, enroll_desk, make_dossier, received_payload

MB = 1024 * 1024


def rss_kb(pid: int) -> int:
    """The resident set size of a process, from /proc/<pid>/status (VmRSS, kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def hub_rss_kb(hub: Hub) -> int:
    assert hub.proc is not None
    return rss_kb(hub.proc.pid)


def send_raw(
    port: int, head: str, body_bytes: int, chunked: bool = False, chunk: int = MB, timeout: float = 20.0
) -> tuple[int | None, int]:
    """Send a request head, then up to `body_bytes` of body (Content-Length in `head`, or chunked);
    stop when the hub closes. Returns (status or None if no reply could be read, bytes sent)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sent = 0
    try:
        sock.sendall(head.encode("latin-1"))
        piece = b"x" * chunk
        try:
            while sent < body_bytes:
                n = min(chunk, body_bytes - sent)
                data = piece[:n]
                sock.sendall(f"{n:x}\r\n".encode() + data + b"\r\n" if chunked else data)
                sent += n
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the hub answered and closed: exactly what a limit should do
        try:
            reply = sock.recv(4096)
        except OSError:
            reply = b""
    finally:
        sock.close()
    if not reply.startswith(b"HTTP/1.1 "):
        return None, sent
    return int(reply[9:12]), sent


def basic_header(device_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{device_id}:{secret}".encode()).decode()


def tus_metadata(meta: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())


def sync(home: Path) -> SyncReport:
    return run_once(SyncConfig(home=home, chunk_size=16 * 1024), lambda d, t: None, lambda: False)


def push_events_only(desk: Desk) -> None:
    """Send the desk's pending events, not its files (they stay pending at the hub)."""
    from app.storage.db import open_db
    from app.storage.outbox import mark_sent, pending_events
    from sync.protocol import WireEvent
    from sync.transport import Credentials, HubTransport

    hub_url, _ = load_identity(desk.home)
    db = open_db(desk.home / "desk.db")
    try:
        events = pending_events(db, 500)
        t = HubTransport(hub_url, Credentials(desk.device_id, desk.secret))
        answer = t.push([WireEvent.model_validate(e.to_dict()) for e in events])
        t.close()
        assert not answer.rejected
        mark_sent(db, [e.id for e in events])
    finally:
        db.close()


@dataclass
class Desk:
    home: Path
    point: str
    desk: int
    device_id: str
    secret: str

    @property
    def auth(self) -> tuple[str, str]:
        return self.device_id, self.secret


def new_desk(hub: Hub, home: Path, point: str, desk: int) -> Desk:
    enroll_desk(hub, home, point, desk)
    _, creds = load_identity(home)
    return Desk(home, point, desk, creds.device_id, creds.secret)


@dataclass
class Victim:
    """Point A with one synced dossier (files and all) and a desk; what must survive every attack."""

    desk: Desk
    dossier_id: str
    code: str
    shas: list[str]
    before: list[dict[str, Any]]


def make_victim(hub: Hub, tmp: Path) -> Victim:
    desk = new_desk(hub, tmp / "victim", "PA", 1)
    dossier_id, code, shas = make_dossier(desk.home, "PA", 1, pages=2, page_size=3000)
    report = sync(desk.home)
    assert report.outcome == "ok" and report.pushed == 1, report.log_message
    return Victim(desk, dossier_id, code, shas, hub.dossiers("PA"))


def assert_victim_intact(hub: Hub, victim: Victim) -> None:
    """The victim's dossiers are as they were, its files whole, and its desk still pushes and pulls."""
    assert hub.dossiers("PA")[: len(victim.before)] == victim.before
    assert all(hub.blob_ok(s) for s in victim.shas)
    _, code, _ = make_dossier(victim.desk.home, "PA", 1, pages=1, page_size=500)
    report = sync(victim.desk.home)
    assert report.outcome == "ok" and report.pushed == 1 and report.rejected == 0, report.log_message
    assert code in {d["code"] for d in hub.dossiers("PA")}
    hub.agency_post(victim.code, "processing")
    report = sync(victim.desk.home)
    assert report.outcome == "ok" and report.pulled >= 1, report.log_message
    victim.before = hub.dossiers("PA")


def received_event(
    dossier_id: str, code: str, point: str, desk: int, at: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    payload = received_payload(code, point, desk, [])
    payload.update(extra or {})
    return {
        "id": f"ev-{dossier_id}",
        "dossier_id": dossier_id,
        "type": "received",
        "at": at,
        "actor": "clerk1",
        "device": "whatever",
        "payload": payload,
    }


def event_rows(hub: Hub) -> list[dict[str, Any]]:
    """Every event the hub stored, as columns, read straight from its database."""
    from sqlalchemy import text

    engine = hub.engine()
    with engine.connect() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.execute(text("SELECT id, dossier_id, type, at, actor, device FROM events"))
        ]
    engine.dispose()
    return rows


def now_at() -> str:
    return f"{time.time_ns() // 1_000_000:015d}-000000"


def push(hub: Hub, desk: Desk, events: list[dict[str, Any]]) -> requests.Response:
    return requests.post(f"{hub.url}/api/v1/events", json={"events": events}, auth=desk.auth, timeout=30)


def plant_stored_event(hub: Hub, point: str, dossier_id: str, payload_json: str, actor: str = "c") -> None:
    """An event as an older hub stored it (before today's bounds), put straight into its database."""
    from sqlalchemy import text

    engine = hub.engine()
    with engine.begin() as conn:
        seq = conn.execute(text("SELECT next_seq FROM points WHERE code = :p"), {"p": point}).scalar_one()
        conn.execute(text("UPDATE points SET next_seq = :n WHERE code = :p"), {"n": seq + 1, "p": point})
        conn.execute(
            text(
                "INSERT INTO events (id, dossier_id, type, at, actor, device, payload, stored_at) "
                "VALUES (:id, :d, 'fee_collected', :at, :a, 'old-device', :p, 0)"
            ),
            {"id": f"old-{dossier_id}", "d": dossier_id, "at": now_at(), "a": actor, "p": payload_json},
        )
        conn.execute(
            text(
                "INSERT INTO feed (point_code, seq, kind, event_id, publication_id, device) "
                "VALUES (:p, :s, 'event', :e, NULL, 'old-device')"
            ),
            {"p": point, "s": seq, "e": f"old-{dossier_id}"},
        )
    engine.dispose()
