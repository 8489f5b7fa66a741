"""`python -m central catalog import-portal | review | diff | publish` as the centre runs them, on a real
hub database (SQLite data folder), and the hub process never loading the desk's store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.sync.hubkit import ROOT, run_py

FIXTURES = Path(__file__).parent / "fixtures" / "portal"
OLD = Path(__file__).parent / "fixtures" / "catalog" / "handwritten_2026-11-01.json"


def central(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_py("-m", "central", "catalog", *args, check=check)


def test_import_review_diff_publish_round(tmp_path: Path):
    draft, hub = tmp_path / "draft.json", tmp_path / "hub"
    files = [str(FIXTURES / f"{c}.json") for c in ("1.001193", "1.004222", "1.004873", "3.000370")]
    out = central("import-portal", *files, "--out", str(draft), "--retrieved", "2026-06-10").stdout
    assert "CẦN XEM 1.001193" in out and "OK      1.004222" in out and "| thời hạn (trực tiếp) |" in out
    assert "bản nháp:" in out and "(4 bản ghi, 3 cần người xem)" in out

    out = central("diff", str(draft), "--against", str(OLD)).stdout
    assert "~ 1.004222" in out and "thành phần: +15 −3" in out
    assert "! 1.001193: giữ lại" in out and "! 1.004873: giữ lại" in out and "! 3.000370: giữ lại" in out

    reviews = tmp_path / "reviews.json"
    time = {"reviewed_by": "kiểm thử", "basis": "thử", "processing": {"kind": "working_days", "days": 1}}
    reviews.write_text(json.dumps({"1.001193": time, "1.004873": time}))
    out = central("review", str(draft), "--with", str(reviews)).stdout
    assert "2 bản ghi đã xem xét: 1.001193, 1.004873" in out
    out = central("diff", str(draft), "--against", str(OLD)).stdout
    assert "~ 1.004873" in out and "phí: 15000đ → bằng lời" in out  # the invented fee is gone

    out = central("publish", str(draft), "--data", str(hub)).stdout
    assert "published catalog #1: 3 procedure(s), 1 held" in out and "! 3.000370" in out
    out = central("diff", str(draft), "--data", str(hub)).stdout  # the hub now has exactly the draft
    assert "thêm 0, thay đổi 0, giữ nguyên 3" in out


def test_publish_write_versions_against_the_old_catalog(tmp_path: Path):
    draft, out_file = tmp_path / "draft.json", tmp_path / "catalog.json"
    central("import-portal", str(FIXTURES / "1.004222.json"), "--out", str(draft), "--quiet")
    central("publish", str(draft), "--against", str(OLD), "--write", str(out_file))
    procs = {p["code"]: p for p in json.loads(out_file.read_text(encoding="utf-8"))["procedures"]}
    assert procs["1.004222"]["version"] == 2 and procs["1.001193"]["version"] == 1 and len(procs) == 18


def test_a_bad_input_file_is_a_report_line_and_the_draft_still_builds(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"ma_thu_tuc": "1.0", "cach_thuc_thuc_hien": 5}, 7, {"thanh_phan_ho_so": null}]')
    draft = tmp_path / "draft.json"
    result = central("import-portal", str(bad), str(FIXTURES / "1.004222.json"), "--out", str(draft))
    assert result.returncode == 0 and result.stdout.count("CẦN XEM") == 3
    assert json.loads(draft.read_text(encoding="utf-8"))["records"][3]["status"] == "ok"


def test_the_hub_never_loads_the_desk_store():
    code = (
        "import sys, central.__main__, central.catalog_cli, app.catalog.portal.draft;"
        "bad = [m for m in sys.modules if m.startswith(('app.storage', 'app.services', 'app.catalog.store'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
