"""The point's report as an A4 landscape PDF: every table (totals first) and a bar chart by field."""

from __future__ import annotations

from app.config import Settings
from app.domain.vocabulary import vn_date
from app.forms.base import FormPDF
from app.reports.point import PointReport, Table, cell_text


def _table(pdf: FormPDF, table: Table) -> None:
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    pdf.para(table.title, style="B", size=12)
    n = len(table.header)
    every = [table.total, *table.rows]
    is_text = [i == 0 or any(isinstance(r[i], str) and r[i] for r in table.rows) for i in range(n)]
    text_cols = sum(is_text)
    text_w = pdf.width * (0.55 if n - text_cols > 1 else 0.7) / text_cols
    num_w = (pdf.width - text_w * text_cols) / max(1, n - text_cols)
    widths = [text_w if t else num_w for t in is_text]
    rows = [[cell_text(v) for v in row] for row in every]
    pdf.grid(list(table.header), rows, widths, size=9, align=["LEFT" if t else "RIGHT" for t in is_text])
    pdf.ln(2)


def _bars(pdf: FormPDF, table: Table) -> None:
    """Horizontal bars of the second column (received) per row."""
    rows = [(str(r[0]), int(r[1] or 0)) for r in table.rows if isinstance(r[1], int)]
    if not rows:
        return
    if pdf.get_y() > pdf.h - 20 - 7 * len(rows):
        pdf.add_page()
    pdf.para(f"Biểu đồ: {table.title.lower()} (hồ sơ tiếp nhận)", style="B", size=11)
    top = max(r[1] for r in rows) or 1
    label_w, bar_w = 60.0, pdf.width - 85
    for label, value in rows:
        y = pdf.get_y()
        pdf.font("", 9)
        pdf.cell(label_w, 6, label[:40])
        pdf.set_fill_color(70, 110, 180)
        pdf.rect(pdf.l_margin + label_w, y + 1, max(0.5, bar_w * value / top), 4, style="F")
        pdf.set_xy(pdf.l_margin + label_w + bar_w + 2, y)
        pdf.cell(20, 6, cell_text(value))
        pdf.ln(6)
    pdf.set_fill_color(255, 255, 255)


def render_pdf(report: PointReport, settings: Settings) -> bytes:
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Báo cáo {report.period.label_vi}",
        heading="BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        subtitle=f"{report.period.label_vi} (từ {vn_date(report.period.start)} đến {vn_date(report.period.end)})",
        place_date=report.period.end,
        orientation="landscape",
    )
    for table in report.tables:
        _table(pdf, table)
        if table.key == "Theo lĩnh vực":
            _bars(pdf, table)
    return pdf.bytes()
