"""Phiếu hướng dẫn: the guidance sheet of one procedure (documents, fees, time, where to get the result)."""

from __future__ import annotations

from datetime import date

from app.catalog.fees import vnd
from app.catalog.model import COPY_KIND_VI, LEVEL_VI, FeeRule, Procedure
from app.config import Settings
from app.forms.base import FormPDF
from app.forms.citizen import public_note

DEFAULT_STEPS = (
    "Chuẩn bị hồ sơ theo danh mục thành phần hồ sơ dưới đây.",
    "Nộp hồ sơ tại Điểm Phục vụ hành chính công, qua bưu chính hoặc trực tuyến.",
    "Nhận Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
    "Nhận kết quả tại Điểm hoặc qua dịch vụ bưu chính công ích.",
)


def fee_text(rule: FeeRule) -> str:
    """A fee rule in words for the citizen."""
    if rule.kind == "free":
        text = "Miễn"
    elif rule.kind == "per_page":
        tiers = "; ".join(f"từ trang {t.from_page}: {vnd(t.amount)}/trang" for t in rule.tiers)
        cap = f"; tối đa {vnd(rule.cap_per_copy)}/bản" if rule.cap_per_copy is not None else ""
        text = tiers + cap
    elif rule.kind == "per_copy":
        text = f"{vnd(rule.amount)}/bản"
    else:
        text = f"{vnd(rule.amount)}/hồ sơ"
    if rule.online_amount is not None:
        text += f" (nộp trực tuyến: {vnd(rule.online_amount)})"
    return text


def render_guidance(procedure: Procedure, settings: Settings, day: date | None = None) -> bytes:
    """The guidance sheet (phiếu hướng dẫn) of a procedure, as the clerk hands it to a citizen."""
    p = procedure
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Phiếu hướng dẫn {p.code}",
        heading="PHIẾU HƯỚNG DẪN HOÀN THIỆN HỒ SƠ",
        subtitle=f"Thủ tục: {p.name} (mã {p.code}, phiên bản {p.version})",
        place_date=day or date.today(),
    )
    pdf.rich(("Lĩnh vực: ", ""), (p.field, "B"), ("    Cấp thực hiện: ", ""), (LEVEL_VI[p.level], "B"))
    pdf.rich(("Cơ quan giải quyết: ", ""), (p.agency, "B"))
    pdf.para("1. Trình tự thực hiện", style="B")
    for i, step in enumerate(p.steps or DEFAULT_STEPS, start=1):
        pdf.para(f"  {i}) {step}")
    pdf.para("2. Thành phần hồ sơ (số lượng: 01 bộ)", style="B")
    rows = [
        [
            str(i),
            c.name + (f"\n({note})" if (note := public_note(c.note)) else ""),
            COPY_KIND_VI[c.copy_kind],
            str(c.count),
            "Có" if c.mandatory else "Nếu có",
        ]
        for i, c in enumerate(p.components, start=1)
    ]
    pdf.grid(["TT", "Giấy tờ", "Hình thức", "SL", "Bắt buộc"], rows, (10, 90, 38, 12, 25), size=10)
    pdf.para("3. Thời hạn giải quyết", style="B")
    time_note = public_note(p.processing.note)
    pdf.para(p.processing.label_vi() + (f" ({time_note})" if time_note else ""))
    pdf.para("4. Phí, lệ phí", style="B")
    for rule in p.fees or ():
        fee_note = public_note(rule.note)
        pdf.rich(
            (f"- {rule.label}: ", ""), (fee_text(rule), "B"), (f" ({fee_note})" if fee_note else "", "I")
        )
    if not p.fees:
        pdf.para("- Không thu phí, lệ phí.")
    pdf.para("5. Kết quả và nơi nhận kết quả", style="B")
    pdf.para(f"{p.result}. Nhận tại {settings.point_name} hoặc qua dịch vụ bưu chính công ích theo yêu cầu.")
    basis = [b for b in (public_note(x) for x in p.legal_basis) if b]
    if basis:
        pdf.para("6. Căn cứ pháp lý", style="B")
        pdf.para("; ".join(basis) + ".", size=11)
    if note := public_note(p.note):
        pdf.para(f"Ghi chú: {note}", style="I", size=10)
    return pdf.bytes()
