"""Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Liên 1 kept at the point, Liên 2 to the applicant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from fpdf.enums import XPos, YPos

from app.catalog.fees import vnd
from app.catalog.model import Procedure
from app.codes import status_url
from app.config import Settings
from app.domain.state import DossierState
from app.forms.base import FormPDF, applicant_name, copy_kind_vi, vn_long_date, vn_time_date

LIEN = (
    ("Liên 1", "Lưu tại Bộ phận tiếp nhận và trả kết quả"),
    ("Liên 2", "Giao cho người nộp hồ sơ"),
)


@dataclass(frozen=True)
class ReceiptExtras:
    """What the slip shows that the dossier state does not hold."""

    due_time: str = "16:00"  # the `due_time` of the received payload
    clerk_name: str = ""
    register_book: str = ""  # Sổ theo dõi hồ sơ, quyển số
    register_no: str = ""  # số thứ tự
    copies: int = 1  # số lượng hồ sơ (bộ)


def _processing_text(procedure: Procedure | None) -> tuple[str, str]:
    if procedure is None:
        return "", ""
    note = f" ({procedure.processing.note})" if procedure.processing.note else ""
    return procedure.processing.label_vi(), note


def _return_place(state: DossierState, settings: Settings) -> list[str]:
    method = state.return_method or {}
    if method.get("kind") == "post":
        parts = [method.get("recipient_name"), method.get("address"), method.get("phone")]
        who = ", ".join(str(p) for p in parts if p)
        service = f" ({method['service']})" if method.get("service") else ""
        return [f"Qua dịch vụ bưu chính công ích{service}: {who}"]
    return [f"Tại Bộ phận tiếp nhận và trả kết quả - {settings.point_name}"]


def _form_of(item: dict[str, Any]) -> str:
    """The "Hình thức" cell: copy kind, and for a component checked on paper only, that it was shown."""
    kind = copy_kind_vi(item.get("copy_kind"))
    return f"{kind} (xuất trình, không số hóa)" if item.get("digitized") is False else kind


def _due(state: DossierState, extras: ReceiptExtras) -> datetime | None:
    if not state.due_date:
        return None
    hh, mm = (int(x) for x in extras.due_time.split(":"))
    return datetime.combine(date.fromisoformat(state.due_date), time(hh, mm))


def _body(
    pdf: FormPDF, state: DossierState, settings: Settings, proc: Procedure | None, ex: ReceiptExtras
) -> None:
    a = state.applicant
    dots = "..............."
    pdf.field("Bộ phận tiếp nhận và trả kết quả", settings.point_name)
    pdf.field("Tiếp nhận hồ sơ của", applicant_name(a))
    pdf.field("Địa chỉ", a.get("address", ""))
    pdf.rich(
        ("Số điện thoại: ", ""),
        (a.get("phone") or dots, "B"),
        ("     Email: ", ""),
        (a.get("email") or dots, "B"),
    )
    pdf.rich(
        ("Nội dung yêu cầu giải quyết: ", ""),
        (str(state.procedure.get("name", "")), "B"),
        (f" (mã thủ tục {state.procedure.get('code', '')})", ""),
    )
    pdf.para("1. Thành phần hồ sơ nộp gồm:", style="B")
    rows = [
        [str(i), c.get("name", ""), _form_of(c), str(c.get("count", 1))]
        for i, c in enumerate((c for c in state.checklist if c.get("provided", True)), start=1)
    ]
    pdf.grid(
        ["TT", "Tên giấy tờ", "Hình thức", "Số lượng"], rows, (10, 95, 42, 23), align=("C", "L", "L", "C")
    )
    pdf.rich(("2. Số lượng hồ sơ: ", ""), (f"{ex.copies:02d}", "B"), (" (bộ)", ""))
    label, note = _processing_text(proc)
    pdf.rich(("3. Thời gian giải quyết hồ sơ theo quy định là: ", ""), (label, "B"), (note, "I"))
    received = datetime.fromisoformat(state.received_at) if state.received_at else None
    pdf.rich(("4. Thời gian nhận hồ sơ: ", ""), (vn_time_date(received) if received else dots, "B"))
    due = _due(state, ex)
    pdf.rich(("5. Thời gian trả kết quả giải quyết hồ sơ: ", ""), (vn_time_date(due) if due else dots, "B"))
    pdf.rich(("6. Nơi nhận kết quả: ", ""), ("; ".join(_return_place(state, settings)), ""))
    fees = "; ".join(f"{f.get('label')}: {vnd(int(f.get('amount', 0)))}" for f in state.fee_lines) or "Không"
    pdf.rich(("7. Phí, lệ phí: ", ""), (fees + ". ", ""), ("Tổng cộng: ", ""), (vnd(state.fees_quoted), "B"))
    pdf.rich(
        ("Vào Sổ theo dõi hồ sơ, Quyển số: ", ""),
        (ex.register_book or "......", "B"),
        (", Số thứ tự: ", ""),
        (ex.register_no or "......", "B"),
        size=11,
    )


def render_receipt(
    state: DossierState,
    settings: Settings,
    procedure: Procedure | None = None,
    extras: ReceiptExtras | None = None,
) -> bytes:
    """Form 01 as a two-page A4 PDF: Liên 1 then Liên 2, each with the dossier code as a QR code."""
    ex = extras or ReceiptExtras()
    pdf = FormPDF()
    pdf.set_title(f"Giấy tiếp nhận hồ sơ {state.code or ''}")
    received_day = date.fromisoformat(state.received_at[:10]) if state.received_at else None
    for lien, purpose in LIEN:
        pdf.add_page()
        pdf.national_header(settings, place_date=received_day)
        y = pdf.get_y()
        pdf.qr(receipt_qr_text(state, settings), x=pdf.w - pdf.r_margin - 24, y=y)
        pdf.form_title("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
        pdf.font("", 12)
        pdf.cell(
            pdf.width, 6, f"Mã hồ sơ: {state.code or ''}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        if state.status_secret:
            pdf.para(f"Mã tra cứu trực tuyến: {state.status_secret}", size=10, align="C")
        pdf.para(f"{lien}: {purpose}", style="I", size=11, align="C")
        pdf.set_y(max(pdf.get_y(), y + 26))
        _body(pdf, state, settings, procedure, ex)
        pdf.signatures([("NGƯỜI NỘP HỒ SƠ", ""), ("NGƯỜI TIẾP NHẬN HỒ SƠ", ex.clerk_name)], gap=18)
    return pdf.bytes()


def receipt_qr_text(state: DossierState, settings: Settings) -> str:
    """The hub's citizen status page for this dossier when the desk knows its hub, else the code."""
    code = state.code or state.id
    if settings.hub_url and state.status_secret:
        return status_url(settings.hub_url, code, state.status_secret)
    return code


def receipt_day(state: DossierState) -> str:
    """`ngày dd tháng mm năm yyyy` of receipt, for other forms."""
    return vn_long_date(date.fromisoformat(state.received_at[:10])) if state.received_at else ""
