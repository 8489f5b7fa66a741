"""Dates typed in the console's forms (the report's range, an agency's new due date) as dd/mm/yyyy, in
real Chromium against a real hub process: read, or refused with a Vietnamese reason."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.console.conftest import add_dossier, login, today
from tests.console.test_console_browser import hub_sql, sync
from tests.sync.hubkit import Hub, enroll_desk


def test_the_report_reads_day_month_year_and_shows_its_range_so(console_hub: Hub, page: Page):
    login(page, console_hub, "quantri")
    page.goto(console_hub.url + "/bao-cao")
    last = today().date()
    first = last.replace(day=1)
    expect(page.locator("input[name=tu]")).to_have_value(first.strftime("%d/%m/%Y"))
    page.fill("input[name=tu]", f"1/{first.month}/{first.year}")
    page.fill("input[name=den]", last.strftime("%d/%m/%Y"))
    page.click("form.inline button[type=submit]")
    expect(page.locator("h1")).to_have_text(
        f"Báo cáo từ {first.strftime('%d/%m/%Y')} đến {last.strftime('%d/%m/%Y')}"
    )
    expect(page.locator("#report")).to_be_visible()
    xlsx = page.request.get(console_hub.url + (page.locator("#xlsx").get_attribute("href") or ""))
    assert xlsx.status == 200 and xlsx.body()[:2] == b"PK"


def test_a_date_that_is_not_on_the_calendar_is_refused_with_a_vietnamese_reason(
    console_hub: Hub, page: Page, tmp_path: Path
):
    login(page, console_hub, "quantri")
    page.goto(console_hub.url + "/bao-cao")
    page.fill("input[name=tu]", "31/02/2026")
    with page.expect_response(lambda r: "/bao-cao?" in r.url) as answer:
        page.click("form.inline button[type=submit]")
    assert answer.value.status == 422
    expect(page.locator("#date-error")).to_have_text("Từ ngày: ngày 31/02/2026 không có trên lịch.")
    expect(page.locator("input[name=tu]")).to_have_value("31/02/2026")  # what was typed stays
    expect(page.locator("#report")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "report_error.png"), full_page=True)
    page.fill("input[name=tu]", "2026-13-01x")
    page.click("form.inline button[type=submit]")
    expect(page.locator("#date-error")).to_contain_text("không phải một ngày; hãy nhập ngày/tháng/năm")
    page.fill("input[name=tu]", "02/11/2026")
    page.fill("input[name=den]", "01/11/2026")
    page.click("form.inline button[type=submit]")
    expect(page.locator("#date-error")).to_have_text("“Từ ngày” phải trước hoặc trùng “Đến ngày”.")
    refused = page.request.get(console_hub.url + "/bao-cao.xlsx?tu=32/01/2026")
    assert refused.status == 422 and "không có trên lịch" in refused.text()


def test_an_agency_extends_a_due_date_typed_day_month_year(console_hub: Hub, page: Page, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(console_hub, home, "P01", 3)
    dossier_id, code = add_dossier(home, "P01", desk=3)
    sync(home)
    login(page, console_hub, "canbo")
    page.click(f"text={code}")
    page.select_option("select[name=action]", "accepted")
    page.click("#decide button[type=submit]")
    expect(page.locator("#status")).to_have_text("Đã chuyển xử lý")
    page.select_option("select[name=action]", "due_extended")
    page.fill("input[name=note]", "Cần xác minh thêm")
    page.fill("input[name=new_due_date]", "30/02/2027")
    page.click("#decide button[type=submit]")
    expect(page.locator("p.error")).to_contain_text("ngày hẹn mới không đọc được, hãy nhập ngày/tháng/năm")
    page.select_option("select[name=action]", "due_extended")  # the page came back with a fresh form
    page.fill("input[name=note]", "Cần xác minh thêm")
    page.fill("input[name=new_due_date]", "15/01/2027")
    page.click("#decide button[type=submit]")
    expect(page.locator("p.error")).to_have_count(0)
    [(state,)] = hub_sql(console_hub, "SELECT state_json FROM dossiers WHERE id = :d", d=dossier_id)
    assert json.loads(state)["due_date"] == "2027-01-15"
