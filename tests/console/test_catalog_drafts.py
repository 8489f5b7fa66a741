"""Catalog drafts in the console: the diff against the published catalog, and publishing it (the centre
only, with CSRF, audited), in real Chromium against a real hub process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import central_cli, login, shot
from tests.console.test_console_browser import hub_sql
from tests.sync.hubkit import Hub, run_py

FIXTURES = Path(__file__).parents[1] / "fixtures"
OLD = FIXTURES / "catalog" / "handwritten_2026-11-01.json"
PORTAL = [FIXTURES / "portal" / f"{c}.json" for c in ("1.001193", "1.004222", "1.004873", "3.000370")]
DRAFT = "cong-dvc-2026-06"


@pytest.fixture(scope="module")
def drafted(console_hub: Hub) -> Hub:
    """The hub publishes the hand-written catalog, then a portal import lands in its drafts folder."""
    central_cli(console_hub, "catalog", "publish", str(OLD))
    folder = console_hub.data / "catalog-drafts"
    folder.mkdir()
    out = folder / f"{DRAFT}.json"
    run_py("-m", "central", "catalog", "import-portal", *map(str, PORTAL), "--out", str(out), "--quiet")
    (folder / "notes.json").write_text('{"not": "a draft"}')  # another file there is not listed
    return console_hub


def catalogs(hub: Hub) -> list[tuple[int, str]]:
    return hub_sql(hub, "SELECT id, body FROM publications WHERE kind = 'catalog' ORDER BY id")


def test_centre_sees_the_drafts_diff_and_publishes_it_audited(drafted: Hub, page: Page):
    [(old_id, _)] = catalogs(drafted)
    login(page, drafted, "quantri")
    page.click("nav >> text=Danh mục TTHC")
    row = page.locator(f"#drafts tr[data-draft={DRAFT}]")
    expect(row).to_contain_text("4")
    expect(page.locator("#drafts tbody tr")).to_have_count(1)
    shot(page, "catalog_drafts")
    row.locator("a").click()
    expect(page.locator("h1")).to_have_text(f"Bản nháp danh mục {DRAFT}")
    changed = page.locator("#diff tr[data-code='1.004222'][data-kind=changed]")
    expect(changed).to_contain_text("thành phần: +15 −3")
    expect(page.locator("#diff tr[data-kind=held]")).to_have_count(3)
    # held records are in the draft: never also listed as missing from it
    expect(page.locator("#diff tr[data-code='1.001193'][data-kind=not_in_draft]")).to_have_count(0)
    expect(page.locator("#diff tr[data-kind=not_in_draft]")).to_have_count(15)
    expect(page.locator("#summary")).to_contain_text("Thêm 0, thay đổi 1")
    shot(page, "catalog_draft")
    page.click("#publish button[type=submit]")
    expect(page.locator(".ok")).to_contain_text("Đã công bố danh mục số")
    [_, (new_id, body)] = catalogs(drafted)
    procs = {p["code"]: p for p in json.loads(body)["procedures"]}
    assert len(procs) == 18 and procs["1.004222"]["version"] == 2 and new_id > old_id
    audited = hub_sql(
        drafted,
        "SELECT a.action, a.detail FROM console_view_audit a JOIN console_operators o "
        "ON o.id = a.operator_id WHERE o.username = 'quantri' AND a.action = 'catalog_publish'",
    )
    assert audited == [("catalog_publish", f"draft {DRAFT} -> catalog #{new_id}, 18 procedure(s)")]
    expect(page.locator("#summary")).to_contain_text("Thêm 0, thay đổi 0, giữ nguyên 1")


def test_only_the_centre_may_publish_and_only_with_the_csrf_token(drafted: Hub, page: Page):
    before = catalogs(drafted)
    for user in ("giamdoc1", "canbo"):
        login(page, drafted, user)
        csrf = page.locator("header input[name=csrf]").get_attribute("value") or ""
        assert page.goto(f"{drafted.url}/danh-muc").status == 403  # type: ignore[union-attr]
        assert page.goto(f"{drafted.url}/danh-muc/{DRAFT}").status == 403  # type: ignore[union-attr]
        posted = page.request.post(f"{drafted.url}/danh-muc/{DRAFT}/cong-bo", form={"csrf": csrf})
        assert posted.status == 403
        page.context.clear_cookies()
    central_cli(drafted, "operator", "add", "--role", "auditor", "kiemtra3")
    login(page, drafted, "kiemtra3")
    page.goto(f"{drafted.url}/danh-muc/{DRAFT}")
    expect(page.locator("#diff")).to_be_visible()
    expect(page.locator("#publish")).to_have_count(0)  # an auditor reads, no publish form
    csrf = page.locator("header input[name=csrf]").get_attribute("value") or ""
    against = str(before[-1][0])
    form = {"csrf": csrf, "against": against}
    assert page.request.post(f"{drafted.url}/danh-muc/{DRAFT}/cong-bo", form=form).status == 403
    page.context.clear_cookies()
    login(page, drafted, "quantri")
    form = {"against": against}
    assert page.request.post(f"{drafted.url}/danh-muc/{DRAFT}/cong-bo", form=form).status == 403
    assert catalogs(drafted) == before


def test_a_diff_seen_before_another_publication_is_not_published(drafted: Hub, page: Page):
    before = catalogs(drafted)
    login(page, drafted, "quantri")
    page.goto(f"{drafted.url}/danh-muc/{DRAFT}")
    central_cli(drafted, "catalog", "publish", str(OLD))  # someone publishes meanwhile
    page.click("#publish button[type=submit]")
    expect(page.locator("p.error[role=alert]")).to_contain_text("Danh mục đã được công bố lại")
    assert len(catalogs(drafted)) == len(before) + 1  # only the CLI's


def test_a_name_outside_the_drafts_folder_is_not_found(drafted: Hub, page: Page):
    login(page, drafted, "quantri")
    for name in ("..%2Fhub", "notes", "khong-co"):
        assert page.goto(f"{drafted.url}/danh-muc/{name}").status == 404  # type: ignore[union-attr]
