"""Mẫu số 07 exported to XLSX (openpyxl): the same columns and rows as the printed register."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from app.config import Settings
from app.domain.state import DossierState
from app.form_templates import FormTemplate, shipped_template
from app.forms.register import header, register_rows
from app.xlsx import workbook_bytes


def register_xlsx(
    states: Sequence[DossierState], settings: Settings, title: str, template: FormTemplate | None = None
) -> bytes:
    """One sheet: the point, the period, then the register's header and one row per dossier (the
    title and column headings in the wording of the centre's `template`)."""
    t = template or shipped_template("07")
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = "So theo doi ho so"
    sheet.append([settings.point_name])
    sheet.append([f"{t.text('title')} - {title}"])
    sheet.append(header(t)[:-1])  # no signature column in a spreadsheet
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in register_rows(states):
        sheet.append(row[:-1])
    for column, width in zip("ABCDEFGHIJ", (5, 10, 28, 40, 28, 16, 12, 16, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
    return workbook_bytes(book)  # in memory: openpyxl's own save goes through temporary files
