"""Save an openpyxl workbook to bytes without a temporary file.

openpyxl's writer serialises every worksheet to a named temporary file (`openpyxl.*` in the system
temporary folder) before zipping it, even when the workbook is saved to a BytesIO: the sheet's cells
(applicants' names in the register, the point's figures) would touch the disk in clear. This writer
serialises each worksheet to memory instead; the workbook is otherwise written by openpyxl's own code.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter


class _MemoryWriter(ExcelWriter):
    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def workbook_bytes(book: Workbook) -> bytes:
    """The .xlsx file of `book`, built in memory only."""
    if book.write_only:
        raise ValueError("a write-only workbook streams through temporary files: build it in memory")
    book.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _MemoryWriter(book, archive).write_data()
    return out.getvalue()
