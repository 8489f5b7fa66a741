"""`python -m app forms print|register`: every form of a dossier as the desk prints it, form 07 as
PDF and XLSX, exit 2 with a Vietnamese message for a form the dossier has no data for."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

from openpyxl import load_workbook

from app.services import clerks, intake, lifecycle, returns
from tests.store_helpers import make_desk, request
from tests.test_cli_due_catalog import run


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(out.split())


def test_forms_print_each_form_and_refuse_one_without_data(motcua_home: Path, tmp_path: Path) -> None:
    desk = make_desk(motcua_home)
    head = replace(
        desk, clerk_id=clerks.add_clerk(desk.db, "truong", "Lê Thị Mai", "head", "mat-khau-123").id
    )
    state = intake.receive(desk, request(desk, "1.004222"))
    code = state.code or ""
    out = run(
        motcua_home, "forms", "print", "--dossier", code, "--form", "04", "--out", str(tmp_path / "04.pdf")
    )
    assert out.returncode == 2 and "chưa có nội dung cho mẫu số 04" in out.stderr
    assert not (tmp_path / "04.pdf").exists()
    lifecycle.hand_off(
        desk, state.id, "to_agency", "Nguyễn Thị Lan", "Phạm Văn Hùng", "Bộ phận một cửa", "Công an xã"
    )
    intake.request_supplement(desk, state.id, [{"name": "Giấy tờ chứng minh chỗ ở"}], "Thiếu giấy tờ")
    returns.issue_apology(head, state.id, "Chậm xác minh", "2026-12-04")
    lifecycle.stop_processing(head, state.id, "Người nộp đề nghị dừng", "Lê Thị Mai")
    expect = {
        "01": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "02": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "04": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN",
        "05": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "06": "Phạm Văn Hùng",  # the hand-off from the log, with who took it
    }
    for form, needle in expect.items():
        target = tmp_path / f"{form}.pdf"
        done = run(motcua_home, "forms", "print", "--dossier", code, "--form", form, "--out", str(target))
        assert done.returncode == 0, done.stderr
        text = pdf_text(target)
        assert needle in text and f"Mẫu số {form}" in text, form
    assert (
        run(motcua_home, "forms", "print", "--dossier", code, "--form", "03", "--out", "x.pdf").returncode
        == 2
    )


def test_forms_register_day_and_month_as_pdf_and_xlsx(motcua_home: Path, tmp_path: Path) -> None:
    desk = make_desk(motcua_home)
    head = replace(
        desk, clerk_id=clerks.add_clerk(desk.db, "truong", "Lê Thị Mai", "head", "mat-khau-123").id
    )
    kept = intake.receive(desk, request(desk))
    wrong = intake.receive(desk, request(desk))
    lifecycle.cancel_entry(desk, wrong.id, "Nhập nhầm thủ tục", approver_id=head.clerk_id)
    day = run(motcua_home, "forms", "register", "--day", "2026-11-20", "--out", str(tmp_path / "d.pdf"))
    assert day.returncode == 0, day.stderr
    text = pdf_text(tmp_path / "d.pdf")
    assert "Mẫu số 07" in text and kept.code in text and "01.00001" in text and "01.00002" in text
    assert "Đã hủy (nhập nhầm): Nhập nhầm thủ tục" in text  # the register shows the cancellation
    month = run(motcua_home, "forms", "register", "--month", "2026-11", "--out", str(tmp_path / "m.xlsx"))
    assert month.returncode == 0, month.stderr
    rows = list(load_workbook(tmp_path / "m.xlsx").active.iter_rows(values_only=True))
    assert rows[3][1:3] == ("01.00001", kept.code) and rows[4][1] == "01.00002" and len(rows) == 5
    bad = run(motcua_home, "forms", "register", "--month", "2026-13", "--out", str(tmp_path / "x.xlsx"))
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr


def test_forms_register_prints_the_wording_the_centre_published(motcua_home: Path, tmp_path: Path) -> None:
    """Form 07 from the command line (PDF and XLSX) takes the template installed in the desk's home."""
    import json

    from app.form_templates import template_path

    desk = make_desk(motcua_home)
    intake.receive(desk, request(desk))
    desk.db.close()
    path = template_path(motcua_home, "07")
    path.parent.mkdir(exist_ok=True)
    doc = {"form": "07", "version": "2026.4", "effective_date": "2026-01-01",
           "texts": {"col_signed": "Chữ ký người nhận", "col_status": "Tình trạng hồ sơ"},
           "footer": "Sổ lưu tại Điểm Phục vụ."}  # fmt: skip
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    day = run(motcua_home, "forms", "register", "--day", "2026-11-20", "--out", str(tmp_path / "d.pdf"))
    assert day.returncode == 0, day.stderr
    text = pdf_text(tmp_path / "d.pdf")
    assert "Chữ ký người nhận" in text and "Ký nhận" not in text
    assert "Sổ lưu tại Điểm Phục vụ." in text and "Mẫu 07 · phiên bản 2026.4" in text
    month = run(motcua_home, "forms", "register", "--month", "2026-11", "--out", str(tmp_path / "m.xlsx"))
    assert month.returncode == 0, month.stderr
    rows = list(load_workbook(tmp_path / "m.xlsx").active.iter_rows(values_only=True))
    assert (
        rows[2][:3] == ("TT", "Số thứ tự", "Mã hồ sơ") and rows[2][-1] == "Tình trạng hồ sơ"
    )  # the export too
