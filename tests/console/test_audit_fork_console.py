"""The console's dashboard marks a desk whose audit chain went backwards (a real hub, a real desk)."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

from sync.engine import SyncConfig, run_once
from tests.console.conftest import add_dossier, login
from tests.sync.hubkit import Hub, enroll_desk


def sync(home: Path) -> None:
    report = run_once(SyncConfig(home=home), lambda d, t: None, lambda: False)
    assert report.outcome == "ok", report.log_message


def test_a_rolled_back_desk_is_marked_on_its_point_row(console_hub: Hub, page: Page, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(console_hub, home, "P02", 1)
    add_dossier(home, "P02")
    sync(home)
    login(page, console_hub, "quantri")
    row = page.locator("#dashboard tr[data-point=P02]")
    expect(row).to_contain_text("Bàn 1")
    expect(row.locator("[data-k=audit_forks]")).to_have_count(0)

    shutil.copytree(home, tmp_path / "older")
    add_dossier(home, "P02")
    sync(home)
    shutil.rmtree(home)
    shutil.copytree(tmp_path / "older", home)  # restored from the older copy
    sync(home)
    page.reload()
    expect(row.locator("[data-k=audit_forks]")).to_have_text("⚠ nhật ký không nối tiếp (1)")
    page.screenshot(path=str(tmp_path / "dashboard-fork.png"), full_page=True)
