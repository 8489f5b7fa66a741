"""The register (form 07): a book per year, a số thứ tự given at receipt, unique across desks offline;
form 01 carries every field a real slip does."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

from app.forms import ReceiptExtras, render_receipt
from app.forms.samples import SETTINGS, sample_procedure, sample_state
from app.services import intake
from app.services.register import allocate_entry, entries
from tests.store_helpers import make_desk, request


def test_register_numbers_follow_per_desk_ranges_and_survive_a_lost_counter(tmp_path):
    desk = make_desk(tmp_path, desk_no=2)
    states = [intake.receive(desk, request(desk)) for _ in range(3)]
    assert [s.register for s in states] == [{"book": "2026", "no": 200001 + i} for i in range(3)]
    # the counter row lost (a store restored from an old backup): the log still knows the numbers
    desk.db.conn.execute("DELETE FROM code_sequences WHERE prefix = 'register-2026'")
    assert allocate_entry(desk.db, 2, date(2026, 11, 20)).no == 200004
    assert allocate_entry(desk.db, 2, date(2027, 1, 4)).no == 200001  # a new book each year


def test_three_desks_offline_never_share_a_register_number(tmp_path):
    numbers = []
    for n in (1, 2, 3):
        desk = make_desk(tmp_path / f"desk{n}", desk_no=n)
        numbers += [intake.receive(desk, request(desk)).register["no"] for _ in range(4)]
    assert len(set(numbers)) == 12


def test_register_lists_a_day_in_order(tmp_path):
    desk = make_desk(tmp_path)
    ids = [intake.receive(desk, request(desk)).id for _ in range(2)]
    day = date(2026, 11, 20)
    assert [s.id for s in entries(desk.db, day, day)] == ids
    assert entries(desk.db, date(2026, 11, 21), date(2026, 11, 30)) == []


def receipt_text(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "01.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(out.split())


def test_form_01_carries_every_field_of_a_real_slip(tmp_path):
    state = sample_state()
    applicant = {
        **state.applicant,
        "kind": "organisation",
        "org_name": "Công ty TNHH Hoa Sen",
        "tax_code": "0101234567",
        "legal_rep": "Phạm Quốc Bảo",
        "role": "representative",
        "authorisation": "Giấy ủy quyền số 12/UQ ngày 10/11/2026",
        "owner": {"full_name": "Công ty TNHH Hoa Sen", "address": "25 Lý Thái Tổ, Hà Nội"},
    }
    method = {**state.return_method, "result_form": "both"}
    state = replace(state, applicant=applicant, return_method=method, register={"book": "2026", "no": 100103})
    settings = replace(SETTINGS, extra={**SETTINGS.extra, "hotline": "024 3999 1234"})
    text = receipt_text(tmp_path, render_receipt(state, settings, sample_procedure(), ReceiptExtras("16:30")))
    for needle in (
        "Mẫu số 01",
        "Số định danh cá nhân: 001190012345",  # the applicant's ID number
        "Số phiếu: 01.00103/2026",  # the slip number
        "Hình thức nhận kết quả: Bản giấy và bản điện tử",  # form of the result
        "(người được ủy quyền)",  # submitter vs owner vs authorised representative
        "Chủ hồ sơ: Công ty TNHH Hoa Sen",
        "Giấy ủy quyền số 12/UQ",
        "Tiếp nhận hồ sơ của tổ chức: Công ty TNHH Hoa Sen",  # an organisation
        "Mã số thuế/mã số doanh nghiệp: 0101234567",
        "Người đại diện theo pháp luật: Phạm Quốc Bảo",
        "Đường dây nóng: 024 3999 1234",  # the point's hotline
        "mang theo Giấy tiếp nhận này khi đến nhận kết quả",  # bring the slip back
        "Quyển số: 2026, Số thứ tự: 01.00103",
        "Liên 1",
        "Liên 2",
    ):
        assert needle in text, needle
    assert text.count("Số phiếu: 01.00103/2026") == 2  # both copies
