"""Vietnamese OCR with Tesseract in worker processes."""

from scanner.ocr.engine import DEFAULT_LANG, OcrResult, recognize
from scanner.ocr.pool import OcrPool, ocr_pages
from scanner.ocr.worker import OcrOptions, PageResult, process_page

__all__ = [
    "DEFAULT_LANG",
    "OcrOptions",
    "OcrPool",
    "OcrResult",
    "PageResult",
    "ocr_pages",
    "process_page",
    "recognize",
]
