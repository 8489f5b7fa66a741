"""The point's report as an XLSX workbook (openpyxl): a sheet per table, its totals row first."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.reports.point import PointReport, Table
from app.xlsx import workbook_bytes

HEADER_ROW = 4  # title, period, blank, header; the totals row follows the header
BOLD = Font(bold=True)
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")


def _sheet(wb: Workbook, report: PointReport, table: Table) -> None:
    ws = wb.create_sheet(table.key[:31])
    ws["A1"] = table.title
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        f"{report.point_name} — {report.period.label_vi} ({report.period.start} đến {report.period.end})"
    )
    for col, name in enumerate(table.header, 1):
        cell = ws.cell(HEADER_ROW, col, name)
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, value in enumerate(table.total, 1):
        cell = ws.cell(HEADER_ROW + 1, col, value)
        cell.font, cell.fill = BOLD, TOTAL_FILL
    for r, row in enumerate(table.rows, HEADER_ROW + 2):
        for col, value in enumerate(row, 1):
            ws.cell(r, col, value)
    for col in range(1, len(table.header) + 1):
        values = [table.header[col - 1], *(str(row[col - 1] or "") for row in [table.total, *table.rows])]
        ws.column_dimensions[get_column_letter(col)].width = min(70, max(10, *(len(v) + 2 for v in values)))
    ws.freeze_panes = ws.cell(HEADER_ROW + 2, 1)


def render_xlsx(report: PointReport) -> bytes:
    """The workbook's bytes: "Tổng hợp" first, then one sheet per table."""
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    for table in report.tables:
        _sheet(wb, report, table)
    wb.properties.title = f"Báo cáo {report.period.label_vi}"
    return workbook_bytes(wb)  # in memory: openpyxl's own save goes through temporary files
