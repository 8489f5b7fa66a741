"""The console in real Chromium against a real hub process and a real desk store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2
import requests
import zxingcpp
from playwright.sync_api import Page, expect
from sqlalchemy import text

from app.config import Settings
from app.forms import render_receipt
from app.storage.db import open_db
from app.storage.events import load_state
from central.api.guard import CONSOLE_DECISION_BYTES
from sync.engine import SyncConfig, run_once
from tests.console.conftest import add_dossier, login, shot, today
from tests.sync.hubkit import Hub, agency_code_for, enroll_desk


def sync(home: Path):
    report = run_once(SyncConfig(home=home, chunk_size=16 * 1024), lambda d, t: None, lambda: False)
    assert report.outcome == "ok", report.log_message
    return report


def hub_sql(hub: Hub, sql: str, **params: object) -> list[tuple]:
    engine = hub.engine()
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params)]
    engine.dispose()
    return rows


def test_login_refuses_a_wrong_password_then_opens_the_dashboard(console_hub: Hub, page: Page):
    page.goto(console_hub.url + "/")
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    shot(page, "login")
    login(page, console_hub, "quantri", "sai-mat-khau-roi")
    expect(page.locator(".error")).to_contain_text("không đúng")
    login(page, console_hub, "quantri")
    expect(page.locator("h1")).to_contain_text("Tổng quan")
    cookie = next(c for c in page.context.cookies() if c["name"] == "motcua_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_dashboard_numbers_equal_the_hubs_data_after_a_desk_syncs(
    console_hub: Hub, page: Page, tmp_path: Path
):
    home = tmp_path / "desk"
    enroll_desk(console_hub, home, "P01", 1)
    add_dossier(home, "P01")  # received today
    add_dossier(home, "P01", due_in_days=0)  # received today, due today
    add_dossier(home, "P01", received_days_ago=9, due_in_days=-2)  # overdue
    add_dossier(home, "P01", received_days_ago=5, due_in_days=-1)  # overdue
    sync(home)
    day = today().date().isoformat()
    states = [
        json.loads(r[0])
        for r in hub_sql(console_hub, "SELECT state_json FROM dossiers WHERE point_code='P01'")
    ]
    open_ = [s for s in states if s["status"] not in ("returned", "refused")]
    expected = {
        "received_today": sum(1 for s in states if s["received_at"][:10] == day),
        "due_today": sum(1 for s in open_ if s["due_date"] == day),
        "overdue": sum(1 for s in open_ if s["due_date"] < day),
        "desks_online": "1/1",
    }
    assert expected["received_today"] >= 2 and expected["overdue"] >= 2  # the data really has them
    login(page, console_hub, "quantri")
    row = page.locator("#dashboard tr[data-point=P01]")
    seen = {k: row.locator(f"td[data-k={k}]").inner_text().strip() for k in expected}
    assert seen == {k: str(v) for k, v in expected.items()}
    expect(row).to_contain_text("Điểm Phục vụ Hoàn Kiếm")
    expect(row).to_contain_text(re.compile(r"Bàn 1: \d\d:\d\d \d\d/\d\d/\d{4} \(([+-]\d+|±0) giây\)"))
    shot(page, "dashboard")


def test_agency_officer_uploads_a_result_and_the_desk_receives_it(
    console_hub: Hub, page: Page, tmp_path: Path
):
    home = tmp_path / "desk"
    enroll_desk(console_hub, home, "P01", 2)
    dossier_id, code = add_dossier(home, "P01", desk=2)
    _, other_code = add_dossier(home, "P01", desk=2, procedure="2.000815")  # routed elsewhere
    sync(home)
    login(page, console_hub, "canbo")
    expect(page.locator("#inbox")).to_contain_text(code)
    expect(page.locator("#inbox")).not_to_contain_text(other_code)
    shot(page, "inbox")
    page.click(f"text={code}")
    page.select_option("select[name=action]", "accepted")
    page.fill("input[name=note]", "Đã nhận hồ sơ")
    page.click("#decide button[type=submit]")
    expect(page.locator("#status")).to_have_text("Đã chuyển xử lý")
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(b"%PDF-1.4\n% ket qua giai quyet\n" * 50)
    page.select_option("select[name=action]", "result_ready")
    page.set_input_files("input[name=result]", str(result))
    page.click("#decide button[type=submit]")
    expect(page.locator("#status")).to_have_text("Có kết quả")
    expect(page.locator("#files")).to_contain_text("ket-qua.pdf")
    shot(page, "detail")
    report = sync(home)
    assert report.pulled == 2 and report.files_downloaded == 1
    db = open_db(home / "desk.db")
    state = load_state(db, dossier_id)
    db.close()
    assert state.status.value == "result_ready"
    [ref] = state.result_files
    assert ref["name"] == "ket-qua.pdf" and list((home / "blobs").rglob(ref["sha256"]))


def test_director_cannot_open_another_branchs_dossier_by_link_or_search(
    console_hub: Hub, page: Page, tmp_path: Path
):
    home = tmp_path / "desk"
    enroll_desk(console_hub, home, "P02", 1)
    dossier_id, code = add_dossier(home, "P02")
    sync(home)
    login(page, console_hub, "giamdoc1")  # branch CN1: P01 only
    page.goto(f"{console_hub.url}/ho-so?q={code}")
    expect(page.locator("#results")).to_contain_text("Không tìm thấy")
    page.goto(f"{console_hub.url}/ho-so?q=Nguyen Van")
    expect(page.locator("#results")).not_to_contain_text(code)
    response = page.goto(f"{console_hub.url}/ho-so/{dossier_id}")
    assert response is not None and response.status == 404
    assert page.request.get(f"{console_hub.url}/ho-so/{dossier_id}/tep/{'a' * 64}").status == 404
    page.context.clear_cookies()
    login(page, console_hub, "giamdoc2")  # CN2 holds P02: the same links work
    page.goto(f"{console_hub.url}/ho-so?q={code}")
    shot(page, "search")
    page.click(f"text={code}")
    expect(page.locator("h1")).to_have_text(f"Hồ sơ {code}")
    audited = hub_sql(
        console_hub,
        "SELECT a.action FROM console_view_audit a JOIN console_operators o ON o.id = a.operator_id "
        "WHERE o.username = 'giamdoc2' AND a.dossier_id = :d",
        d=dossier_id,
    )
    assert audited == [("view",)]


def test_a_form_post_without_the_csrf_token_is_refused(console_hub: Hub, page: Page):
    login(page, console_hub, "quantri")
    page.goto(console_hub.url + "/lich")
    shot(page, "calendar")
    before = hub_sql(console_hub, "SELECT count(*) FROM publications WHERE kind='calendar'")[0][0]
    body = '{"year": 2027, "holidays": ["2027-01-01"]}'
    assert page.request.post(console_hub.url + "/lich", form={"body": body}).status == 403
    page.evaluate("document.querySelector('form[action=\"/lich\"] input[name=csrf]').remove()")
    page.fill("textarea[name=body]", body)
    with page.expect_response(lambda r: r.url.endswith("/lich") and r.request.method == "POST") as resp:
        page.click("form[action='/lich'] button[type=submit]")
    assert resp.value.status == 403
    assert hub_sql(console_hub, "SELECT count(*) FROM publications WHERE kind='calendar'")[0][0] == before
    page.goto(console_hub.url + "/lich")
    page.fill("textarea[name=body]", body)
    page.click("form[action='/lich'] button[type=submit]")
    expect(page.locator(".ok")).to_contain_text("Đã công bố")
    assert hub_sql(console_hub, "SELECT count(*) FROM publications WHERE kind='calendar'")[0][0] == before + 1


def test_devices_page_issues_an_enrollment_code_with_a_qr(console_hub: Hub, page: Page, tmp_path: Path):
    login(page, console_hub, "quantri")
    page.goto(console_hub.url + "/thiet-bi")
    page.fill("input[name=point]", "P99")  # a new point, and no agency code: refused, with the reason
    page.fill("input[name=desk]", "7")
    page.click("form[action='/thiet-bi/ma-dang-ky'] button")
    expect(page.locator(".error")).to_contain_text("mã cơ quan")
    page.fill("input[name=point]", "P01")
    page.fill("input[name=desk]", "7")
    page.fill("input[name=agency_code]", agency_code_for("P01"))
    page.click("form[action='/thiet-bi/ma-dang-ky'] button")
    code = page.locator("#enroll-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    shot(page, "enroll-code")
    png = page.locator(".qr svg").screenshot()
    image = tmp_path / "qr.png"
    image.write_bytes(png)
    from PIL import Image

    [decoded] = zxingcpp.read_barcodes(Image.open(image))
    assert decoded.text == code
    page.goto(console_hub.url + "/thiet-bi")
    shot(page, "devices")
    page.goto(console_hub.url + "/bao-cao")
    shot(page, "report")
    xlsx = page.request.get(console_hub.url + "/bao-cao.xlsx")
    assert xlsx.status == 200 and xlsx.body()[:2] == b"PK"


def test_citizen_page_from_the_printed_receipts_qr_shows_the_state_and_a_guess_gets_nothing(
    console_hub: Hub, browser, tmp_path: Path
):
    home = tmp_path / "desk"
    enroll_desk(console_hub, home, "P01", 3)
    dossier_id, code = add_dossier(home, "P01", desk=3, status_secret="K7M2Q9XP")
    sync(home)
    db = open_db(home / "desk.db")
    state = load_state(db, dossier_id)
    db.close()
    pdf = pypdfium2.PdfDocument(render_receipt(state, Settings(point_code="P01", hub_url=console_hub.url)))
    bitmap = pdf[0].render(scale=300 / 72).to_pil()
    urls = [b.text for b in zxingcpp.read_barcodes(bitmap) if b.text.startswith("http")]
    assert urls and "k=K7M2Q9XP" in urls[0]
    phone = browser.new_context(viewport={"width": 390, "height": 780}, is_mobile=True, locale="vi-VN")
    page = phone.new_page()
    page.goto(urls[0])
    expect(page.locator("#citizen-status")).to_have_text("Đã tiếp nhận")
    expect(page.locator("body")).not_to_contain_text("Nguyễn Văn A")  # no personal data
    expect(page.locator("body")).not_to_contain_text("001099000001")
    shot(page, "citizen")
    wrong_secret = page.goto(urls[0].replace("K7M2Q9XP", "K7M2Q9XQ"))
    assert wrong_secret is not None and wrong_secret.status == 404
    expect(page.locator("#citizen-none")).to_be_visible()
    other = code[:-1] + ("1" if code.endswith("0") else "0")  # a neighbour's code, the right secret
    guessed = page.goto(console_hub.url + "/tra-cuu?ma=" + other + "&k=K7M2Q9XP")
    assert guessed is not None and guessed.status == 404
    expect(page.locator("body")).not_to_contain_text("Đã tiếp nhận")
    shot(page, "citizen-not-found")
    phone.close()


def test_citizen_page_is_rate_limited(console_hub: Hub):
    codes = [requests.get(console_hub.url + "/tra-cuu?ma=X&k=Y", timeout=10).status_code for _ in range(30)]
    assert codes[0] == 404 and 429 in codes


def test_five_wrong_passwords_lock_the_account(console_hub: Hub, page: Page):
    for _ in range(5):
        login(page, console_hub, "kiemtra", "khong-dung-dau")
    login(page, console_hub, "kiemtra")
    expect(page.locator(".error")).to_contain_text("tạm khóa")


def test_auditor_reads_but_any_change_is_refused(console_hub: Hub, page: Page):
    login(page, console_hub, "quantri")  # lockout test may have locked kiemtra: use a fresh auditor
    page.context.clear_cookies()
    from tests.console.conftest import central_cli

    central_cli(console_hub, "operator", "add", "--role", "auditor", "kiemtra2")
    login(page, console_hub, "kiemtra2")
    expect(page.locator("h1")).to_contain_text("Tổng quan")
    page.goto(console_hub.url + "/lich")
    assert page.locator("textarea[name=body]").count() == 0  # no publish form for an auditor
    csrf = page.locator("header input[name=csrf]").get_attribute("value")
    refused = page.request.post(
        console_hub.url + "/lich", form={"csrf": csrf or "", "body": '{"year": 2027}'}
    )
    assert refused.status == 403
    enroll = page.request.post(
        console_hub.url + "/thiet-bi/ma-dang-ky", form={"csrf": csrf or "", "point": "P01", "desk": "9"}
    )
    assert enroll.status == 403


def test_a_post_without_a_session_or_too_large_is_refused_before_its_body_is_read(console_hub: Hub):
    anonymous = requests.post(console_hub.url + "/lich", data={"body": "{}"}, timeout=10)
    assert anonymous.status_code == 401 and "Đăng nhập" in anonymous.text
    import http.client
    from urllib.parse import urlparse

    url = urlparse(console_hub.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    for length, status in ((200 * 1024 * 1024, 413), (CONSOLE_DECISION_BYTES + 1, 413)):
        conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
        conn.putrequest("POST", "/co-quan/x/quyet-dinh")
        conn.putheader("Content-Length", str(length))  # announced, never sent
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.endheaders()
        assert conn.getresponse().status == status
        conn.close()
    # a decision with a 50 MiB result file is let through to the console, which wants a session first
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    conn.putrequest("POST", "/co-quan/x/quyet-dinh")
    conn.putheader("Content-Length", str(CONSOLE_DECISION_BYTES))
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.endheaders()
    answer = conn.getresponse()
    assert answer.status == 401 and "Đăng nhập" in answer.read().decode()
    conn.close()
    chunked = requests.post(console_hub.url + "/lich", data=iter([b"body=%7B%7D"]), timeout=10)
    assert chunked.status_code == 411  # a console post must say its length
