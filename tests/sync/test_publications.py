"""Catalog, calendar and digitization-profile publications: published at the hub by CLI, applied by
the desk's sync pass."""

from __future__ import annotations

import json
from pathlib import Path

from app.calendar import CALENDAR_DIR
from app.catalog import SHIPPED_CATALOG
from app.config import load_settings
from app.digitization import DEFAULT_PROFILE, DigitizationProfile, installed_profile
from app.services.intake import receive
from sync.engine import SyncConfig, run_once
from sync.enroll import load_identity
from sync.publications import apply_publication
from sync.status import status
from tests.store_helpers import make_desk, request
from tests.sync.hubkit import Hub, enroll_desk, run_py

NEW_CODE = "9.999001"


def _catalog(tmp: Path) -> Path:
    shipped = json.loads(SHIPPED_CATALOG.read_text(encoding="utf-8"))
    proc = dict(shipped["procedures"][0])
    proc.update(code=NEW_CODE, version=1, name="Cấp giấy phép nuôi chim bồ câu thử nghiệm")
    proc["processing"] = {"kind": "working_days", "days": 2}
    path = tmp / "catalog.json"
    path.write_text(json.dumps({**shipped, "procedures": [proc]}, ensure_ascii=False), encoding="utf-8")
    return path


def _calendar(tmp: Path) -> Path:
    overlay = json.loads((CALENDAR_DIR / "2026.json").read_text(encoding="utf-8"))
    overlay["days_off"] += ["2026-11-23", "2026-11-25"]  # the centre closes Monday and Wednesday
    path = tmp / "2026.json"
    path.write_text(json.dumps(overlay, ensure_ascii=False), encoding="utf-8")
    return path


def _bad(tmp: Path, name: str, doc: dict[str, object]) -> Path:
    path = tmp / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_published_catalog_and_calendar_reach_the_desk_and_bad_ones_are_skipped(
    sqlite_hub: Hub, tmp_path: Path
):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "HK", 1)  # make_desk receives for point HK
    bad_catalog = _bad(tmp_path, "bad-catalog.json", {"procedures": [{"code": "x"}]})
    bad_calendar = _bad(tmp_path, "bad-calendar.json", {"year": 2026, "days_off": ["23/11/2026"]})
    for kind, path in [
        ("catalog", bad_catalog),
        ("calendar", bad_calendar),
        ("catalog", _catalog(tmp_path)),
        ("calendar", _calendar(tmp_path)),
    ]:
        sqlite_hub.cli(kind, "publish", str(path))

    hub_url, creds = load_identity(home)
    report = run_once(
        SyncConfig(home=home, hub_url=hub_url, credentials=creds), lambda d, t: None, lambda: False
    )

    assert report.outcome == "ok" and report.publications == 2 and report.rejected == 2
    assert status(home)["cursor"] == 4 and status(home)["publication_error"] is None
    found = run_py("-m", "app", "catalog", "search", "chim bồ câu", home=home).stdout
    assert found.splitlines()[0].startswith(NEW_CODE)
    assert "1.001193" in run_py("-m", "app", "catalog", "search", "khai sinh", home=home).stdout
    assert (home / "calendar" / "2026.json").exists()

    desk = make_desk(
        home, agency_code=load_settings(home).agency_code
    )  # as the hub gave it; Friday 2026-11-20 09:30; 24/11 is a holiday, 23 and 25 now closed too
    state = receive(desk, request(desk, procedure=NEW_CODE))
    desk.db.close()
    assert state.due_date == "2026-11-27"  # 2 working days: Thursday 26, Friday 27

    report = run_once(
        SyncConfig(home=home, hub_url=hub_url, credentials=creds), lambda d, t: None, lambda: False
    )
    assert report.outcome == "ok" and report.pushed == 1


def test_a_bad_publication_alone_is_reported_in_vietnamese(sqlite_hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "P01", 1)
    sqlite_hub.cli("calendar", "publish", str(_bad(tmp_path, "c.json", {"year": 1990})))
    hub_url, creds = load_identity(home)
    report = run_once(
        SyncConfig(home=home, hub_url=hub_url, credentials=creds), lambda d, t: None, lambda: False
    )
    assert report.outcome == "ok" and report.rejected == 1
    shown = status(home)
    assert shown["cursor"] == 1 and "Lịch ngày làm việc" in shown["publication_error"]
    assert "không hợp lệ" in shown["last_error"]
    assert not (home / "calendar").exists()


def test_a_published_digitization_profile_reaches_the_desk_and_a_bad_one_never_leaves_the_hub(
    sqlite_hub: Hub, tmp_path: Path
):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "P01", 1)
    gray_150 = _bad(tmp_path, "xam-150.json", {"mode": "gray", "min_dpi": 150})  # under Nghị định 30
    refused = run_py(
        "-m", "central", "digitization", "publish", str(gray_150), *sqlite_hub.store_args(), check=False
    )
    assert refused.returncode == 2 and "gray at 150 dpi" in refused.stderr
    colour = {"mode": "color", "min_dpi": 300, "kb_per_page": 250, "name": "Số hóa màu theo NĐ 30"}
    sqlite_hub.cli("digitization", "publish", str(_bad(tmp_path, "mau.json", colour)))

    hub_url, creds = load_identity(home)
    report = run_once(
        SyncConfig(home=home, hub_url=hub_url, credentials=creds), lambda d, t: None, lambda: False
    )
    assert report.outcome == "ok" and report.publications == 1 and report.rejected == 0
    assert installed_profile(home) == DigitizationProfile("color", 300, 250, "Số hóa màu theo NĐ 30")


def test_a_bad_profile_reaching_a_desk_is_skipped_and_the_desk_keeps_its_own(tmp_path: Path):
    home = tmp_path / "desk"
    home.mkdir()
    problem = apply_publication(None, home, "digitization", 7, {"mode": "sepia"})  # type: ignore[arg-type]
    assert problem is not None and problem.startswith("Cấu hình số hóa do Trung tâm gửi không hợp lệ")
    assert installed_profile(home) == DEFAULT_PROFILE and not (home / "digitization.json").exists()


def test_a_desk_gets_only_the_publication_kinds_it_names_and_the_cursor_passes_the_others(
    sqlite_hub: Hub, tmp_path: Path
):
    """A desk from before the digitization profile validated `kind` against the three it knew: one
    profile in its point's feed made every later page unreadable, and its sync stopped for good. The
    hub now serves a desk only the kinds it names (none named: the first two), and the cursor still
    moves past the others; a kind newer than the desk is skipped by the desk too."""
    import requests

    from sync.protocol import PROTOCOL_HEADER, PUBLICATIONS_HEADER, ChangesResponse

    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "P01", 1)
    colour = {"mode": "color", "min_dpi": 300, "kb_per_page": 250, "name": "Số hóa màu"}
    sqlite_hub.cli("digitization", "publish", str(_bad(tmp_path, "mau.json", colour)))
    sqlite_hub.cli("calendar", "publish", str(_calendar(tmp_path)))
    _, creds = load_identity(home)

    def feed(**headers: str) -> ChangesResponse:
        resp = requests.get(
            f"{sqlite_hub.url}/api/v1/changes",
            auth=(creds.device_id, creds.secret),
            headers={PROTOCOL_HEADER: "1", **headers},
            timeout=10,
        )
        assert resp.status_code == 200, resp.text[:200]
        return ChangesResponse.model_validate(resp.json())

    every = feed(**{PUBLICATIONS_HEADER: "catalog,calendar,digitization"})
    assert [c.kind for c in every.changes] == ["digitization", "calendar"]
    older = feed()  # a desk that names no kinds: it read catalog and calendar only
    assert [c.kind for c in older.changes] == ["calendar"] and older.cursor == every.cursor
    assert [c.kind for c in feed(**{PUBLICATIONS_HEADER: "DROP TABLE, ../x"}).changes] == ["calendar"]
    too_long = requests.get(
        f"{sqlite_hub.url}/api/v1/changes",
        auth=(creds.device_id, creds.secret),
        headers={PROTOCOL_HEADER: "1", PUBLICATIONS_HEADER: "calendar," * 60},
        timeout=10,
    )
    assert too_long.status_code == 422

    hub_url, _ = load_identity(home)
    report = run_once(
        SyncConfig(home=home, hub_url=hub_url, credentials=creds), lambda d, t: None, lambda: False
    )
    assert report.outcome == "ok" and report.publications == 2
    assert installed_profile(home) == DigitizationProfile("color", 300, 250, "Số hóa màu")

    later = ChangesResponse.model_validate(
        {
            "changes": [{"seq": 9, "kind": "opening_hours", "document": {"mon": "7:30"}}],
            "cursor": 9,
            "has_more": False,
        }
    )
    assert later.changes[0].kind == "opening_hours"  # parsed, so one newer kind cannot stall a page


def test_a_published_form_template_reaches_the_desk_and_prints_on_form_01(sqlite_hub: Hub, tmp_path: Path):
    """`central forms publish` refuses a bad template and sends a good one; the desk installs it at its
    next sync and form 01 prints the centre's wording and version; a bad one forced onto the wire is
    skipped by the desk, which keeps the template it had; a backup carries the installed template."""
    import subprocess

    from sqlalchemy.orm import Session

    from app.backup import create_backup
    from app.form_templates import installed_template
    from app.services.dossier_forms import render_form
    from central.ingest import publish

    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "HK", 1)
    label = "Xin mang theo Giấy tiếp nhận này khi đến nhận kết quả tại Bộ phận một cửa."
    good = {"form": "01", "version": "2026.1", "effective_date": "2026-01-01", "texts": {"bring_back": label}}
    english = {**good, "texts": {"bring_back": "Please bring this receipt back"}}
    refused = run_py(
        "-m", "central", "forms", "publish", str(_bad(tmp_path, "en.json", english)), *sqlite_hub.store_args(),
        check=False,
    )  # fmt: skip
    assert refused.returncode == 2 and "English word" in refused.stderr
    sqlite_hub.cli("forms", "publish", str(_bad(tmp_path, "mau-01.json", good)))

    hub_url, creds = load_identity(home)
    config = SyncConfig(home=home, hub_url=hub_url, credentials=creds)
    report = run_once(config, lambda d, t: None, lambda: False)
    assert report.outcome == "ok" and report.publications == 1 and report.rejected == 0
    assert installed_template(home, "01").version == "2026.1"

    desk = make_desk(home, agency_code=load_settings(home).agency_code)
    state = receive(desk, request(desk))
    pdf = render_form(desk.db, state, "01", desk.settings, "Nguyễn Thị Lan", home)
    desk.db.close()
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert label in text and "Mẫu 01 · phiên bản 2026.1" in text and text.count(label) == 2  # both copies

    hub_engine = sqlite_hub.engine()  # forced past the CLI's check
    with Session(hub_engine) as s, s.begin():
        publish(s, "forms", {**good, "version": "2026.2", "texts": {"bring_back": "TODO {so_phieu}"}})
    hub_engine.dispose()
    report = run_once(config, lambda d, t: None, lambda: False)
    assert report.outcome == "ok" and report.rejected == 1
    assert installed_template(home, "01").version == "2026.1"  # the desk keeps what it had
    assert "Mẫu phiếu in do Trung tâm gửi không hợp lệ" in status(home)["publication_error"]

    import tarfile

    archive = tmp_path / "sao-luu.tar"
    create_backup(archive, home)
    with tarfile.open(archive) as tar:
        assert "forms/01.json" in tar.getnames()


def test_a_toml_guidance_template_is_published_as_json_and_reaches_the_desk(sqlite_hub: Hub, tmp_path: Path):
    """`central forms publish F.toml` reads TOML (a broken one is refused with exit 2); the desk
    installs the guidance sheet's template as forms/HD.json, and a backup keeps it as a safe member."""
    import tarfile

    from app.backup import create_backup, safe_member_name, verify_backup
    from app.form_templates import GUIDANCE, installed_template

    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "HK", 1)
    broken = tmp_path / "hd-hong.toml"
    broken.write_text('form = "HD"\n[texts\n', encoding="utf-8")
    refused = run_py("-m", "central", "forms", "publish", str(broken), *sqlite_hub.store_args(), check=False)
    assert refused.returncode == 2 and "not TOML" in refused.stderr
    good = tmp_path / "hd.toml"
    good.write_text(
        'form = "HD"\nversion = "2026.2"\neffective_date = "2026-01-01"\n'
        'footer = "Phiếu này do Trung tâm Phục vụ hành chính công ban hành."\n'
        '[texts]\nsteps_heading = "1. Các bước thực hiện"\n',
        encoding="utf-8",
    )
    sqlite_hub.cli("forms", "publish", str(good))
    hub_url, creds = load_identity(home)
    report = run_once(
        SyncConfig(home=home, hub_url=hub_url, credentials=creds), lambda d, t: None, lambda: False
    )
    assert report.outcome == "ok" and report.publications == 1 and report.rejected == 0
    template = installed_template(home, GUIDANCE)
    assert template.version == "2026.2" and template.text("steps_heading") == "1. Các bước thực hiện"
    archive = tmp_path / "sao-luu.tar"
    create_backup(archive, home)
    with tarfile.open(archive) as tar:
        assert "forms/HD.json" in tar.getnames()
    assert safe_member_name("forms/HD.json") and not safe_member_name("forms/hd.json")
    verify_backup(archive)
