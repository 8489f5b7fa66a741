"""The point's report: the XLSX opened with openpyxl has the figures `python -m app dossiers --json` gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.domain.vocabulary import CHANNEL_VI
from app.reports import period
from app.reports.point import TicketTimes, percentile
from app.reports.xlsx import HEADER_ROW

OPEN = {"received", "supplement_requested", "accepted", "processing", "result_ready", "rejected"}


def _app(home: Path, *args: str) -> str:
    env = {**os.environ, "MOTCUA_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("report") / "home"
    home.mkdir()
    _app(home, "demo", "--dossiers", "120")
    return home


def _sheet(path: Path, name: str) -> tuple[list[object], list[list[object]]]:
    ws = load_workbook(path, read_only=True)[name]
    rows = [list(r) for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    return rows[0], rows[1:]


def test_xlsx_figures_equal_those_from_the_dossier_list(store: Path, tmp_path: Path):
    items = json.loads(_app(store, "dossiers", "--json"))
    last = max(d["received_at"][:10] for d in items)
    quarter = f"{last[:4]}-Q{(int(last[5:7]) - 1) // 3 + 1}"  # the demo's three weeks, returns included
    p = period.quarter(quarter)
    out = tmp_path / "report.xlsx"
    _app(store, "report", "--quarter", quarter, "--out", str(out))

    def inside(day: str | None) -> bool:
        return bool(day) and p.start.isoformat() <= str(day)[:10] <= p.end.isoformat()

    received = [d for d in items if inside(d["received_at"])]
    returned = [d for d in items if d["state"] == "returned" and inside(d["returned_at"])]
    on_time = sum(1 for d in returned if d["returned_at"][:10] <= d["due_date"])
    overdue = sum(1 for d in items if d["state"] in OPEN and d["due_date"] <= p.end.isoformat())
    assert received and returned  # the demo data has both, so the comparison can fail

    total, rows = _sheet(out, "Tổng hợp")
    summary = {r[0]: r[1] for r in rows}
    assert total[0] == "Kỳ báo cáo" and summary["Hồ sơ tiếp nhận"] == len(received)
    assert summary["Đã trả kết quả"] == len(returned)
    assert summary["Trả đúng hạn"] == on_time and summary["Trả trễ hạn"] == len(returned) - on_time
    assert summary["Từ chối tiếp nhận"] == sum(1 for d in received if d["state"] == "refused")
    assert summary["Đang giải quyết đã quá hạn"] == overdue

    total, rows = _sheet(out, "Theo thủ tục")
    assert total[2] == len(received)
    assert {r[0]: r[2] for r in rows if r[2]} == dict(Counter(d["procedure"] for d in received))
    assert sum(r[3] for r in rows) == on_time  # returned on time, per procedure
    total, rows = _sheet(out, "Theo kênh")  # the channel each dossier was received by (demo: all three)
    by_channel = Counter(d["channel"] for d in received)
    assert len(by_channel) == 3 and total[1] == len(received)
    assert {r[0]: r[1] for r in rows[:3]} == {CHANNEL_VI[c]: n for c, n in by_channel.items()}
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == "Tổng hợp" and len(wb.sheetnames) == 11


def test_wait_and_service_figures_against_the_target():
    from app.reports.point import _waits

    tickets = [TicketTimes("Hộ tịch", w, s) for w, s in [(2, 5), (10, 7), (14, 3), (16, 9), (40, None)]]
    total = _waits(tickets).total
    assert total[1:] == ("Tổng cộng", 5, 16.4, 40, 60.0, 6.0, 9)[1:]
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9


def test_periods_parse_and_refuse_nonsense():
    assert period.quarter("2026-Q4").start == date(2026, 10, 1) and period.quarter("2026-q4").end == date(
        2026, 12, 31
    )
    assert period.month("2026-02").end == date(2026, 2, 28)
    from app.domain.errors import ValidationError

    for bad in ("2026-13", "2026-Q5", "x"):
        with pytest.raises(ValidationError):
            period.month(bad) if "Q" not in bad else period.quarter(bad)


def test_dossier_facts_follow_every_state_written(store: Path):
    from app.storage import open_db

    db = open_db(store / "desk.db")
    rows = db.conn.execute(
        "SELECT d.state, f.field, f.supplements, f.provided, f.digitized, f.return_kind"
        " FROM dossiers d LEFT JOIN dossier_facts f ON f.rid = d.rid"
    ).fetchall()
    db.close()
    assert rows and any(r[2] for r in rows)  # the demo asked for supplements: updates went through
    for state_json, field, supplements, provided, digitized, return_kind in rows:
        s = json.loads(state_json)
        given = [c for c in s["checklist"] if c.get("provided")]
        expected = (s["procedure"]["field"], len(s["supplements"]), len(given),
                    sum(1 for c in given if c.get("digitized", True)), s["return_method"]["kind"])  # fmt: skip
        assert (field, supplements, provided, digitized, return_kind) == expected
