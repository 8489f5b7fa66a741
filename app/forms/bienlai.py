"""Biên lai thu phí, lệ phí: two liên (kept / to the payer), mẫu số, ký hiệu, số, the fee lines, the amount
in words, the method; for a transfer, the VietQR the citizen scanned (and can scan again)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fpdf.enums import XPos, YPos

from app.config import Settings
from app.domain.vocabulary import PAYMENT_METHOD_VI, vnd
from app.forms.base import FormPDF, applicant_name, vn_long_date
from app.payments.words import vnd_words

LIEN = (("Liên 1", "Lưu tại nơi thu"), ("Liên 2", "Giao cho người nộp tiền"))


@dataclass(frozen=True)
class BienLai:
    """What a printed biên lai shows."""

    form: str
    series: str
    number: int
    dossier_code: str
    procedure_name: str
    payer: dict[str, Any]
    lines: Sequence[dict[str, Any]]
    amount: int
    method: str
    issued_at: datetime
    clerk_name: str = ""
    qr_payload: str = ""
    epay_ref: str = ""
    exemption: dict[str, Any] = field(default_factory=dict)


def _head(pdf: FormPDF, b: BienLai, lien: str, purpose: str) -> None:
    pdf.set_y(pdf.get_y())
    top = pdf.get_y()
    pdf.font("", 10)
    x = pdf.l_margin + pdf.width * 0.62
    for text in (f"Mẫu số: {b.form}", f"Ký hiệu: {b.series}", f"Số: {b.number:07d}"):
        pdf.set_x(x)
        pdf.cell(pdf.width * 0.38, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), top + 16))
    pdf.form_title("BIÊN LAI THU PHÍ, LỆ PHÍ", f"{lien}: {purpose}")


def _body(pdf: FormPDF, b: BienLai, settings: Settings) -> None:
    pdf.field("Tên đơn vị thu", settings.point_name, size=11)
    pdf.field("Người nộp", applicant_name(b.payer), size=11)
    pdf.field("Địa chỉ", b.payer.get("address") or "", size=11)
    pdf.field("Mã hồ sơ", b.dossier_code, size=11)
    pdf.field("Thủ tục", b.procedure_name, size=11)
    rows = [[str(i), str(line.get("label", "")), str(line.get("basis", "")), vnd(int(line.get("amount", 0)))]
            for i, line in enumerate(b.lines, 1)]  # fmt: skip
    rows.append(["", "Tổng cộng", "", vnd(b.amount)])
    pdf.grid(["STT", "Loại phí, lệ phí", "Cách tính", "Số tiền"], rows, [12, 60, 70, 33],
             size=10, align=["CENTER", "LEFT", "LEFT", "RIGHT"])  # fmt: skip
    pdf.rich(("Số tiền bằng chữ: ", ""), (vnd_words(b.amount) + ".", "BI"), size=11)
    method = PAYMENT_METHOD_VI.get(b.method, b.method)
    if b.epay_ref:
        method += f" - mã giao dịch {b.epay_ref}"
    pdf.field("Hình thức thanh toán", method, size=11)
    if b.exemption:
        pdf.field("Miễn, giảm", f"{b.exemption.get('reason', '')} ({b.exemption.get('proof', '')})", size=11)


def _qr_block(pdf: FormPDF, payload: str) -> None:
    if not payload:
        return
    size = 34
    if pdf.get_y() + size + 8 > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y() + 1
    pdf.qr(payload, x=pdf.l_margin, y=y, size=size)
    pdf.set_xy(pdf.l_margin + size + 4, y + 6)
    pdf.font("I", 10)
    pdf.multi_cell(pdf.width - size - 4, 5, "Mã VietQR chuyển khoản (NAPAS): quét bằng ứng dụng ngân hàng; "
                   "nội dung chuyển khoản là mã hồ sơ.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    pdf.set_y(y + size + 2)


def render_bienlai(b: BienLai, settings: Settings) -> bytes:
    """The biên lai as a two-page A4 PDF (Liên 1, Liên 2)."""
    pdf = FormPDF()
    pdf.set_title(f"Biên lai {b.form} {b.series} {b.number:07d}")
    for lien, purpose in LIEN:
        pdf.add_page()
        pdf.national_header(settings, place_date=b.issued_at.date())
        _head(pdf, b, lien, purpose)
        _body(pdf, b, settings)
        _qr_block(pdf, b.qr_payload)
        pdf.para(
            f"Thu lúc {b.issued_at:%H:%M}, {vn_long_date(b.issued_at.date())}", style="I", size=10, align="R"
        )
        pdf.signatures([("NGƯỜI NỘP TIỀN", ""), ("NGƯỜI THU TIỀN", b.clerk_name)], gap=16)
    return pdf.bytes()
