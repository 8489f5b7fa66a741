"""A draft's held record marked as reviewed, and the draft archived, from the console (the centre only,
with CSRF, audited), in real Chromium against a real hub process."""

from __future__ import annotations

import json

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.console.conftest import login, shot
from tests.console.test_catalog_drafts import DRAFT, drafted  # noqa: F401
from tests.console.test_console_browser import hub_sql
from tests.sync.hubkit import Hub


def draft_records(hub: Hub) -> dict[str, dict[str, str]]:
    body = json.loads((hub.data / "catalog-drafts" / f"{DRAFT}.json").read_text(encoding="utf-8"))
    return {r["report"]["code"]: {"status": r["status"], "by": r["reviewed_by"]} for r in body["records"]}


def audited(hub: Hub, action: str) -> list[tuple[str]]:
    return hub_sql(hub, "SELECT detail FROM console_view_audit WHERE action = :a ORDER BY id", a=action)


@pytest.fixture
def held_code(drafted: Hub) -> str:  # noqa: F811
    return next(code for code, r in draft_records(drafted).items() if r["status"] == "needs_review")


def test_the_centre_marks_a_held_record_reviewed_with_its_basis(drafted: Hub, page: Page, held_code: str):  # noqa: F811
    login(page, drafted, "quantri")
    page.goto(f"{drafted.url}/danh-muc/{DRAFT}")
    row = page.locator(f"#diff tr[data-code='{held_code}'][data-kind=held]")
    form = row.locator("form.review")
    expect(form).to_have_count(1)
    form.locator("button[type=submit]").click()  # no basis: the browser asks for it (required)
    assert draft_records(drafted)[held_code]["status"] == "needs_review"
    form.locator("input[name=basis]").fill("Quyết định 1234/QĐ-UBND ngày 01/11/2026")
    form.locator("button[type=submit]").click()
    expect(page.locator(".ok")).to_have_text("Đã đánh dấu bản ghi là đã xem xét.")
    assert draft_records(drafted)[held_code] == {"status": "reviewed", "by": "quantri"}
    assert audited(drafted, "catalog_review") == [(f"draft {DRAFT}: {held_code}",)]
    expect(page.locator(f"#diff tr[data-code='{held_code}'] form.review")).to_have_count(0)
    expect(page.locator(f"#diff tr[data-code='{held_code}'] [data-k=reviewed]")).to_have_text(
        "(đã xem xét: quantri)"
    )
    shot(page, "catalog_draft_reviewed")


def test_a_review_without_the_csrf_token_or_by_an_auditor_is_refused(
    drafted: Hub,  # noqa: F811
    page: Page,
):
    codes = [c for c, r in draft_records(drafted).items() if r["status"] == "needs_review"]
    login(page, drafted, "quantri")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    url = f"{drafted.url}/danh-muc/{DRAFT}/xem-xet"
    form = {"code": codes[0], "basis": "x"}
    assert requests.post(url, data=form, cookies=cookies, timeout=10).status_code == 403
    page.context.clear_cookies()
    login(page, drafted, "kiemtra")  # the auditor reads the draft, changes nothing
    page.goto(f"{drafted.url}/danh-muc/{DRAFT}")
    expect(page.locator("form.review")).to_have_count(0)
    expect(page.locator("#archive")).to_have_count(0)
    token = page.locator("input[name=csrf]").first.get_attribute("value")  # the logout form's
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    with_token = {**form, "csrf": token or ""}
    assert requests.post(url, data=with_token, cookies=cookies, timeout=10).status_code == 403
    archive = f"{drafted.url}/danh-muc/{DRAFT}/luu-tru"
    assert requests.post(archive, data={"csrf": token or ""}, cookies=cookies, timeout=10).status_code == 403
    assert [c for c, r in draft_records(drafted).items() if r["status"] == "needs_review"] == codes


def test_the_centre_archives_a_draft_out_of_the_list_audited(drafted: Hub, page: Page):  # noqa: F811
    login(page, drafted, "quantri")
    page.goto(f"{drafted.url}/danh-muc/{DRAFT}")
    page.click("#archive button[type=submit]")
    expect(page.locator(".ok")).to_have_text("Đã lưu trữ bản nháp.")
    expect(page.locator(f"#drafts tr[data-draft={DRAFT}]")).to_have_count(0)
    folder = drafted.data / "catalog-drafts"
    assert not (folder / f"{DRAFT}.json").exists() and (folder / "luu-tru" / f"{DRAFT}.json").is_file()
    assert audited(drafted, "catalog_archive") == [(f"draft {DRAFT} -> luu-tru/{DRAFT}.json",)]
    assert page.goto(f"{drafted.url}/danh-muc/{DRAFT}").status == 404  # type: ignore[union-attr]
