"""Console fixtures: a real hub process with operators and branches, real Chromium through Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from app.domain.ids import new_id
from app.storage.db import open_db
from app.storage.events import append_event
from tests.sync.hubkit import ROOT, Hub, env, next_code, received_payload

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "docs" / "console"
PASSWORD = "mat-khau-thu-nghiem"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# (user, role, branch or agency)
OPERATORS = [
    ("quantri", "admin", None),
    ("giamdoc1", "director", "CN1"),
    ("giamdoc2", "director", "CN2"),
    ("canbo", "agency", "STP"),
    ("kiemtra", "auditor", None),
]


def central_cli(hub: Hub, *args: str) -> str:
    e = {**env(), "MOTCUA_OPERATOR_PASSWORD": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "central", *args, *hub.store_args()],
        cwd=ROOT,
        env=e,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def console_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A hub with two branches (P01 in CN1, P02 in CN2), procedure 1.001 routed to agency STP."""
    h = Hub(data=tmp_path_factory.mktemp("console") / "hub")
    h.data.mkdir()
    h.start()
    for user, role, where in OPERATORS:
        extra = [] if where is None else ["--branch" if role == "director" else "--agency", where]
        central_cli(h, "operator", "add", "--role", role, *extra, user)
    central_cli(
        h, "point", "set-branch", "--point", "P01", "--branch", "CN1", "--name", "Điểm Phục vụ Hoàn Kiếm"
    )
    central_cli(
        h, "point", "set-branch", "--point", "P02", "--branch", "CN2", "--name", "Điểm Phục vụ Ba Đình"
    )
    central_cli(h, "agency-route", "add", "--agency", "STP", "--procedure", "1.001")
    yield h
    h.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    pg = context.new_page()
    yield pg
    context.close()


def login(page: Page, hub: Hub, user: str, password: str = PASSWORD) -> None:
    page.goto(hub.url + "/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def today() -> datetime:
    return datetime.now(TZ)


def add_dossier(
    home: Path,
    point: str,
    *,
    desk: int = 1,
    received_days_ago: int = 0,
    due_in_days: int = 3,
    procedure: str = "1.001",
    **extra: Any,
) -> tuple[str, str]:
    """A `received` dossier in the desk store of `point`'s desk `desk`, received and due relative to
    today, with a code of that desk's range; (id, code)."""
    db = open_db(home / "desk.db")
    (home / "blobs").mkdir(exist_ok=True)  # a desk that never scanned has none yet (sync needs it)
    dossier_id = new_id()
    code = next_code(point, desk)
    payload = received_payload(code, point, desk, [])
    received = today() - timedelta(days=received_days_ago)
    payload["received_at"] = received.isoformat(timespec="seconds")
    payload["counted_from"] = received.date().isoformat()
    payload["due_date"] = (today() + timedelta(days=due_in_days)).date().isoformat()
    payload["procedure"] = {**payload["procedure"], "code": procedure}
    payload.update(extra)
    with db.transaction():
        append_event(db, dossier_id, "received", payload, "clerk1")
    db.close()
    return dossier_id, code


__all__ = ["os"]
