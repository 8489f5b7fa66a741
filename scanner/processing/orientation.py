"""Quarter-turn orientation with Tesseract OSD (the `osd` traineddata)."""

from __future__ import annotations

import logging
import os

import cv2
import numpy as np
import pytesseract

from scanner.sources.base import Image

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
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        osd = pytesseract.image_to_osd(
            small, config=f"--psm 0 --dpi {round(dpi * scale)} -c min_characters_to_try=10", timeout=timeout
        )
    except (pytesseract.TesseractError, RuntimeError) as exc:
        logger.debug("OSD gave no answer: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return 0
    values = dict(line.split(":", 1) for line in osd.splitlines() if ":" in line)
    try:
        rotate = int(values.get("Rotate", "0").strip())
        confidence = float(values.get("Orientation confidence", "0").strip())
    except ValueError:
        return 0
    return rotate if confidence >= MIN_CONFIDENCE and rotate in (90, 180, 270) else 0
