"""Quarter-turn orientation with Tesseract OSD (the `osd` traineddata)."""

from __future__ import annotations

import logging

import cv2
import numpy as np

from scanner.errors import OcrError
from scanner.sources.base import Image
from scanner.tesseract import encode_page, run_tesseract

logger = logging.getLogger(__name__)

MIN_CONFIDENCE = 1.5  # Tesseract's own advice: below ~2 the guess is weak
OSD_DPI = 200


def text_window(gray: Image, fraction: float = 0.3) -> Image:
    """The band of the page with the most ink, about `fraction` of its area: OSD needs only some text."""
    ink = (gray < 128).astype(np.float32)
    h, w = gray.shape
    if h >= w:
        rows = np.convolve(ink.mean(axis=1), np.ones(max(1, int(h * fraction))), mode="valid")
        top = int(np.argmax(rows)) if rows.size else 0
        return gray[top : top + int(h * fraction)]
    cols = np.convolve(ink.mean(axis=0), np.ones(max(1, int(w * fraction))), mode="valid")
    left = int(np.argmax(cols)) if cols.size else 0
    return gray[:, left : left + int(w * fraction)]


def detect_rotation(gray: Image, dpi: int, timeout: float = 20.0) -> int:
    """Clockwise degrees (0/90/180/270) that make the text upright; 0 when unsure or too little text."""
    scale = min(1.0, OSD_DPI / max(dpi, 1))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    small = text_window(small)
    # the band goes in on stdin and the answer comes back on stdout: nothing of the page touches the disk
    args = ["-l", "osd", "--psm", "0", "--dpi", str(round(dpi * scale)), "-c", "min_characters_to_try=10"]
    try:
        run = run_tesseract(args, encode_page(small), timeout=timeout)
    except OcrError as exc:  # a timeout too: orientation is a guess, never a reason to fail a page
        logger.debug("OSD gave no answer: %s", type(exc).__name__)
        return 0
    if run.returncode != 0:
        logger.debug("OSD gave no answer: tesseract exited with code %d", run.returncode)
        return 0
    osd = run.stdout.decode(errors="replace")
    values = dict(line.split(":", 1) for line in osd.splitlines() if ":" in line)
    try:
        rotate = int(values.get("Rotate", "0").strip())
        confidence = float(values.get("Orientation confidence", "0").strip())
    except ValueError:
        return 0
    return rotate if confidence >= MIN_CONFIDENCE and rotate in (90, 180, 270) else 0
