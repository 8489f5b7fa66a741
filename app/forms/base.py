"""Shared page furniture for the printable forms: fonts, national header, titles, fields, signatures."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import qrcode
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app.config import Settings
from app.domain.vocabulary import copy_kind_vi as copy_kind_vi
from app.domain.vocabulary import vn_long_date as vn_long_date
from app.domain.vocabulary import vn_time_date as vn_time_date
from app.form_templates import FormTemplate
from app.forms.citizen import strip_internal
from app.forms.fonts import add_font

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT = "NotoSerif"
_FONT_FILES = {"": "NotoSerif-Regular.ttf", "B": "NotoSerif-Bold.ttf", "I": "NotoSerif-Italic.ttf"}
_FONT_FILES["BI"] = "NotoSerif-BoldItalic.ttf"


def add_fonts(pdf: FPDF) -> None:
    """Noto Serif in its four styles, parsed once per process (app.forms.fonts), each document's own."""
    for style, name in _FONT_FILES.items():
        add_font(pdf, FONT, style, FONT_DIR / name)


PARENT_AGENCY_DEFAULT = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG\nTHÀNH PHỐ HÀ NỘI"


class FormPDF(FPDF):
    """A4 page with an embedded Vietnamese font (Noto Serif, OFL) and helpers used by every form."""

    def __init__(self, orientation: Literal["portrait", "landscape"] = "portrait") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.set_margins(20, 15, 15)
        self.set_auto_page_break(auto=True, margin=15)
        add_fonts(self)
        self.set_font(FONT, size=12)
        self.set_creator("Một Cửa Desk")
        self.template: FormTemplate | None = None  # the centre's wording (FormPDF.opened)
        # the body text (para, rich, field, grid) at this fraction of its size: a long slip is set a
        # little smaller to keep each copy on its page (app.forms.receipt), headers and signatures stay
        self.body_scale = 1.0

    @classmethod
    def opened(
        cls,
        settings: Settings,
        *,
        doc_title: str,
        heading: str,
        subtitle: str = "",
        place_date: date | None = None,
        orientation: Literal["portrait", "landscape"] = "portrait",
        form_no: str = "",
        template: FormTemplate | None = None,
    ) -> FormPDF:
        """A one-page-to-start form: document title, first page, national header and form heading. With
        the centre's `template`, its title and footer, and its version at the foot of the last page."""
        pdf = cls(orientation=orientation)
        pdf.template = template
        if template is not None:
            heading = template.text("title")
        pdf.set_title(doc_title)
        pdf.add_page()
        if form_no:
            pdf.form_number(form_no)
        pdf.national_header(settings, place_date=place_date)
        pdf.form_title(heading, subtitle)
        return pdf

    def normalize_text(self, text: str) -> str:
        """Every string drawn on a form passes here: no internal word ever reaches a citizen."""
        return str(super().normalize_text(strip_internal(text)))

    @property
    def width(self) -> float:
        return float(self.w - self.l_margin - self.r_margin)

    def font(self, style: str = "", size: float = 12) -> None:
        self.set_font(FONT, style=style, size=size)

    def national_header(self, settings: Settings, *, place_date: date | None = None) -> None:
        """Agency block (left) and Quốc hiệu / Tiêu ngữ (right), then "Hà Nội, ngày ..." on the right."""
        top, left_w = self.get_y(), self.width * 0.45
        parent = str(settings.extra.get("parent_agency", PARENT_AGENCY_DEFAULT))
        self.font("", 10)
        self.multi_cell(left_w, 5, parent, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font("B", 10)
        self.multi_cell(
            left_w, 5, settings.point_name.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self._rule(self.l_margin + left_w / 2, self.get_y() + 1.2, 30)
        left_bottom = self.get_y() + 3
        self.set_xy(self.l_margin + left_w, top)
        right_w = self.width - left_w
        self.font("B", 11)
        self.cell(
            right_w, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT
        )
        self.font("B", 12)
        self.cell(right_w, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self._rule(self.l_margin + left_w + right_w / 2, self.get_y() + 0.5, 56)
        if place_date is not None:
            self.set_y(self.get_y() + 3)
            self.set_x(self.l_margin + left_w)
            self.font("I", 11)
            self.cell(right_w, 5, f"Hà Nội, {vn_long_date(place_date)}", align="C")
        self.set_y(max(self.get_y() + 6, left_bottom))

    def form_number(self, form_no: str) -> None:
        """`Mẫu số 0N` in the top right corner, as Phụ lục I of Thông tư 03/2025/TT-VPCP numbers its forms."""
        y = self.get_y()
        self.set_xy(self.l_margin, 6)
        self.font("I", 9)
        self.cell(self.width, 4, f"Mẫu số {form_no} (Thông tư 03/2025/TT-VPCP)", align="R")
        self.set_xy(self.l_margin, y)

    def page_foot(self, footer: str, version_line: str) -> None:
        """The template's footer and version at the foot of the current page, in the bottom margin
        (outside the body's flow, so they never push a copy onto a second page)."""
        y = self.get_y()
        self.set_auto_page_break(auto=False)
        if footer:
            self.set_xy(self.l_margin, self.h - 13)
            self.font("I", 8)
            self.cell(self.width, 4, footer, align="C")
        self.set_xy(self.l_margin, self.h - 8)
        self.font("", 7)
        self.cell(self.width, 4, version_line, align="R")
        self.set_auto_page_break(auto=True, margin=15)
        self.set_xy(self.l_margin, y)

    def _rule(self, center_x: float, y: float, length: float) -> None:
        self.set_line_width(0.3)
        self.line(center_x - length / 2, y, center_x + length / 2, y)

    def form_title(self, text: str, subtitle: str = "") -> None:
        self.ln(2)
        self.font("B", 13)
        self.multi_cell(self.width, 6.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.font("I", 11)
            self.multi_cell(self.width, 5.5, subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def para(self, text: str, *, style: str = "", size: float = 12, h: float = 6.2, align: str = "L") -> None:
        """A plain paragraph (no markup, so any text a citizen gave prints as is)."""
        size, h = size * self.body_scale, h * self.body_scale
        self.font(style, size)
        self.multi_cell(self.width, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rich(self, *parts: tuple[str, str], size: float = 12, h: float = 6.2) -> None:
        """One flowing paragraph of (text, style) runs, e.g. a label then its value in bold."""
        size, h = size * self.body_scale, h * self.body_scale
        self.set_x(self.l_margin)
        for text, style in parts:
            self.font(style, size)
            self.write(h, text)
        self.ln(h)

    def field(self, label: str, value: object, *, size: float = 12) -> None:
        """`label: value` with the value in bold; a dotted line when the value is empty."""
        shown = str(value).strip() if value not in (None, "") else "." * 40
        self.rich((f"{label}: ", ""), (shown, "B"), size=size)

    def grid(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        widths: Sequence[float],
        *,
        size: float = 11,
        align: Sequence[str] | None = None,
    ) -> None:
        size *= self.body_scale
        self.font("", size)
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(align or ["LEFT"] * len(widths)),
            line_height=size * 0.5,
            first_row_as_headings=True,
            headings_style=_heading_style(),
            width=self.width,
        ) as tbl:
            for row in [list(header), *rows]:
                cells = tbl.row()
                for value in row:
                    cells.cell(str(value))
        self.ln(1)

    def signatures(self, blocks: Sequence[tuple[str, str]], *, gap: float = 24) -> None:
        """Side-by-side signature blocks: (title, name printed under the space for the signature)."""
        if self.get_y() + gap + 20 > self.h - self.b_margin:
            self.add_page()
        self.ln(3)
        top, col = self.get_y(), self.width / len(blocks)
        for i, (title, name) in enumerate(blocks):
            if not title:
                continue  # an empty column keeps the other block on the right
            x = self.l_margin + i * col
            self.set_xy(x, top)
            self.font("B", 11)
            self.multi_cell(col, 5, title, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.font("I", 10)
            self.cell(col, 5, "(Ký và ghi rõ họ tên)", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_xy(x, self.get_y() + gap)
            self.font("B", 11)
            self.cell(col, 5, name, align="C")
        self.set_y(top + gap + 20)

    def checkboxes(self, label: str, options: Sequence[str], *, size: float = 12, h: float = 7) -> None:
        """`label  [ ] a  [ ] b`: empty boxes drawn as rectangles (the font has no ballot-box glyph)."""
        self.set_x(self.l_margin)
        self.font("B", size)
        self.write(h, label + "  ")
        self.font("", size)
        box = size * 0.3
        for option in options:
            self.rect(self.get_x(), self.get_y() + (h - box) / 2, box, box)
            self.set_x(self.get_x() + box + 1.5)
            self.write(h, option + "     ")
        self.ln(h)

    def qr(self, text: str, x: float, y: float, size: float = 24) -> None:
        self.image(io.BytesIO(qr_png(text)), x=x, y=y, w=size, h=size)

    def bytes(self) -> bytes:
        if self.template is not None:  # the last page carries the template's footer and version
            self.page_foot(self.template.footer, self.template.version_line)
        return bytes(self.output())


@functools.lru_cache(maxsize=8)
def qr_png(text: str) -> bytes:
    """The QR code of `text` as a PNG, made once for the copies of a slip and the sizes a receipt tries
    (app.forms.receipt): a few recent ones kept, in memory only."""
    buf = io.BytesIO()
    qrcode.make(text, box_size=6, border=1).save(buf, format="PNG")
    return buf.getvalue()


def warm_up() -> None:
    """A throwaway form in every style, with a table and a QR code, written and dropped: the fonts get
    parsed (app.forms.fonts) and what fpdf2, fontTools and qrcode import on first use gets imported,
    so the first form a clerk prints pays for neither. For a thread at desk start (ui.session)."""
    pdf = FormPDF()
    pdf.add_page()
    for style in _FONT_FILES:
        pdf.font(style, 10)
        pdf.cell(40, 5, "Hà Nội")
    pdf.ln(6)
    pdf.grid(["Số", "Giấy tờ"], [["1", "Bản sao"]], [20, 60])
    pdf.qr("000.00.01.H26", x=pdf.l_margin, y=pdf.get_y(), size=12)
    pdf.bytes()


def _heading_style() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD", fill_color=(235, 235, 235))


def applicant_name(applicant: dict[str, Any]) -> str:
    name = str(applicant.get("full_name") or "").strip()
    prefix = {"male": "Ông ", "female": "Bà "}.get(str(applicant.get("gender")), "Ông/Bà ")
    return prefix + name if name else ""
