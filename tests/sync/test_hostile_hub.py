"""Whatever answers at the hub's address (a proxy, a captive portal, a pretender), the desk loses,
loops and hangs on nothing.

Each test: a desk enrolled with the real hub process and holding sent and unsent dossiers is
pointed at a fake server on 127.0.0.1 for one pass, which must end (asserted as "it ends") within
bounded memory (read from /proc); then it is pointed back at the real hub and drained. After each,
the hub holds exactly the desk's events (none lost, none doubled) and files, `app check` passes, a
new dossier still reaches the hub, and an agency decision still reaches the desk.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.domain.hlc import MAX_AHEAD_MS, Hlc, now_ms
from app.storage.db import open_db
from app.storage.events import load_state, refresh_projection
from sync.engine import SyncConfig, SyncReport, run_once
from sync.enroll import load_identity
from sync.errors import HubReplyError
from sync.outbox import CURSOR_KEY, LAST_ERROR_KEY, TUS_URL_PREFIX, DeskOutbox
from sync.protocol import TUS_PREFIX
from sync.status import status
from tests.sync.fakehub import (
    PROTOCOL,
    Answer,
    FakeHub,
    Request,
    endless,
    forward,
    json_answer,
    rss_peak_kb,
    trickle,
    trickled_headers,
)
from tests.sync.hubkit import Hub, make_dossier, outbox_empty, received_payload, run_py
from tests.sync.test_faults import enroll_desk

POINT = "P01"
FAKE_LIMITS = {"timeout": (1.0, 2.0), "request_deadline_s": 4.0, "pass_deadline_s": 12.0}
MAX_PASS_S = 90  # "it ends": far above the deadlines, far below forever
MAX_GROWTH_KB = 200_000  # a 2 GB reply must not be held: the desk reads at most 32 MB of a reply


@dataclass
class Desk:
    home: Path
    hub: Hub
    dossiers: list[str]

    def sync(self, url: str | None = None, **kw: object) -> SyncReport:
        hub_url, creds = load_identity(self.home)
        kw.setdefault("timeout", (2.0, 10.0))
        config = SyncConfig(home=self.home, hub_url=url or hub_url, credentials=creds, **kw)  # type: ignore[arg-type]
        return run_once(config, lambda d, t: None, lambda: False)

    def drain(self, passes: int = 12) -> None:
        """Passes until the outbox is empty. An event the desk stamped while a fake hub's clock ran
        ahead is held until the real hub's clock allows it: a pass that leaves it waits a moment,
        so the verdict does not depend on how fast the hub answers."""
        for _ in range(passes):
            report = self.sync()
            if report.outcome == "ok" and outbox_empty(self.home):
                return
            time.sleep(0.5)
        raise AssertionError(f"not drained: {report.outcome} {report.log_message}")

    def new_dossier(self, seed: int) -> tuple[str, str]:
        dossier_id, code, _ = make_dossier(self.home, POINT, 1, pages=1, page_size=20_000, seed=seed)
        db = open_db(self.home / "desk.db")
        try:
            refresh_projection(db, dossier_id)  # as the intake service does (make_dossier writes the event)
        finally:
            db.close()
        self.dossiers.append(dossier_id)
        return dossier_id, code

    def event_ids(self) -> set[str]:
        db = open_db(self.home / "desk.db")
        try:
            return {r[0] for r in db.conn.execute("SELECT id FROM events")}
        finally:
            db.close()

    def local_shas(self) -> set[str]:
        db = open_db(self.home / "desk.db")
        try:
            rows = db.conn.execute(
                "SELECT DISTINCT f.sha256 FROM event_files f JOIN events e ON e.id = f.event_id"
                " WHERE e.origin = 'local'"
            )
            return {r[0] for r in rows}
        finally:
            db.close()


@pytest.fixture
def desk(sqlite_hub: Hub, tmp_path: Path) -> Desk:
    """A desk with two dossiers at the hub (one with an agency decision) and two not yet sent."""
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, POINT, 1)
    d = Desk(home, sqlite_hub, [])
    _, code = d.new_dossier(1)
    d.new_dossier(2)
    d.drain()
    sqlite_hub.agency_post(code, "accepted")
    d.drain()
    d.new_dossier(3)
    d.new_dossier(4)
    return d


def against(desk: Desk, behaviour: Callable[[Request], Answer]) -> tuple[SyncReport, FakeHub]:
    """One pass against a fake at another address: it ends, in bounded memory, and says why."""
    fake = FakeHub(behaviour)
    before = rss_peak_kb()
    out: list[SyncReport] = []
    runner = threading.Thread(target=lambda: out.append(desk.sync(fake.url, **FAKE_LIMITS)))
    runner.start()
    runner.join(MAX_PASS_S)
    fake.close()
    assert not runner.is_alive(), "the pass against the fake did not end"
    assert rss_peak_kb() - before < MAX_GROWTH_KB, "the pass held a reply in memory"
    [report] = out
    assert report.outcome != "ok" or report.skipped, (report.outcome, report.log_message)
    if report.outcome != "ok":
        assert report.user_message and report.log_message and report.error_code
        store = DeskOutbox(desk.home)
        try:
            assert (store.get(LAST_ERROR_KEY) or "").endswith(report.user_message)
        finally:
            store.close()
    return report, fake


def assert_recovers(desk: Desk, seed: int = 100) -> None:
    """Back at the real hub: drained, exact on both sides, and new work still flows both ways."""
    desk.drain()
    _assert_exact(desk)
    dossier_id, code = desk.new_dossier(seed)
    desk.drain()
    assert code in {d["code"] for d in desk.hub.dossiers(POINT)}
    desk.hub.agency_post(code, "accepted")
    desk.drain()
    db = open_db(desk.home / "desk.db")
    try:
        assert load_state(db, dossier_id).status.value == "accepted"
    finally:
        db.close()
    _assert_exact(desk)
    check = run_py("-m", "app", "check", home=desk.home, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def _assert_exact(desk: Desk) -> None:
    rows = desk.hub.events()
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)), "an event is doubled at the hub"
    mine = {r[0] for r in rows if r[1] in set(desk.dossiers)}
    assert mine == desk.event_ids(), "the hub and the desk hold different events"
    assert all(desk.hub.blob_ok(s) for s in desk.local_shas()), "a file is missing at the hub"
    assert all(d["files_complete"] for d in desk.hub.dossiers(POINT))
    assert status(desk.home)["rejected_events"] == 0


# -- behaviours ------------------------------------------------------------------------------------


def everywhere(answer: Answer) -> Callable[[Request], Answer]:
    return lambda request: answer


def acks_batch(request: Request) -> list[str]:
    return [e["id"] for e in request.json().get("events", [])] if request.path.endswith("/events") else []


def push_ok_then(pull: Callable[[Request], Answer]) -> Callable[[Request], Answer]:
    """Acknowledges every batch as stored (a valid-looking reply), claims every file complete,
    refuses uploads, and answers the feed with `pull`."""

    def behave(request: Request) -> Answer:
        if request.path.endswith("/reconcile"):
            body = request.json()
            return json_answer({"events": body.get("event_ids", []), "files": []}, **PROTOCOL)
        if request.path.endswith("/events"):
            return json_answer({"stored": acks_batch(request)}, **PROTOCOL)
        if "/files/" in request.path and not request.path.endswith("/content"):
            sha = request.path.rsplit("/", 1)[-1]
            return json_answer({"sha256": sha, "size": 20_000, "complete": True}, **PROTOCOL)
        if request.path.endswith("/changes"):
            return pull(request)
        return Answer(500, {}, b"no")

    return behave


def feed(
    changes: list[dict[str, object]], cursor: int, has_more: bool = False
) -> Callable[[Request], Answer]:
    return lambda request: json_answer(
        {"changes": changes, "cursor": cursor, "has_more": has_more}, **PROTOCOL
    )


def _event(seq: int, dossier: str, type_: str, at: str, payload: dict[str, object]) -> dict[str, object]:
    ev = {"id": f"fake-{seq}", "dossier_id": dossier, "type": type_, "at": at, "actor": "agency"}
    return {"seq": seq, "kind": "event", "event": {**ev, "device": "hub", "payload": payload}}


SMALL_FILE = b"a result of 21 bytes."
SMALL_SHA = hashlib.sha256(SMALL_FILE).hexdigest()


def _own_received_with_file(seq: int = 1) -> dict[str, object]:
    page = {"sha256": SMALL_SHA, "size": len(SMALL_FILE), "mime": "image/png", "width": 1, "height": 1}
    page.update({"dpi": 300, "ocr_confidence": 90, "rotation": 0, "skew": 0, "is_blank": False})
    payload = received_payload("P01-fake", POINT, 1, [{**page, "is_color": False}])
    return _event(seq, "fake-dossier", "received", str(Hlc(now_ms(), 0)), payload)


def _serving_file(body: bytes | object, length: int | None = None) -> Callable[[Request], Answer]:
    inner = push_ok_then(feed([_own_received_with_file()], 1))

    def behave(request: Request) -> Answer:
        if request.path.endswith("/content"):
            return Answer(200, {"Content-Type": "application/octet-stream"}, body, length)  # type: ignore[arg-type]
        return inner(request)

    return behave


BEHAVIOURS: dict[str, Callable[[Request], Answer]] = {
    "302 to a captive portal": everywhere(Answer(302, {"Location": "http://portal.example/login"})),
    "403 html on every route": everywhere(Answer(403, {"Content-Type": "text/html"}, b"<h1>Forbidden</h1>")),
    "404 on every route": everywhere(json_answer({"detail": "Not Found"}, 404)),
    "405 on every route": everywhere(Answer(405, {}, b"Method Not Allowed")),
    "401 from a proxy": everywhere(Answer(401, {"WWW-Authenticate": "Basic"}, b"login")),
    "500 on every route": everywhere(Answer(500, {}, b"oops")),
    "stored: ids never sent": lambda r: json_answer(
        {"stored": [*acks_batch(r), "other-1", "other-2"]}, **PROTOCOL
    ),
    "stored and duplicate at once": lambda r: json_answer(
        {"stored": acks_batch(r), "duplicates": acks_batch(r)}
    ),
    "acknowledges nothing": everywhere(
        json_answer({"stored": [], "duplicates": [], "rejected": []}, **PROTOCOL)
    ),
    "invalid JSON": everywhere(Answer(200, {"Content-Type": "application/json"}, b"{not json")),
    "JSON of the wrong shape": everywhere(json_answer({"stored": "everything", "changes": 7})),
    "deeply nested JSON": everywhere(Answer(200, {}, b"[" * 100_000 + b"]" * 100_000)),
    "2 GB reply": everywhere(Answer(200, {"Content-Type": "application/json"}, endless())),
    "one byte every half second": everywhere(Answer(200, {"Content-Type": "application/json"}, trickle())),
    "headers one byte every half second": everywhere(Answer(body=trickled_headers(), raw=True)),
    "X-Hub-Time year 9999": everywhere(Answer(503, {"X-Hub-Time": "253402300799999"}, b"")),
    "X-Hub-Time of 16 digits": everywhere(Answer(503, {"X-Hub-Time": "1" * 16}, b"")),
    "X-Hub-Time with a superscript two": everywhere(Answer(503, {"X-Hub-Time": "17²"}, b"")),
    "cursor that does not advance": push_ok_then(feed([], 0, has_more=True)),
    "cursor 10**30": push_ok_then(feed([], 10**30)),
    "cursor 2**62": push_ok_then(feed([], 2**62)),
    "feed of another point, far-future stamps": push_ok_then(
        feed(
            [
                _event(
                    1,
                    "stranger",
                    "received",
                    "253402300799999-000000",
                    received_payload("P99-1", "P99", 1, []),
                ),
                _event(2, "unknown-dossier", "accepted", "253402300799999-000000", {}),
            ],
            2,
        )
    ),
    "download past its announced size": _serving_file(endless(1 << 30)),
    "download with another hash": _serving_file(b"x" * len(SMALL_FILE)),
    "file status 403 html": lambda r: (
        Answer(403, {}, b"<h1>no</h1>") if "/files/" in r.path else push_ok_then(feed([], 0))(r)
    ),
}


# behaviours that give no valid acknowledgement: not one event may leave the outbox
REFUSES_PUSH = [
    n for n in BEHAVIOURS if n.split()[0] in ("302", "403", "404", "405", "401", "500", "invalid")
]
REFUSES_PUSH += ["stored: ids never sent", "stored and duplicate at once", "JSON of the wrong shape"]
REFUSES_PUSH += ["deeply nested JSON", "2 GB reply", "one byte every half second", "acknowledges nothing"]
REFUSES_PUSH += ["headers one byte every half second"]
REFUSES_PUSH += [n for n in BEHAVIOURS if n.startswith("X-Hub-Time")]


@pytest.mark.parametrize("name", list(BEHAVIOURS))
def test_a_fake_hub_makes_the_desk_lose_loop_or_hang_on_nothing(desk: Desk, name: str):
    pending_before = status(desk.home)["pending_events"]
    report, fake = against(desk, BEHAVIOURS[name])
    assert report.rejected == 0 and status(desk.home)["rejected_events"] == 0
    assert len(fake.requests) < 40, f"{len(fake.requests)} requests: the desk looped"
    db = open_db(desk.home / "desk.db")
    try:
        hlc = Hlc.parse(db.get_value("hlc") or "")
        cursor = db.get_value(CURSOR_KEY)
        strangers = db.conn.execute("SELECT count(*) FROM events WHERE id LIKE 'fake-%'").fetchone()[0]
    finally:
        db.close()
    assert hlc.wall_ms < now_ms() + 2 * MAX_AHEAD_MS, "the desk's clock was pulled into the future"
    assert cursor is None or int(cursor) < 10**6, "an out-of-range cursor was stored"
    assert strangers == 0, "an event of another point, or with a file that did not arrive, was applied"
    if name in REFUSES_PUSH:
        assert status(desk.home)["pending_events"] >= pending_before, "events left the outbox"
    assert_recovers(desk)


def test_a_redirect_to_another_host_sends_nothing_there(desk: Desk):
    """A 307/308 would re-send the batch (applicants' data) to its target: the desk follows none."""
    target = FakeHub(lambda r: json_answer({"stored": acks_batch(r)}, **PROTOCOL))
    try:
        for status_code in (307, 308):
            report, _ = against(desk, lambda r, s=status_code: Answer(s, {"Location": target.url + r.path}))
            assert report.outcome == "config" and target.url in (report.user_message or "")
        assert target.requests == [], "a request was sent on to the redirect's target"
    finally:
        target.close()
    assert_recovers(desk)


def test_nginx_301_http_to_https_in_front_of_the_hub(desk: Desk):
    """The hub behind an nginx that answers plain http with 301 to https: nothing is rejected or
    sent on, the clerk is told what to fix, and once the address is corrected everything syncs."""
    sent: list[Request] = []

    def nginx(request: Request) -> Answer:
        sent.append(request)
        body = b"<html><head><title>301 Moved Permanently</title></head><body><center>nginx</center></body></html>"
        location = f"https://hub.motcua.example{request.path}"
        return Answer(301, {"Server": "nginx", "Content-Type": "text/html", "Location": location}, body)

    before = status(desk.home)
    report, _ = against(desk, nginx)
    after = status(desk.home)
    assert report.outcome == "config" and report.error_code == "hub_redirect"
    assert "https://hub.motcua.example" in (report.user_message or "") and "Cài đặt" in (
        report.user_message or ""
    )
    assert after["rejected_events"] == 0 and after["pending_events"] == before["pending_events"]
    assert after["last_error"] and "chuyển hướng" in after["last_error"]
    assert len(sent) == 1, "the desk kept talking to a redirecting address"
    assert_recovers(desk)  # the address corrected: the real hub (reconciled, then drained)


def test_a_point_event_whose_file_has_not_arrived_does_not_stop_the_pass(desk: Desk, tmp_path: Path):
    """A colleague's `received` is at the hub before its scans: the desk's pass goes on (its own
    push and upload happen), the feed waits at that event, and takes it once the file is there."""
    colleague = tmp_path / "colleague"
    enroll_desk(desk.hub, colleague, POINT, 2)
    other_id, _, shas = make_dossier(colleague, POINT, 2, pages=1, page_size=30_000, seed=9)
    hub_url, creds = load_identity(colleague)
    pushed_only = SyncConfig(home=colleague, hub_url=hub_url, credentials=creds, chunk_size=1)
    # push the colleague's event but not its file: cancel the pass at the first upload chunk
    run_once(
        pushed_only,
        lambda d, t: None,
        lambda: pushed_only.chunk_size == 1 and status(colleague)["pending_events"] == 0,
    )
    assert not desk.hub.blob_ok(shas[0])
    report = desk.sync()
    assert report.outcome == "ok" and report.files_waiting == 1, report.log_message
    assert report.pushed >= 2  # its own dossiers went
    db = open_db(desk.home / "desk.db")
    try:
        assert not db.conn.execute("SELECT 1 FROM events WHERE dossier_id = ?", (other_id,)).fetchone()
    finally:
        db.close()
    run_once(SyncConfig(home=colleague, hub_url=hub_url, credentials=creds), lambda d, t: None, lambda: False)
    assert desk.sync().pulled >= 1
    db = open_db(desk.home / "desk.db")
    try:
        assert load_state(db, other_id).status.value == "received"
    finally:
        db.close()
    desk.dossiers.append(other_id)
    assert_recovers(desk)


# -- uploads: a 4xx from something that is not the hub is no verdict on the file ---------------------


def _tus_from_proxy(hub: Hub, answer: Callable[[Request], Answer | None]) -> Callable[[Request], Answer]:
    """A proxy in front of the real hub that passes everything on, except the upload requests
    `answer` answers itself (None: passed on too)."""

    def behave(request: Request) -> Answer:
        mine = answer(request) if request.path.startswith(TUS_PREFIX) else None
        return mine if mine is not None else forward(hub.url, request)

    return behave


def _only(method: str, answer: Answer) -> Callable[[Request], Answer | None]:
    return lambda request: answer if request.method == method else None


TUS_REFUSALS: dict[str, Callable[[Request], Answer | None]] = {
    "403 html on upload creation": _only(
        "POST", Answer(403, {"Content-Type": "text/html"}, b"<h1>Forbidden</h1>")
    ),
    "404 plain on upload chunks": _only("PATCH", Answer(404, {"Content-Type": "text/plain"}, b"Not Found")),
    "401 from a proxy on upload chunks": _only("PATCH", Answer(401, {"WWW-Authenticate": "Basic"}, b"login")),
    "410 in the hub's words but not its header": _only(
        "POST", json_answer({"detail": {"code": "not_named", "message": "gone"}}, 410)
    ),
}


def _resume_urls(desk: Desk) -> dict[str, str | None]:
    store = DeskOutbox(desk.home)
    try:
        return {sha: store.get(TUS_URL_PREFIX + sha) for sha in desk.local_shas()}
    finally:
        store.close()


@pytest.mark.parametrize("name", list(TUS_REFUSALS))
def test_an_upload_refusal_not_in_the_hubs_shape_ends_the_pass_and_marks_nothing(
    desk: Desk, name: str, caplog: pytest.LogCaptureFixture
):
    files_before = status(desk.home)["pending_files"]
    with caplog.at_level(logging.ERROR, logger="sync.engine"):
        report, fake = against(desk, _tus_from_proxy(desk.hub, TUS_REFUSALS[name]))
    uploads = [r for r in fake.requests if r.path.startswith(TUS_PREFIX)]
    assert uploads and len(fake.requests) < 40, f"{len(fake.requests)} requests"
    assert report.outcome == "offline" and report.error_code == "hub_reply", (
        report.outcome,
        report.log_message,
    )
    assert report.user_message == HubReplyError.default_user_message  # Vietnamese, for the clerk
    assert "not in the hub's shape" in caplog.text  # English, for the log
    assert report.rejected == 0 and report.files_uploaded == 0
    assert status(desk.home)["pending_files"] == files_before and status(desk.home)["rejected_events"] == 0
    if name.startswith("404"):  # not the hub saying the upload is gone: its resume address is kept
        assert any(_resume_urls(desk).values())
    assert_recovers(desk)


def test_an_upload_location_naming_another_host_sends_nothing_there(desk: Desk):
    """A reply to an upload's creation may name any host; the scans go only to the hub's address."""
    elsewhere = FakeHub(lambda r: Answer(204, {"Tus-Resumable": "1.0.0", "Upload-Offset": "0"}))

    def behave(request: Request) -> Answer:
        answer = forward(desk.hub.url, request)
        if request.method == "POST" and request.path.startswith(TUS_PREFIX):
            location = answer.headers.get("location") or answer.headers.get("Location") or ""
            answer.headers = {k: v for k, v in answer.headers.items() if k.lower() != "location"}
            answer.headers["Location"] = elsewhere.url + location[location.index(TUS_PREFIX) :]
        return answer

    proxy = FakeHub(behave)
    try:
        report = desk.sync(proxy.url)
    finally:
        proxy.close()
        elsewhere.close()
    assert elsewhere.requests == [], "an upload was sent to the host a reply named"
    assert report.outcome == "ok" and report.files_uploaded == 2, report.log_message
    assert_recovers(desk)
