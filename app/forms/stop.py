"""Mẫu số 05 (TT 03/2025): Thông báo dừng giải quyết hồ sơ, signed for the head of the unit."""

from __future__ import annotations

from datetime import date

from app.config import Settings
from app.domain.state import DossierState
from app.form_templates import FormTemplate, shipped_template
from app.forms.base import FormPDF, applicant_name
from app.forms.receipt import receipt_day


def render_stop_notice(
    state: DossierState,
    settings: Settings,
    reason: str | None = None,
    signer_name: str = "",
    day: date | None = None,
    template: FormTemplate | None = None,
) -> bytes:
    """Form 05: the dossier's processing is stopped, with the reason (default: the recorded stop)."""
    stop = state.stopped or {}
    reason = reason if reason is not None else str(stop.get("reason") or "")
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Thông báo dừng giải quyết hồ sơ {state.code or ''}",
        heading="THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        place_date=day or date.today(),
        form_no="05",
        template=template or shipped_template("05"),
    )
    a = state.applicant
    pdf.field("Kính gửi", applicant_name(a) or str(a.get("org_name") or ""))
    pdf.field("Địa chỉ", a.get("address", ""))
    pdf.rich(
        ("Vào ", ""),
        (receipt_day(state) or "......", "B"),
        (", Bộ phận tiếp nhận và trả kết quả ", ""),
        (settings.point_name, "B"),
        (" đã tiếp nhận hồ sơ mã số ", ""),
        (state.code or "", "B"),
        (" đề nghị giải quyết thủ tục ", ""),
        (str(state.procedure.get("name", "")), "B"),
        (".", ""),
    )
    pdf.para("Cơ quan có thẩm quyền thông báo dừng giải quyết hồ sơ nêu trên với lý do như sau:")
    pdf.para(reason or "." * 80, style="B")
    pdf.para("Xin thông báo để Ông/Bà (tổ chức) được biết.")
    pdf.signatures([("", ""), ("THỦ TRƯỞNG ĐƠN VỊ", signer_name)])
    return pdf.bytes()
