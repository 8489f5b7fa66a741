"""The exact command lines: `python -m app due ...` and `python -m app catalog ...`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_due_days_prints_the_date_first(motcua_home: Path) -> None:
    out = run(motcua_home, "due", "--received", "2026-11-20T15:01:00+07:00", "--days", "3")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "2026-11-27"  # Mon 23 counted, 24/11 off


def test_due_same_day_and_procedure(motcua_home: Path) -> None:
    assert run(motcua_home, "due", "--received", "2026-11-18T10:00:00Z", "--same-day").stdout.startswith(
        "2026-11-19\n"
    )
    out = run(motcua_home, "due", "--received", "2026-11-18T09:00:00+07:00", "--procedure", "1.004222")
    assert out.stdout.splitlines()[0] == "2026-11-30", out.stderr  # 19,20,23,25,26,27,30 (24/11 off)


def test_due_with_calendar_overlay(motcua_home: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "o.json"
    overlay.write_text(
        json.dumps({"year": 2026, "source": "t", "days_off": ["2026-11-19"]}), encoding="utf-8"
    )
    out = run(
        motcua_home,
        "due",
        "--received",
        "2026-11-18T09:00:00+07:00",
        "--days",
        "1",
        "--calendar",
        str(overlay),
    )
    assert out.stdout.splitlines()[0] == "2026-11-20"


def test_due_bad_input_exits_non_zero_with_a_message(motcua_home: Path, tmp_path: Path) -> None:
    bad = run(motcua_home, "due", "--received", "yesterday", "--days", "1")
    assert bad.returncode != 0 and "không đúng định dạng" in bad.stderr
    assert run(motcua_home, "due", "--received", "2026-11-18T09:00:00Z").returncode != 0
    unknown = run(motcua_home, "due", "--received", "2026-11-18T09:00:00Z", "--procedure", "9.999999")
    assert unknown.returncode != 0 and "9.999999" in unknown.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    out = run(
        motcua_home, "due", "--received", "2026-11-18T09:00:00Z", "--days", "1", "--calendar", str(broken)
    )
    assert out.returncode != 0 and "lịch" in out.stderr.lower()


def test_catalog_search_tab_separated_best_first(motcua_home: Path) -> None:
    out = run(motcua_home, "catalog", "search", "dang ky khai sinh")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "1.001193\tĐăng ký khai sinh"
    hits = json.loads(run(motcua_home, "catalog", "search", "2.000", "--limit", "2", "--json").stdout)
    assert len(hits) == 2 and all(h["code"].startswith("2.000") for h in hits)


def test_catalog_export_import_and_bad_file(motcua_home: Path, tmp_path: Path) -> None:
    exported = tmp_path / "cat.json"
    assert run(motcua_home, "catalog", "export", str(exported)).returncode == 0
    doc = json.loads(exported.read_text(encoding="utf-8"))
    khai_sinh = next(p for p in doc["procedures"] if p["code"] == "1.001193")
    khai_sinh.update(version=2, name="Đăng ký khai sinh (mới)")
    exported.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run(motcua_home, "catalog", "import", str(exported)).returncode == 0
    assert "(mới)" in run(motcua_home, "catalog", "search", "1.001193").stdout
    bad = tmp_path / "bad.json"
    bad.write_text('{"procedures": [{"code": 5}]}', encoding="utf-8")
    out = run(motcua_home, "catalog", "import", str(bad))
    assert (
        out.returncode != 0
        and "procedures[0]" in out.stderr
        and "Không có thủ tục nào được nhập" in out.stderr
    )
