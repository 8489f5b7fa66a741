"""acquire → clean → OCR (worker processes) → one searchable PDF: the one path for the desk and the CLI.

`digitize` yields each page with what OCR read as soon as it is ready (the desk shows thumbnails
while the feeder still runs); `scan_document` collects a whole document and builds its PDF
(`python -m scanner ocr`). `page_image` and `page_png` are the page image both store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import cv2

from scanner.errors import CancelledError
from scanner.ocr import OcrOptions, OcrPool, PageResult, ocr_pages
from scanner.pdf import PdfPage, build_pdf
from scanner.processing import CleanPage
from scanner.sources.base import (
    Image,
    IsCancelled,
    Page,
    Progress,
    ScanSettings,
    ScanSource,
    never_cancelled,
    no_progress,
)

logger = logging.getLogger(__name__)


@dataclass
class ScannedDocument:
    """Pages in order with what OCR read on each, and the PDF (None when make_pdf is False)."""

    pages: list[PageResult]
    pdf: bytes | None
    scanned_at: datetime
    seconds: float
    dropped_blank: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\f\n".join(p.ocr.text if p.ocr else "" for p in self.pages)

    def page_summaries(self) -> list[dict[str, object]]:
        """Per-page facts for the document record (see the `pages` contract in the brief)."""
        out: list[dict[str, object]] = []
        for r in self.pages:
            out.append(
                {
                    "width": int(r.page.gray.shape[1]),
                    "height": int(r.page.gray.shape[0]),
                    "dpi": r.page.dpi,
                    "ocr_confidence": r.ocr.confidence if r.ocr else None,
                    "rotation": r.page.rotation,
                    "skew": r.page.skew,
                    "is_blank": r.page.is_blank,
                    "is_color": r.page.is_color,
                    "ocr_error": r.ocr.error if r.ocr else None,
                    "timings": {k: round(v, 3) for k, v in r.timings.items()},
                    "steps": r.page.steps,
                }
            )
        return out


def page_image(page: CleanPage) -> Image:
    """The cleaned page as kept: colour when the page needs it, else gray."""
    return page.color if page.color is not None else page.gray


def page_png(image: Image) -> bytes:
    """PNG bytes of an RGB or gray page (the desk's blob, the CLI's --pages file)."""
    bgr = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise ValueError("PNG encoding failed")
    return bytes(buf)


def digitize(
    pages: Iterable[Page],
    options: OcrOptions,
    progress: Progress = no_progress,
    is_cancelled: IsCancelled = never_cancelled,
    *,
    pool: OcrPool | None = None,
    workers: int | None = None,
) -> Iterator[tuple[Page, PageResult]]:
    """Clean and OCR each acquired page (in `pool`'s processes, or `workers` new ones; 0: here).

    Yields (acquired page, result) in page order as results arrive; the acquired page is the page
    as scanned, which the desk keeps so the clerk can go back to it.
    """
    held: dict[int, Page] = {}

    def items() -> Iterator[tuple[Image, int, bool]]:
        for n, page in enumerate(pages):
            if is_cancelled():
                raise CancelledError("scan cancelled by the user")
            held[n] = page
            yield page.image, page.dpi, page.photo

    if pool is not None:
        results: Iterable[PageResult] = pool.run(items(), options, progress, is_cancelled)
    else:
        results = ocr_pages(items(), options, progress, is_cancelled, workers=workers)
    for result in results:
        yield held.pop(result.index), result


def scan_document(
    source: ScanSource,
    settings: ScanSettings | None = None,
    progress: Progress = no_progress,
    is_cancelled: IsCancelled = never_cancelled,
    *,
    options: OcrOptions | None = None,
    pool: OcrPool | None = None,
    workers: int | None = None,
    drop_blank: bool = True,
    make_pdf: bool = True,
    title: str = "Tài liệu",
) -> ScannedDocument:
    """Scan every page the source gives, clean and OCR them (in worker processes), build the PDF.

    Pass a long-lived `pool` to avoid starting workers per document; `workers=0` runs in-process.
    """
    start = time.perf_counter()
    settings = settings or ScanSettings()
    options = options or OcrOptions()
    acquired = source.scan(settings, no_progress, is_cancelled)
    results = [
        r for _page, r in digitize(acquired, options, progress, is_cancelled, pool=pool, workers=workers)
    ]
    kept = [r for r in results if not (drop_blank and r.page.is_blank)]
    ocr_done = time.perf_counter()
    pdf = None
    if make_pdf and kept:
        pdf = build_pdf(
            [
                PdfPage(
                    r.page.gray, r.page.dpi, r.page.color, r.page.is_photo, r.ocr.text_pdf if r.ocr else None
                )
                for r in kept
            ],
            title=title,
        )
    done = time.perf_counter()
    logger.info("document scanned: %d pages kept, %d blank dropped", len(kept), len(results) - len(kept))
    return ScannedDocument(
        pages=kept,
        pdf=pdf,
        scanned_at=datetime.now().astimezone(),
        seconds=done - start,
        dropped_blank=len(results) - len(kept),
        timings={"acquire_ocr": ocr_done - start, "pdf": done - ocr_done},
    )
