"""Job functions that bring pages into the desk: thin adapters over ui.ops.digitize.

ui.ops.digitize runs scanner.pipeline with the desk's OcrPool (the code of `python -m scanner ocr`);
this module only maps the desk's settings to its inputs and cancellation to JobCancelled. Each page is
handed back through `emit_item` as soon as it is ready, so thumbnails appear while the rest scan.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from app.config import Settings, blobs_dir
from app.storage import BlobStore
from scanner.errors import CancelledError
from scanner.pipeline import page_png
from scanner.sources.base import ScanSettings
from ui.ops import digitize
from ui.ops.digitize import DigitizeInput, thumbnail_png
from ui.workers.jobs import JobCancelled

logger = logging.getLogger(__name__)

Emit = Callable[[dict[str, Any]], None]
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

__all__ = ["import_pages_job", "restore_page_job", "rotate_page_job", "scan_pages_job", "thumbnail_png"]


def scan_settings(settings: Settings, max_pages: int | None = None) -> ScanSettings:
    mode = settings.scan_mode if settings.scan_mode in ("color", "gray", "bw") else "color"
    return ScanSettings(dpi=settings.scan_dpi, mode=mode, max_pages=max_pages)  # type: ignore[arg-type]


def open_source(device_id: str) -> Any:
    """The page source for a device id (`sane:...`, `escl:...`, `camera:N`): scanner.sources decides."""
    from scanner.sources import open_source as open_device

    return open_device(device_id or "sane:test:0")


def encode_png(image: np.ndarray) -> bytes:
    return page_png(image)


def _run(inputs: DigitizeInput, emit_item: Emit, progress: Progress, is_cancelled: IsCancelled) -> int:
    try:
        return digitize.run(inputs, progress, is_cancelled, emit_item)
    except CancelledError as exc:
        raise JobCancelled() from exc


def scan_pages_job(
    home: Path, settings: Settings, *, emit_item: Emit, progress: Progress, is_cancelled: IsCancelled
) -> int:
    """Scan from the configured device (one page from the platen, every page from the feeder)."""
    inputs = DigitizeInput(home, settings.ocr_lang, settings.scanner_device, scan_settings(settings))
    return _run(inputs, emit_item, progress, is_cancelled)


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
    inputs = DigitizeInput(home, lang, scan=ScanSettings(dpi=300), paths=tuple(paths))
    return _run(inputs, emit_item, progress, is_cancelled)


def restore_page_job(
    home: Path, meta: dict[str, Any], lang: str = "vie", *, progress: Progress, is_cancelled: IsCancelled
) -> dict[str, Any]:
    """ "Dùng ảnh gốc": the page as scanned, without clean-up, read again (a page item)."""
    try:
        return digitize.restore_original(home, meta, lang, is_cancelled)
    except CancelledError as exc:
        raise JobCancelled() from exc


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
    new["steps"] = [*meta.get("steps", []), {"step": "rotate", "degrees": degrees % 360, "by": "clerk"}]
    if not meta.get("original"):  # the page was the scan itself: keep the scan beside the turned page
        new["original"] = {k: meta[k] for k in ("sha256", "size", "mime", "dpi") if k in meta}
    return {"meta": new, "thumb_png": thumbnail_png(rotated)}
