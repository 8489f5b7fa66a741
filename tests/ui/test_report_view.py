"""Báo cáo on screen: the month's tables and charts, figures as computed, exported to XLSX and PDF."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from openpyxl import load_workbook

from app.reports import period
from app.reports.point import compute
from tests.ui.conftest import wait_job


def test_report_view_shows_the_months_numbers_and_exports_them(qtbot, seeded, tmp_path: Path):
    ctx, window = seeded
    view = window.show_view("report")
    wait_job(qtbot, ctx, view.run())
    assert view.report is not None and view.tabs.count() == 11
    p = view.report.period
    expected = compute(ctx.db, period.month(f"{p.start:%Y-%m}")).summary()
    assert view.report.summary() == expected
    summary_tab = view.tabs.widget(0)
    assert summary_tab.item(1, 0).text() == "Hồ sơ tiếp nhận"
    assert summary_tab.item(1, 1).text() == str(expected["Hồ sơ tiếp nhận"])
    assert view.by_field.bars and sum(v for _, v in view.by_field.bars) == expected["Hồ sơ tiếp nhận"]
    shot = tmp_path / "report.png"
    window.grab().save(str(shot))
    if os.environ.get("MOTCUA_SCREENSHOTS_DIR"):
        shutil.copy(shot, Path(os.environ["MOTCUA_SCREENSHOTS_DIR"]) / shot.name)
    wait_job(qtbot, ctx, view.export(".xlsx", tmp_path / "r.xlsx"))
    assert load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Tổng hợp"
    wait_job(qtbot, ctx, view.export(".pdf", tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
