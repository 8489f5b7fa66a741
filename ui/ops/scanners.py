"""The scanners the desk can see, and a test scan of the configured one (the Cài đặt page)."""

from __future__ import annotations

import cv2
import numpy as np

from scanner.sources import Device, list_devices
from ui.ops.base import IsCancelled, Progress
from ui.ops.scan_source import PageFrom, first_page

THUMB_HEIGHT = 320


def run_list(progress: Progress, is_cancelled: IsCancelled) -> list[Device]:
    """Every scanner on this machine and on the LAN (eSCL); cameras are not offered here."""
    return list_devices(discover_network=True, cameras=False)


def run_test_scan(where: PageFrom, progress: Progress, is_cancelled: IsCancelled) -> bytes:
    """One page from the scanner, as a PNG thumbnail for the page to show."""
    return thumbnail_png(first_page(where, progress, is_cancelled))


def thumbnail_png(image: np.ndarray) -> bytes:
    h, w = image.shape[:2]
    scale = THUMB_HEIGHT / max(h, 1)
    small = cv2.resize(image, (max(1, int(w * scale)), THUMB_HEIGHT), interpolation=cv2.INTER_AREA)
    rgb = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".png", rgb, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise ValueError("PNG encoding failed")
    return bytes(buf)
