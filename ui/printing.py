"""Print a form (a PDF made by app.forms) through Qt's print dialog with preview, or save it as PDF."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from app.domain.errors import AppError

logger = logging.getLogger(__name__)


class PrinterMissingError(AppError):
    code = "printer_missing"
    default_user_message = (
        "Không tìm thấy máy in. Hãy kiểm tra máy in trong phần Cài đặt, hoặc bấm “Lưu PDF” để lưu phiếu."
    )


def render_pdf_pages(pdf: Path, dpi: int = 150) -> list[QImage]:
    """Each page of the PDF as an image (pypdfium2, permissively licensed)."""
    import pypdfium2 as pdfium

    from app.storage import scratch

    doc = pdfium.PdfDocument(scratch.read(pdf))  # decrypted in memory only
    try:
        images = []
        for page in doc:
            pil = page.render(scale=dpi / 72).to_pil().convert("RGB")
            data = pil.tobytes("raw", "RGB")
            img = QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888).copy()
            images.append(img)
        return images
    finally:
        doc.close()


def paint_pages(printer: QPrinter, images: list[QImage]) -> None:
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterMissingError("QPainter.begin failed on the printer")
    try:
        for i, img in enumerate(images):
            if i:
                printer.newPage()
            rect = painter.viewport()
            size = img.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(rect.x(), rect.y(), size.width(), size.height())
            painter.setWindow(img.rect())
            painter.drawImage(QRectF(img.rect()), img)
            painter.setViewport(rect)
    finally:
        painter.end()


def is_landscape(images: list[QImage]) -> bool:
    """A form laid out across the page (the register, 07): printed landscape, not shrunk onto portrait."""
    return bool(images) and images[0].width() > images[0].height()


def a4_printer(printer_name: str = "", landscape: bool = False) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            orientation,
            printer.pageLayout().margins(),
        )
    )
    if printer_name:
        printer.setPrinterName(printer_name)
    return printer


def has_printer(printer_name: str = "") -> bool:
    names = [p.printerName() for p in QPrinterInfo.availablePrinters()]
    return bool(names) and (not printer_name or printer_name in names)


def print_with_preview(pdf: Path, parent: QWidget | None, printer_name: str = "") -> bool:
    """Open Qt's preview dialog for the PDF; raises PrinterMissingError when no printer exists."""
    if not has_printer(printer_name):
        raise PrinterMissingError(f"no printer available (configured: {bool(printer_name)})")
    images = render_pdf_pages(pdf)
    printer = a4_printer(printer_name, is_landscape(images))
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle("Xem trước khi in")
    dialog.paintRequested.connect(lambda p: paint_pages(p, images))
    return bool(dialog.exec())


def print_to_pdf_file(pdf: Path, out: Path) -> Path:
    """Print the form through QPrinter into a PDF file (the path Qt's dialog offers as 'Save as PDF')."""
    images = render_pdf_pages(pdf, dpi=200)
    printer = a4_printer(landscape=is_landscape(images))
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    paint_pages(printer, images)
    return out


def save_pdf_copy(pdf: Path, out: Path) -> Path:
    """Save the generated form as is (keeps its text and embedded fonts), in clear where the clerk chose."""
    from app.storage import scratch

    tmp = out.with_suffix(out.suffix + ".part")
    tmp.write_bytes(scratch.read(pdf))
    tmp.replace(out)
    return out
