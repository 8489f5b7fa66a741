"""Sample dossiers for previews, tests and docs/forms: `python -m app.forms.samples docs/forms`."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from app.catalog.io import SHIPPED_CATALOG, read_catalog
from app.catalog.model import Procedure
from app.config import Settings
from app.domain.state import DossierState, Status
from app.forms.control import render_control_slip
from app.forms.guidance import render_guidance
from app.forms.receipt import ReceiptExtras, render_receipt
from app.forms.register import render_register
from app.forms.slips import render_apology, render_refusal, render_supplement_request
from app.forms.stop import render_stop_notice

SETTINGS = Settings(
    point_name="Điểm Phục vụ hành chính công Hoàn Kiếm",
    agency_code="000.00.01.H26",
    desk=2,
    point_address="Số 1 phố Mẫu, phường Hoàn Kiếm, Hà Nội (địa chỉ mẫu)",
    point_hours="Thứ Hai–Thứ Sáu 8:00–12:00, 13:00–17:00",
    point_hotline="1900 0000 (số mẫu)",
)


def sample_procedure(code: str = "2.000815") -> Procedure:
    return next(p for p in read_catalog(SHIPPED_CATALOG).procedures if p.code == code)


def sample_state(code: str = "2.000815", seq: int = 103) -> DossierState:
    """A received dossier with Vietnamese names, postal return and fee lines (fictional person)."""
    proc = sample_procedure(code)
    checklist = [
        {
            "component": c.id,
            "name": c.name,
            "copy_kind": c.copy_kind,
            "count": c.count,
            "mandatory": c.mandatory,
            "provided": True,
        }
        for c in proc.components
    ]
    return DossierState(
        id=f"0192f0a0-0000-7000-8000-{seq:012d}",
        status=Status.RECEIVED,
        code=f"000.00.01.H26-261118-{seq:04d}",
        point_code="HK",
        desk=2,
        procedure=proc.snapshot(),
        applicant={
            "full_name": "Nguyễn Thị Hương Giang",
            "id_kind": "cccd",
            "id_number": "001190012345",
            "gender": "female",
            "address": "Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
            "phone": "0912345678",
            "email": "huonggiang@example.vn",
        },
        checklist=checklist,
        fee_lines=[
            {
                "code": "phi_chung_thuc",
                "label": "Phí chứng thực bản sao",
                "amount": 10_000,
                "basis": "3 trang x 2 bản",
            }
        ],
        fees_quoted=10_000,
        return_method={
            "kind": "post",
            "recipient_name": "Nguyễn Thị Hương Giang",
            "address": "Số 5 Đinh Tiên Hoàng, Hà Nội",
            "phone": "0912345678",
            "service": "Bưu điện Việt Nam",
        },
        received_at="2026-11-18T09:05:00+07:00",
        counted_from="2026-11-18",
        due_date="2026-11-18",
        original_due_date="2026-11-18",
        supplements=[
            {
                "items": [
                    {
                        "name": "Bản chính Giấy khai sinh",
                        "copy_kind": "original",
                        "count": 1,
                        "note": "để đối chiếu",
                    }
                ],
                "reason": "Thiếu bản chính để đối chiếu",
            }
        ],
        refusal={
            "reason": "Bản chính giấy tờ đã bị tẩy xóa, sửa chữa nội dung (khoản 1 Điều 22 Nghị định 23/2015/NĐ-CP)."
        },
        apologies=[
            {"reason": "Cơ quan giải quyết cần thêm thời gian xác minh", "new_due_date": "2026-11-25"}
        ],
    )


def write_samples(folder: Path) -> list[Path]:
    """Render every form once into `folder`; returns the PDF paths."""
    folder.mkdir(parents=True, exist_ok=True)
    state = sample_state()
    khai_sinh = replace(sample_state("1.001193", 104), due_date="2026-11-19", fee_lines=[], fees_quoted=0)
    day = date(2026, 11, 18)
    org = replace(
        state,
        applicant={
            **state.applicant,
            "kind": "organisation",
            "org_name": "Công ty TNHH Hoa Sen",
            "tax_code": "0101234567",
            "legal_rep": "Phạm Quốc Bảo",
            "role": "representative",
            "authorisation": "Giấy ủy quyền số 12/UQ ngày 10/11/2026",
        },
        return_method={"kind": "desk", "result_form": "both"},
    )
    hotline = replace(SETTINGS, extra={"hotline": "024 3999 1234"})
    stopped = replace(state, stopped={"reason": "Người nộp hồ sơ đề nghị dừng giải quyết bằng văn bản."})
    handed = replace(
        state,
        handoffs=[
            {
                "direction": "to_agency",
                "from": "Bộ phận một cửa",
                "to": "Phòng Tư pháp",
                "at": "2026-11-18T10:00:00+07:00",
                "giver": "Trần Văn Đức",
                "taker": "Phạm Văn Hùng",
            },
            {
                "direction": "to_point",
                "from": "Phòng Tư pháp",
                "to": "Bộ phận một cửa",
                "at": "2026-11-18T15:30:00+07:00",
                "giver": "Phạm Văn Hùng",
                "taker": "Trần Văn Đức",
            },
        ],
    )
    cancelled = replace(
        sample_state("2.000815", 105),
        register={"book": "2026", "no": 200105},
        cancelled={"reason": "Nhập nhầm thủ tục", "approved_by": "head"},
        status=Status.CANCELLED,
    )
    forms = {
        "01-giay-tiep-nhan.pdf": render_receipt(
            replace(state, register={"book": "2026", "no": 200103}),
            hotline,
            sample_procedure(),
            ReceiptExtras("16:30", "Trần Văn Đức"),
        ),
        "01-giay-tiep-nhan-to-chuc.pdf": render_receipt(
            replace(org, register={"book": "2026", "no": 200104}),
            hotline,
            sample_procedure(),
            ReceiptExtras("16:30", "Trần Văn Đức"),
        ),
        "02-yeu-cau-bo-sung.pdf": render_supplement_request(
            state, SETTINGS, clerk_name="Trần Văn Đức", day=day
        ),
        "03-tu-choi.pdf": render_refusal(state, SETTINGS, clerk_name="Trần Văn Đức", day=day),
        "04-xin-loi-de-nghi-gia-han.pdf": render_apology(state, SETTINGS, signer_name="Lê Thị Mai", day=day),
        "05-thong-bao-dung.pdf": render_stop_notice(stopped, SETTINGS, signer_name="Lê Thị Mai", day=day),
        "06-phieu-kiem-soat.pdf": render_control_slip(handed, SETTINGS),
        "07-so-theo-doi.pdf": render_register(
            [
                replace(state, register={"book": "2026", "no": 200103}),
                replace(khai_sinh, register={"book": "2026", "no": 200104}),
                cancelled,
            ],
            SETTINGS,
            day,
            book="2026",
        ),
        "huong-dan-2.000815.pdf": render_guidance(sample_procedure(), SETTINGS, day),
        "huong-dan-1.001193.pdf": render_guidance(sample_procedure("1.001193"), SETTINGS, day),
    }
    for code in ("1.004222", "1.004873", "1.013086"):  # real portal records: cases, exemptions, "one of"
        if any(p.code == code for p in read_catalog(SHIPPED_CATALOG).procedures):
            forms[f"huong-dan-{code}.pdf"] = render_guidance(sample_procedure(code), SETTINGS, day)
    paths = []
    for name, data in forms.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


if __name__ == "__main__":
    for path in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/forms")):
        print(path)
