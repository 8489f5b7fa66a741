"""What one worker process does for one page: clean it up, then read it (with an upside-down check)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2

from scanner.errors import OcrError, OcrTimeoutError
from scanner.ocr.engine import DEFAULT_LANG, DEFAULT_TIMEOUT, OcrResult, recognize
from scanner.processing import CleanPage, clean_page, turn_page
from scanner.processing.orientation import detect_rotation
from scanner.sources.base import Image

logger = logging.getLogger(__name__)

LOW_CONFIDENCE = 65.0  # below this an unturned page may be upside down: ask OSD


@dataclass(frozen=True)
class OcrOptions:
    lang: str = DEFAULT_LANG
    timeout: float = DEFAULT_TIMEOUT
    want_pdf: bool = True
    clean: bool = True
    find_page: bool = True
    orientation: str = "auto"
    keep_color: bool = False  # a colour digitization profile: every colour page stays in colour


@dataclass
class PageResult:
    """A cleaned page and what OCR read on it (ocr is None for blank pages)."""

    index: int
    page: CleanPage
    ocr: OcrResult | None
    timings: dict[str, float] = field(default_factory=dict)


def _raw_page(image: Image, dpi: int) -> CleanPage:
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    return CleanPage(gray=gray, color=None, dpi=dpi)


def _read(page: CleanPage, options: OcrOptions, is_cancelled: Callable[[], bool]) -> OcrResult:
    try:
        return recognize(
            page.gray,
            page.dpi,
            options.lang,
            want_pdf=options.want_pdf,
            timeout=options.timeout,
            is_cancelled=is_cancelled,
        )
    except OcrTimeoutError as exc:
        logger.warning("OCR timeout: %s", exc.log_message)
        return OcrResult("", None, 0, options.timeout, None, error="timeout")
    except OcrError as exc:
        logger.warning("OCR failed: %s", exc.log_message)
        return OcrResult("", None, 0, 0.0, None, error="failed")


def process_page(
    index: int,
    image: Image,
    dpi: int,
    options: OcrOptions,
    is_cancelled: Callable[[], bool] = lambda: False,
    photo: bool = True,
) -> PageResult:
    """Clean one page and OCR it; a page that reads badly and was not turned gets one OSD check.

    The sheet is looked for only when `options.find_page` and the page may be a `photo`.
    """
    start = time.perf_counter()
    page = (
        clean_page(
            image,
            dpi,
            find_page=options.find_page,
            orientation=options.orientation,
            photo=photo,
            keep_color=options.keep_color,
        )
        if options.clean
        else (_raw_page(image, dpi))
    )
    cleaned = time.perf_counter()
    if page.is_blank:
        return PageResult(index, page, None, {"clean": cleaned - start, "ocr": 0.0})
    result = _read(page, options, is_cancelled)
    # A page on which Tesseract found no word at all (a drawing, a grid, a near-blank sheet) is not
    # asked either: OSD needs text as much (at least 10 characters), and it was a second Tesseract
    # run on every such page. An upside-down text page still gives words, with a low confidence.
    low = result.words > 0 and (result.confidence is None or result.confidence < LOW_CONFIDENCE)
    if options.clean and options.orientation != "off" and low and page.rotation == 0 and result.error is None:
        turn = detect_rotation(page.gray, page.dpi)
        if turn:
            page = turn_page(page, turn)
            second = _read(page, options, is_cancelled)
            if (second.confidence or 0) > (result.confidence or 0):
                result = second
            else:
                page = turn_page(page, (360 - turn) % 360)
    return PageResult(index, page, result, {"clean": cleaned - start, "ocr": time.perf_counter() - cleaned})
