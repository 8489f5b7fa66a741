"""The desk's digitize use case: scan or import pages → scanner.pipeline (OcrPool processes) → blob store.

Qt-free: a plain `run(inputs, progress, is_cancelled, emit_item=...)`; ui/workers/pages.py wraps it
in a Job. The pages go through `scanner.pipeline.digitize`, the same code as `python -m scanner ocr`,
in worker processes of one pool shared by every job of the desk. Each page is handed back through
`emit_item` as soon as it is read, with its cleaned image and the page as scanned stored as blobs
(the clerk can go back to the scan: `restore_original`).

Under the centre's digitization profile each page also records `notes` (app.services.quality words
them for the clerk): a page whose picture holds less than the profile's minimum dpi (an imported
file, or the scan inside a PDF) keeps its true dpi and is flagged — it is never resampled up, which
would invent no detail and only hide the shortfall; a 1-bit page over the KB budget is fitted
(scanner.pdf.fit_bw_page) and flagged when even that does not fit.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from app.config import blobs_dir
from app.digitization import DigitizationProfile, installed_profile
from app.storage import BlobStore
from scanner.errors import CancelledError
from scanner.ocr import OcrOptions, OcrPool, PageResult
from scanner.pdf import PdfPage, fit_bw_page
from scanner.pipeline import digitize, page_image, page_png
from scanner.sources.base import Page, ScanSettings

logger = logging.getLogger(__name__)

Emit = Callable[[dict[str, Any]], None]
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
THUMB_HEIGHT = 320
ORIGINAL_JPEG_QUALITY = 92  # colour originals: a colour PNG of an A4 scan would be ~25 MB

_pool: OcrPool | None = None
_pool_start = threading.Lock()
# One job at a time takes pages from the scanner (or the files); its pages then queue for the shared
# pool while the next job scans, so both workers read when the clerk presses "Quét trang" page by page.
_acquire_lock = threading.Lock()


class _Turns:
    """Jobs hand their pages to the UI in the order they started, whichever page is read first."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0  # the ticket of the next job to start
        self._serving = 0  # the job whose pages may be handed over now
        self._done: set[int] = set()

    def take(self) -> int:
        with self._cond:
            self._next += 1
            return self._next - 1

    def wait(self, ticket: int, is_cancelled: IsCancelled) -> None:
        with self._cond:
            while self._serving != ticket:
                if is_cancelled():
                    raise CancelledError("scan cancelled by the user")
                self._cond.wait(0.1)

    def finish(self, ticket: int) -> None:
        with self._cond:
            self._done.add(ticket)
            while self._serving in self._done:
                self._done.discard(self._serving)
                self._serving += 1
            self._cond.notify_all()


_turns = _Turns()


@dataclass(frozen=True)
class DigitizeInput:
    """What to digitize: pages from a device (`device`, `scan`) or from files (`paths`)."""

    home: Path
    lang: str = "vie"
    device: str = ""
    scan: ScanSettings = field(default_factory=ScanSettings)
    paths: tuple[Path, ...] = ()
    workers: int | None = None  # None: the desk's shared pool; 0: in this thread (tests)


def shared_pool() -> OcrPool:
    """The desk's long-lived OCR worker processes (started on first use, closed at exit)."""
    global _pool
    with _pool_start:
        if _pool is None:
            _pool = OcrPool()
            atexit.register(_pool.close)
        return _pool


def thumbnail_png(image: np.ndarray) -> bytes:
    h, w = image.shape[:2]
    scale = THUMB_HEIGHT / max(h, 1)
    small = cv2.resize(image, (max(1, int(w * scale)), THUMB_HEIGHT), interpolation=cv2.INTER_AREA)
    return page_png(small)


def _store_original(page: Page, blobs: BlobStore) -> dict[str, Any]:
    """The page as scanned: PNG for gray and black-and-white, JPEG for colour."""
    if page.image.ndim == 3:
        bgr = cv2.cvtColor(page.image, cv2.COLOR_RGB2BGR)
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, ORIGINAL_JPEG_QUALITY])
        data, mime = bytes(buf), "image/jpeg"
        if not ok:
            raise ValueError("JPEG encoding failed")
    else:
        data, mime = page_png(page.image), "image/png"
    ref = blobs.put_bytes(data)
    return {"sha256": ref.sha256, "size": ref.size, "mime": mime, "dpi": int(page.dpi)}


def is_as_scanned(page: Page, image: np.ndarray) -> bool:
    """True when the kept page is the scan pixel for pixel (then the scan needs no copy of its own)."""
    return page.image.shape == image.shape and bool(np.array_equal(page.image, image))


def dpi_notes(page: Page, profile: DigitizationProfile) -> list[dict[str, Any]]:
    """The page's true dpi when it is below the profile's minimum (how the dpi is known, too)."""
    if page.true_dpi >= profile.min_dpi:
        return []
    return [{"note": "low_dpi", "dpi": page.true_dpi, "min_dpi": profile.min_dpi, "dpi_from": page.dpi_from}]


def budget_notes(result: PageResult, profile: DigitizationProfile) -> list[dict[str, Any]]:
    """A 1-bit page over the profile's KB budget: how it was fitted, and whether it fits."""
    clean = result.page
    if profile.keeps_tones or clean.color is not None or clean.is_photo:
        return []
    pdf = PdfPage(clean.gray, clean.dpi, text_pdf=result.ocr.text_pdf if result.ocr else None)
    _, fit = fit_bw_page(pdf, profile.kb_per_page, profile.min_dpi)
    return [fit.note(clean.dpi)] if fit.reduced or not fit.fits else []


def page_item(
    page: Page,
    result: PageResult,
    blobs: BlobStore,
    original: dict[str, Any] | None = None,
    notes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Store one read page; returns {meta (contract page dict + steps, original), text, ...}.

    `original` is the page as scanned, a sealed file of its own whenever the clean-up changed a pixel
    (lighting, crop, turn, sheet finding, gray): the archive can always get back what the paper gave.
    """
    clean, ocr = result.page, result.ocr
    image = page_image(clean)
    ref = blobs.put_bytes(page_png(image))
    if original is None and not is_as_scanned(page, image):
        original = _store_original(page, blobs)
    meta = {
        "sha256": ref.sha256,
        "size": ref.size,
        "mime": "image/png",
        "width": int(image.shape[1]),
        "height": int(image.shape[0]),
        "dpi": int(clean.dpi),
        "ocr_confidence": ocr.confidence if ocr else None,
        "rotation": int(clean.rotation),
        "skew": float(round(clean.skew, 2)),
        "is_blank": bool(clean.is_blank),
        "is_color": bool(clean.is_color),
        "steps": [dict(step) for step in clean.steps],
    }
    if original is not None:
        meta["original"] = original
    if notes:
        meta["notes"] = notes
    return {
        "meta": meta,
        "text": ocr.text if ocr else "",
        "text_pdf": ocr.text_pdf if ocr else None,
        "is_photo": bool(clean.is_photo),
        "thumb_png": thumbnail_png(image),
        "source": page.source,
    }


def profile_scan(scan: ScanSettings, profile: DigitizationProfile) -> ScanSettings:
    """What the device is asked for under the centre's profile: at least its dpi, in its tones."""
    mode = scan.mode if profile.mode == "bw" else profile.mode  # bw: colour is still read for stamps
    return replace(scan, dpi=max(scan.dpi, profile.min_dpi), mode=mode)


def _pages(
    inputs: DigitizeInput, profile: DigitizationProfile, progress: Progress, is_cancelled: IsCancelled
) -> Iterable[Page]:
    scan = profile_scan(inputs.scan, profile)  # a PDF page is drawn at the profile's dpi at least
    if inputs.paths:
        from scanner.sources.files import FileSource

        return FileSource(list(inputs.paths)).scan(scan, progress, is_cancelled)
    from scanner.sources import open_source

    return open_source(inputs.device or "sane:test:0").scan(scan, progress, is_cancelled)


def run(
    inputs: DigitizeInput,
    progress: Progress,
    is_cancelled: IsCancelled,
    emit_item: Emit = lambda item: None,
) -> int:
    """Digitize every page the device or files give; returns how many were added.

    Raises scanner.errors.CancelledError when the clerk cancels, ScannerError for bad input.
    """
    blobs = BlobStore(blobs_dir(inputs.home))
    profile = installed_profile(inputs.home)
    options = OcrOptions(lang=inputs.lang, keep_color=profile.mode == "color")
    count = 0
    ticket = _turns.take()
    try:
        pool = shared_pool() if inputs.workers is None else None
        pages = _acquired(_pages(inputs, profile, progress, is_cancelled))
        with contextlib.closing(pages):
            for page, result in digitize(
                pages, options, pool=pool, workers=inputs.workers, is_cancelled=is_cancelled
            ):
                notes = dpi_notes(page, profile) + budget_notes(result, profile)
                item = page_item(page, result, blobs, notes=notes)
                _turns.wait(ticket, is_cancelled)  # an earlier job's pages go first
                emit_item(item)
                count += 1
    finally:
        _turns.finish(ticket)
    logger.info("%d page(s) digitized", count)
    return count


def _acquired(pages: Iterable[Page]) -> Generator[Page, None, None]:
    """The source's pages, taken while no other job takes any (one scanner, one feeder)."""
    with _acquire_lock:
        yield from pages


def restore_original(
    home: Path, meta: dict[str, Any], lang: str, is_cancelled: IsCancelled
) -> dict[str, Any]:
    """The page as scanned ("Dùng ảnh gốc"): no clean-up at all, read again; returns a page item."""
    from scanner.ocr.worker import process_page

    blobs = BlobStore(blobs_dir(home))
    original = meta["original"]
    data = np.frombuffer(blobs.read_bytes(original["sha256"]), dtype=np.uint8)
    decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if decoded is None:
        raise ValueError("the stored scan could not be decoded")
    image = np.asarray(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB) if decoded.ndim == 3 else decoded)
    dpi = int(original.get("dpi") or meta.get("dpi") or 300)
    result = process_page(0, image, dpi, OcrOptions(lang=lang, clean=False), is_cancelled)
    if image.ndim == 3:
        result.page.color = image  # keep the colour of the scan
        result.page.is_color = True
    page = Page(image=image, dpi=dpi, mode="color" if image.ndim == 3 else "gray", source="original")
    profile = installed_profile(home)
    kept = [n for n in meta.get("notes") or [] if n.get("note") == "low_dpi"]  # the scan's dpi as found
    notes = kept + budget_notes(result, profile)
    return page_item(page, result, blobs, original=original, notes=notes)  # the scan, not a re-encoded copy
