"""`motcua self-test`: does this machine (or this frozen build) have everything the desk needs?

Checks Tesseract and its vie/eng/osd data (the bundled copy when frozen), OCR of a bundled sample
page, fonts with Vietnamese glyphs, the database, the blob store, the catalog data, the print
backend (a PDF through QPrinter, offscreen) and the scanner backends (SANE lists its devices;
eSCL/zeroconf importable). Prints a table; exit status 0 only if every check passes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from app.logs import setup_logging
from app.selfcheck import CheckResult, guarded, run_core_checks

logger = logging.getLogger(__name__)


def _ensure_gui_app() -> None:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform == "win32"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        QApplication(["motcua-self-test"])


def print_test_page(printer_name: str = "", pdf: Path | None = None) -> str:
    """One A4 page with a Vietnamese line, on a printer (by name) or into a PDF file."""
    _ensure_gui_app()
    from PySide6.QtGui import QFont, QFontDatabase, QPageSize, QPainter
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    from app.selfcheck import font_files

    families: list[str] = []
    for path in font_files()[:4]:
        families += QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(path)))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if pdf is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf))
    else:
        info = QPrinterInfo.printerInfo(printer_name) if printer_name else QPrinterInfo.defaultPrinter()
        if info.isNull():
            raise RuntimeError(f"printer {printer_name or '(default)'} not found")
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("QPainter could not start on the printer")
    if families:
        painter.setFont(QFont(families[0], 14))
    painter.drawText(200, 400, "Một Cửa Desk: trang in thử. Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    painter.end()
    return f"đã in thử ra {pdf or printer.printerName()}"


def check_printing() -> str:
    """Render a Vietnamese line to PDF through QPrinter (the path every printed form takes)."""
    from PySide6.QtPrintSupport import QPrinterInfo

    with tempfile.TemporaryDirectory(prefix="motcua-selftest-") as tmp:
        out = Path(tmp) / "print.pdf"
        print_test_page(pdf=out)
        data = out.read_bytes()
    if not data.startswith(b"%PDF") or len(data) < 500:
        raise RuntimeError(f"QPrinter wrote no usable PDF ({len(data)} bytes)")
    printers = QPrinterInfo.availablePrinterNames()
    default = QPrinterInfo.defaultPrinterName() or "none"
    return f"PDF via QPrinter ok ({len(data)} bytes); {len(printers)} printer(s), default {default}"


def check_sane() -> str:
    if sys.platform == "win32":
        import twain  # type: ignore[import-not-found]  # noqa: F401

        return "TWAIN module importable"
    import sane

    version = sane.init()
    try:
        devices = sane.get_devices(localOnly=True)
    finally:
        sane.exit()
    names = ", ".join(d[0] for d in devices[:3]) or "none connected"
    return f"SANE {version[1]}.{version[2]}.{version[3]}: {len(devices)} device(s) ({names})"


def check_escl() -> str:
    import zeroconf

    detail = f"zeroconf {zeroconf.__version__}"
    try:
        import scanner.sources.escl  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("scanner"):
            return detail + " (eSCL source not in this build yet)"
        raise
    return detail + "; eSCL source importable"


def run_all() -> list[CheckResult]:
    results = run_core_checks()
    results.append(guarded("printing", check_printing))
    results.append(guarded("scanner (SANE/TWAIN)", check_sane))
    results.append(guarded("scanner (eSCL)", check_escl))
    return results


def format_table(results: list[CheckResult]) -> str:
    width = max(len(r.name) for r in results)
    lines = [f"{'check':<{width}}  result  detail", f"{'-' * width}  ------  {'-' * 40}"]
    lines += [f"{r.name:<{width}}  {'OK' if r.ok else 'FAIL':<6}  {r.detail}" for r in results]
    passed = sum(r.ok for r in results)
    lines.append(f"{passed}/{len(results)} checks passed")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    setup_logging(stderr=False)
    parser = argparse.ArgumentParser(prog="motcua self-test", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results = run_all()
    if args.json:
        print(json.dumps([r.__dict__ for r in results], ensure_ascii=False, indent=2))
    else:
        print(format_table(results))
    return 0 if all(r.ok for r in results) else 1
