"""Phản ánh, kiến nghị: recorded and answered at the desk as events, counted in the point's report
(its XLSX sheet and its PDF), refused when a date, the channel, the subject or the dossier is wrong."""

from __future__ import annotations

import io
import logging
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from app.config import Settings
from app.domain.errors import ValidationError
from app.reports import period
from app.reports.pdf import render_pdf
from app.reports.point import compute
from app.reports.xlsx import HEADER_ROW, render_xlsx
from app.services.complaints import Complaint, received_between, record
from app.services.intake import receive
from app.services.receipts import ledger_id
from app.storage.events import load_events
from tests.store_helpers import make_desk, request

SUBJECT = "Ông Nguyễn Văn Đức phản ánh phải chờ lâu tại quầy hộ tịch"


@pytest.fixture
def desk(tmp_path):
    d = make_desk(tmp_path)  # the desk's clock: 20/11/2026
    yield d
    d.db.close()


def test_a_complaint_is_recorded_answered_and_counted_in_the_report(desk, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    dossier = receive(desk, request(desk, "1.004222"))
    first = record(desk, Complaint("2026-11-18", "truc_tiep", SUBJECT, dossier.code or ""))
    record(desk, Complaint("2026-11-19", "hop_thu", "Đề nghị bố trí thêm ghế chờ ở sảnh"))
    record(desk, Complaint("2026-10-30", "dien_thoai", "Hỏi về lệ phí cấp bản sao trích lục"))  # October
    answered = record(desk, Complaint(**{**first.to_dict(), "answered_on": "2026-11-20"}))
    assert answered.id == first.id
    assert SUBJECT not in caplog.text and "Nguyễn Văn Đức" not in caplog.text  # never in a log line
    kinds = [e.type.value for e in load_events(desk.db, ledger_id(desk))]
    assert kinds == ["complaint_recorded"] * 4  # on the desk's ledger stream: they reach the hub
    got = received_between(desk.db, date(2026, 11, 1), date(2026, 11, 30))
    assert [(c.channel, c.answered_on) for c in got] == [("truc_tiep", "2026-11-20"), ("hop_thu", "")]

    report = compute(desk.db, period.month("2026-11"), "Điểm HK")
    table = report.table("Phản ánh")
    assert table.total == ("Tổng cộng", 2, 1, 1)
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["Trực tiếp tại Điểm"] == (1, 1, 0) and rows["Hộp thư góp ý"] == (1, 0, 1)
    assert rows["Điện thoại, đường dây nóng"] == (0, 0, 0)  # the October one is another period
    summary = report.summary()
    assert summary["Phản ánh, kiến nghị tiếp nhận"] == 2 and summary["Phản ánh, kiến nghị đã trả lời"] == 1

    ws = load_workbook(io.BytesIO(render_xlsx(report)), read_only=True)["Phản ánh"]
    sheet = [list(r) for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert sheet[0] == ["Tổng cộng", 2, 1, 1] and ["Hộp thư góp ý", 1, 0, 1] in sheet
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(report, Settings(point_name="Điểm HK")))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "Phản ánh, kiến nghị" in text and "Hộp thư góp ý" in text
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "r")], check=True, timeout=60
    )  # looked at


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"received_on": "2026-11-21"}, "không được sau hôm nay"),
        ({"channel": "fax"}, "hình thức tiếp nhận"),
        ({"subject": "xấu"}, "nội dung phản ánh"),
        ({"dossier_code": "000.00.00.H26-261120-9999"}, "không có trong sổ"),
        ({"answered_on": "2026-11-17"}, "Ngày trả lời"),
        ({"received_on": "20/11/2026"}, "không hợp lệ"),
    ],
)
def test_a_wrong_complaint_is_refused_and_writes_nothing(desk, change, words):
    good = Complaint("2026-11-18", "truc_tiep", SUBJECT)
    with pytest.raises(ValidationError) as info:
        record(desk, Complaint(**{**good.to_dict(), **change}))
    assert words in info.value.user_message
    assert desk.db.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
