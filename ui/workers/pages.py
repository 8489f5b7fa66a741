"""Job functions that bring pages into the desk: scan or import → clean → OCR → blob store.

Plain functions `run(..., progress, is_cancelled)`; the UI wraps them in a `Job`. Each page is
handed back through `emit_item` as soon as it is ready, so thumbnails appear while the rest scan.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from app.config import Settings, blobs_dir
from app.storage import BlobStore
from scanner.sources.base import Page, ScanSettings
from ui.workers.jobs import JobCancelled

logger = logging.getLogger(__name__)

Emit = Callable[[dict[str, Any]], None]
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
THUMB_HEIGHT = 320


def scan_settings(settings: Settings, max_pages: int | None = None) -> ScanSettings:
    mode = settings.scan_mode if settings.scan_mode in ("color", "gray", "bw") else "color"
    return ScanSettings(dpi=settings.scan_dpi, mode=mode, max_pages=max_pages)  # type: ignore[arg-type]


def open_source(device_id: str) -> Any:
    """The page source for a device id (`sane:...`, `escl:...`, `camera:N`): scanner.sources decides."""
    from scanner.sources import open_source as open_device

    return open_device(device_id or "sane:test:0")


def encode_png(image: np.ndarray) -> bytes:
    rgb = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".png", rgb, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise ValueError("PNG encoding failed")
    return bytes(buf)


def thumbnail_png(image: np.ndarray) -> bytes:
    h, w = image.shape[:2]
    scale = THUMB_HEIGHT / max(h, 1)
    small = cv2.resize(image, (max(1, int(w * scale)), THUMB_HEIGHT), interpolation=cv2.INTER_AREA)
    return encode_png(small)


def digitize(page: Page, blobs: BlobStore, lang: str, is_cancelled: IsCancelled) -> dict[str, Any]:
    """Clean, OCR (scanner.ocr) and store one page; returns {meta (contract page dict), text, ...}."""
    from scanner.errors import CancelledError
    from scanner.ocr import OcrOptions
    from scanner.ocr.worker import process_page

    options = OcrOptions(lang=lang, find_page=page.source.startswith(("camera", "file")))
    try:
        result = process_page(page.index, page.image, page.dpi, options, is_cancelled)
    except CancelledError as exc:
        raise JobCancelled() from exc
    clean, ocr = result.page, result.ocr
    image = clean.color if clean.color is not None else clean.gray
    png = encode_png(image)
    ref = blobs.put_bytes(png)
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
    }
    return {
        "meta": meta,
        "text": ocr.text if ocr else "",
        "text_pdf": ocr.text_pdf if ocr else None,
        "is_photo": bool(clean.is_photo),
        "thumb_png": thumbnail_png(image),
        "source": page.source,
    }


def run_pages(
    home: Path,
    pages: Iterable[Page],
    lang: str,
    emit_item: Emit,
    progress: Progress,
    is_cancelled: IsCancelled,
) -> int:
    """Digitize every page the iterator yields; returns how many were added."""
    blobs = BlobStore(blobs_dir(home))
    count = 0
    for page in pages:
        if is_cancelled():
            raise JobCancelled()
        emit_item(digitize(page, blobs, lang, is_cancelled))
        count += 1
        progress(count, 0)
    logger.info("%d page(s) digitized", count)
    return count


def scan_pages_job(
    home: Path, settings: Settings, *, emit_item: Emit, progress: Progress, is_cancelled: IsCancelled
) -> int:
    """Scan from the configured device (one page from the platen, every page from the feeder)."""
    source = open_source(settings.scanner_device)
    pages = source.scan(scan_settings(settings), progress, is_cancelled)
    return run_pages(home, pages, settings.ocr_lang, emit_item, progress, is_cancelled)


def import_pages_job(
    home: Path,
    paths: Sequence[Path],
    *,
    emit_item: Emit,
    progress: Progress,
    is_cancelled: IsCancelled,
    lang: str = "vie",
) -> int:
    """Import image files and PDFs the clerk picked."""
    from scanner.sources.files import FileSource

    total = len(paths)

    def file_progress(done: int, _t: int) -> None:
        progress(done, total)

    pages = FileSource(list(paths)).scan(ScanSettings(dpi=300), file_progress, is_cancelled)
    return run_pages(home, pages, lang, emit_item, lambda d, t: None, is_cancelled)


def rotate_page_job(
    home: Path, meta: dict[str, Any], degrees: int, *, progress: Progress, is_cancelled: IsCancelled
) -> dict[str, Any]:
    """The page turned by a quarter turn, stored as a new blob (files are named by content)."""
    blobs = BlobStore(blobs_dir(home))
    data = np.frombuffer(blobs.read_bytes(meta["sha256"]), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    turn = {90: cv2.ROTATE_90_CLOCKWISE, -90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180}[degrees]
    rotated = cv2.rotate(image, turn)
    if rotated.ndim == 3:
        rotated = cv2.cvtColor(rotated, cv2.COLOR_BGR2RGB)
    png = encode_png(rotated)
    ref = blobs.put_bytes(png)
    new = dict(
        meta, sha256=ref.sha256, size=ref.size, width=int(rotated.shape[1]), height=int(rotated.shape[0])
    )
    new["rotation"] = (int(meta.get("rotation") or 0) + degrees) % 360
    return {"meta": new, "thumb_png": thumbnail_png(rotated)}
