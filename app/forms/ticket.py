"""The kiosk's ticket slip (80 mm roll): the number large, the field, the time, how many wait ahead."""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app.domain.vocabulary import vn_date
from app.forms.base import FONT, add_fonts

WIDTH_MM, HEIGHT_MM = 80, 100


def render_ticket(number: str, field_name: str, point_name: str, issued_at: datetime, waiting_ahead: int | None,
                  kind: str = "") -> bytes:  # fmt: skip
    """One ticket as a PDF page of 80 x 100 mm. `kind`: "" (walk-in), "priority" or "booked"."""
    pdf = FPDF(unit="mm", format=(WIDTH_MM, HEIGHT_MM))
    add_fonts(pdf)
    pdf.set_margins(5, 5, 5)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    w = WIDTH_MM - 10

    def line(text: str, style: str = "", size: float = 10, h: float = 5) -> None:
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(w, h, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(point_name.upper(), "B", 9, 4.5)
    line("SỐ THỨ TỰ", "B", 12, 7)
    line(number, "B", 44, 20)
    line(field_name, "B", 13, 7)
    if kind == "priority":
        line("Số ưu tiên", "I", 11, 6)
    elif kind == "booked":
        line("Số đặt trước (iHanoi)", "I", 11, 6)
    if waiting_ahead is not None:
        line(f"Số người chờ trước bạn: {waiting_ahead}", "", 10, 6)
    line(f"Lấy số lúc {issued_at:%H:%M}, ngày {vn_date(issued_at)}", "", 9, 5)
    line("Vui lòng chờ gọi số trên màn hình.", "I", 9, 5)
    return bytes(pdf.output())
