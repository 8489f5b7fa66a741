"""Báo cáo thu phí, lệ phí cuối ngày: one section per clerk, printed for signature."""

from __future__ import annotations

from datetime import date

from app.config import Settings
from app.domain.vocabulary import PAYMENT_METHOD_VI, vnd
from app.forms.base import FormPDF, vn_long_date
from app.services.cash_report import CashDayReport, ClerkDay

STATUS_VI = {"issued": "Đã thu", "voided": "Đã hủy"}


def _money(amount: int | None) -> str:
    return "" if amount is None else vnd(amount)


def _clerk(pdf: FormPDF, c: ClerkDay) -> None:
    who = f"{c.clerk_name} ({c.username})" if c.username else f"tài khoản {c.clerk_id[-8:]} (bàn khác)"
    pdf.para(f"Cán bộ thu: {who}", style="B", size=12)
    rows = [[str(i), r.number, r.dossier_code, PAYMENT_METHOD_VI.get(r.method, r.method), vnd(r.amount),
             STATUS_VI.get(r.status, r.status)] for i, r in enumerate(c.receipts, 1)]  # fmt: skip
    if rows:
        pdf.grid(["STT", "Biên lai", "Mã hồ sơ", "Hình thức", "Số tiền", "Trạng thái"],
                 rows, [10, 45, 50, 26, 22, 22], size=9,
                 align=["CENTER", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"])  # fmt: skip
    else:
        pdf.para("Không có biên lai nào trong ngày.", style="I", size=11)
    for r in c.voided:
        pdf.rich(("Biên lai đã hủy ", "I"), (r.number, "B"), (f": {r.void_reason}", "I"), size=10)
    fee_rows = [[label, vnd(amount)] for label, amount in sorted(c.by_fee.items())]
    pdf.grid(["Theo loại phí, lệ phí", "Số tiền"], [*fee_rows, ["Tổng cộng", vnd(c.total)]], [130, 45],
             size=10, align=["LEFT", "RIGHT"])  # fmt: skip
    method_rows = [[PAYMENT_METHOD_VI.get(m, m), vnd(a)] for m, a in sorted(c.by_method.items())]
    pdf.grid(["Theo hình thức thanh toán", "Số tiền"], method_rows or [["-", vnd(0)]], [130, 45],
             size=10, align=["LEFT", "RIGHT"])  # fmt: skip
    pdf.field("Tiền mặt theo biên lai", vnd(c.expected_cash), size=11)
    pdf.field("Tiền mặt kiểm đếm", _money(c.counted_cash), size=11)
    diff = (
        ""
        if c.difference is None
        else ("Khớp" if c.difference == 0 else ("+" if c.difference > 0 else "-") + vnd(abs(c.difference)))
    )
    pdf.field("Chênh lệch", diff, size=11)
    if c.difference:
        pdf.field("Lý do chênh lệch", c.reason, size=11)
    pdf.signatures([("NGƯỜI LẬP", c.clerk_name), ("TRƯỞNG ĐIỂM", "")], gap=16)


def render_cash_day(report: CashDayReport, settings: Settings) -> bytes:
    """The day's cash report as an A4 PDF: a section per clerk, each with its signatures."""
    day = date.fromisoformat(report.day)
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Báo cáo thu phí, lệ phí {report.day}",
        heading="BÁO CÁO THU PHÍ, LỆ PHÍ CUỐI NGÀY",
        subtitle=f"{settings.point_name}, {vn_long_date(day)}",
        place_date=day,
    )
    if not report.clerks:
        pdf.para("Không có khoản thu nào trong ngày.", style="I")
    for i, clerk in enumerate(report.clerks):
        if i:
            pdf.add_page()
        _clerk(pdf, clerk)
    return pdf.bytes()
