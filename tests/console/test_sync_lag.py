"""The sync page: how far each point's desks are behind, within the operator's scope, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from central.console.auth import now_ms
from central.console.lag import start_of_day_ms
from sync.enroll import load_identity
from sync.outbox import DeskOutbox
from sync.outbox_report import report_outbox
from sync.transport import HubTransport
from tests.central.hostile_kit import new_desk, push_events_only
from tests.console.conftest import add_dossier, login, shot, today
from tests.console.test_console_browser import hub_sql, sync
from tests.sync.hubkit import Hub, make_dossier

HOURS_AGO = 6  # more than the hub's default silent_hours (4)
FIGURES = ("events_today", "dossiers_waiting", "files_missing")


@pytest.fixture(scope="module")
def desks(console_hub: Hub, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """P01 (CN1): desk 1 pushed a dossier's events but not its files, desk 2 synced two dossiers.
    P02 (CN2): desk 1 synced once, six hours ago. Returns {name: device id, "home:" + name: its home}."""
    tmp = tmp_path_factory.mktemp("lag")
    d1 = new_desk(console_hub, tmp / "p01d1", "P01", 1)
    make_dossier(d1.home, "P01", 1, pages=2, page_size=3000)
    push_events_only(d1)
    d2 = new_desk(console_hub, tmp / "p01d2", "P01", 2)
    add_dossier(d2.home, "P01", desk=2)
    add_dossier(d2.home, "P01", desk=2)
    sync(d2.home)
    p2 = new_desk(console_hub, tmp / "p02d1", "P02", 1)
    add_dossier(p2.home, "P02")
    sync(p2.home)
    engine = console_hub.engine()
    with engine.begin() as conn:  # P02's only desk last pulled and pushed six hours ago
        for table, column in (("console_device_seen", "last_seen"), ("console_desk_reports", "last_push")):
            conn.execute(
                text(f"UPDATE {table} SET {column} = :t WHERE device_id = :d"),
                {"t": now_ms() - HOURS_AGO * 3_600_000, "d": p2.device_id},
            )
    engine.dispose()
    homes = {"home:p01d1": str(d1.home), "home:p01d2": str(d2.home), "home:p02d1": str(p2.home)}
    return {"p01d1": d1.device_id, "p01d2": d2.device_id, "p02d1": p2.device_id, **homes}


def hub_figures(hub: Hub, point: str) -> dict[str, str]:
    """The same figures read straight from the hub's tables."""
    start = start_of_day_ms(today())
    [(events,)] = hub_sql(
        hub,
        "SELECT count(*) FROM events e JOIN dossiers d ON d.id = e.dossier_id "
        "WHERE d.point_code = :p AND e.stored_at >= :s",
        p=point,
        s=start,
    )
    [(waiting, missing)] = hub_sql(
        hub,
        "SELECT count(DISTINCT f.dossier_id), count(*) FROM dossier_files f JOIN dossiers d "
        "ON d.id = f.dossier_id LEFT JOIN blobs b ON b.sha256 = f.sha256 "
        "WHERE d.point_code = :p AND b.sha256 IS NULL",
        p=point,
    )
    return {"events_today": str(events), "dossiers_waiting": str(waiting), "files_missing": str(missing)}


def shown(page: Page, point: str) -> dict[str, str]:
    row = page.locator(f"#lag tr[data-point={point}]")
    return {k: row.locator(f"td[data-k={k}]").inner_text().strip() for k in FIGURES}


def test_centre_sees_every_points_lag_equal_to_the_hubs_data_and_the_silent_point_marked(
    console_hub: Hub, desks: dict[str, str], page: Page
):
    login(page, console_hub, "quantri")
    page.click("nav >> text=Đồng bộ")
    expect(page.locator("h1")).to_contain_text("Tình trạng đồng bộ")
    p01, p02 = hub_figures(console_hub, "P01"), hub_figures(console_hub, "P02")
    assert (p01["dossiers_waiting"], p01["files_missing"], p01["events_today"]) == ("1", "2", "3")
    assert shown(page, "P01") == p01 and shown(page, "P02") == p02
    p01_row, p02_row = page.locator("#lag tr[data-point=P01]"), page.locator("#lag tr[data-point=P02]")
    expect(p02_row.locator("[data-k=silent]")).to_have_text("Không đồng bộ quá 4 giờ")
    expect(p01_row.locator("[data-k=silent]")).to_have_count(0)  # desk 2 pulled just now
    # desk 1 pushed but never pulled: its push time is shown, not "chưa đồng bộ"
    expect(p01_row.locator("[data-desk='1']")).to_contain_text("Bàn 1: tải về chưa lần nào, gửi lên ")
    expect(p01_row.locator("[data-desk='1']")).to_contain_text(" · 1 sự kiện")
    expect(p01_row.locator("[data-desk='1']")).not_to_contain_text("chưa đồng bộ")
    expect(p01_row.locator("[data-desk='2']")).to_contain_text("· 2 sự kiện")
    # desk 1 never ended a pass, so it never reported; desk 2's pass reported an empty outbox
    expect(p01_row.locator("[data-outbox='1']")).to_have_text("bàn chưa báo số còn chờ gửi")
    expect(p01_row.locator("[data-outbox='2']")).to_contain_text(
        "còn 0 sự kiện, 0 tệp chưa gửi (bàn báo lúc "
    )
    shot(page, "sync")


def test_the_dashboard_marks_the_silent_point_in_its_row(console_hub: Hub, desks: dict[str, str], page: Page):
    login(page, console_hub, "quantri")
    expect(page.locator("h1")).to_contain_text("Tổng quan")
    p01_row, p02_row = (
        page.locator("#dashboard tr[data-point=P01]"),
        page.locator("#dashboard tr[data-point=P02]"),
    )
    expect(p02_row.locator("[data-k=silent]")).to_have_text("Không đồng bộ quá 4 giờ")
    expect(p02_row).to_have_class("silent")
    expect(p01_row.locator("[data-k=silent]")).to_have_count(0)  # desk 2 pulled just now
    shot(page, "dashboard-silent")


def test_a_branch_director_sees_only_the_points_of_their_branch(
    console_hub: Hub, desks: dict[str, str], page: Page
):
    login(page, console_hub, "giamdoc1")
    page.goto(console_hub.url + "/dong-bo")
    expect(page.locator("#lag tr[data-point=P01]")).to_have_count(1)
    expect(page.locator("#lag tr[data-point=P02]")).to_have_count(0)
    expect(page.locator("#lag")).not_to_contain_text("Ba Đình")
    page.context.clear_cookies()
    login(page, console_hub, "giamdoc2")
    page.goto(console_hub.url + "/dong-bo")
    expect(page.locator("#lag tr[data-point=P01]")).to_have_count(0)
    expect(page.locator("#lag")).not_to_contain_text("Hoàn Kiếm")
    row = page.locator("#lag tr[data-point=P02]")
    expect(row.locator("[data-k=silent]")).to_be_visible()


def test_an_agency_officer_is_refused_the_sync_page(console_hub: Hub, desks: dict[str, str], page: Page):
    login(page, console_hub, "canbo")
    response = page.goto(console_hub.url + "/dong-bo")
    assert response is not None and response.status == 403


def report(home: str) -> None:
    """The end-of-pass report, from the desk's real store, to the real hub."""
    url, creds = load_identity(Path(home))
    store, transport = DeskOutbox(Path(home)), HubTransport(url, creds)
    try:
        assert report_outbox(store, transport) is not None
    finally:
        transport.close()
        store.close()


def test_what_each_desk_reports_it_still_holds_is_shown_with_the_reports_time(
    console_hub: Hub, desks: dict[str, str], page: Page
):
    report(desks["home:p01d1"])  # its two pages were never uploaded
    add_dossier(Path(desks["home:p01d2"]), "P01", desk=2)  # one event not pushed yet
    report(desks["home:p01d2"])
    login(page, console_hub, "quantri")
    page.goto(console_hub.url + "/dong-bo")
    row = page.locator("#lag tr[data-point=P01]")
    expect(row.locator("[data-outbox='1']")).to_contain_text("còn 0 sự kiện, 2 tệp chưa gửi (bàn báo lúc ")
    expect(row.locator("[data-outbox='2']")).to_contain_text("còn 1 sự kiện, 0 tệp chưa gửi (bàn báo lúc ")
    expect(row.locator("td[data-k=last_seen]")).to_contain_text("Gửi lên: ")
    shot(page, "sync")
    page.goto(console_hub.url + "/")  # the dashboard's row sums what the point's desks said
    held = page.locator("#dashboard tr[data-point=P01] td[data-k=desk_pending]")
    expect(held).to_have_text("1 sự kiện, 2 tệp")
    expect(page.locator("#dashboard tr[data-point=P02] td[data-k=desk_pending]")).to_have_text(
        "0 sự kiện, 0 tệp"
    )
