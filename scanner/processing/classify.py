"""Page decisions: is it blank, does it need colour (stamps, signatures), is it photographic."""

from __future__ import annotations

import cv2
import numpy as np

from scanner.sources.base import Image

MARGIN = 0.05  # ignore the outer 5 % (punch holes, border shadows)
BLANK_INK = 0.0004  # fraction of the page covered by real ink marks
COLOR_FRACTION = 0.0008  # saturated ink pixels needed to keep colour
PHOTO_FRACTION = 0.005  # a 3x4 cm portrait is ~2 % of an A4 page


def _inner(image: Image) -> Image:
    h, w = image.shape[:2]
    dy, dx = int(h * MARGIN), int(w * MARGIN)
    return image[dy : h - dy, dx : w - dx]


def ink_fraction(gray: Image, dpi: int) -> float:
    """Share of the page covered by dark marks bigger than dust (≈0.3 mm)."""
    inner = _inner(gray)
    ink = (inner < 150).astype(np.uint8)
    if not ink.any():
        return 0.0
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    min_area = max(4, int((dpi / 80) ** 2))
    real = stats[1:, cv2.CC_STAT_AREA]
    return float(real[real >= min_area].sum()) / inner.size if n > 1 else 0.0


def is_blank(gray: Image, dpi: int) -> bool:
    """True when the (evened-out) page carries no ink worth keeping."""
    return ink_fraction(gray, dpi) < BLANK_INK


def color_mask(rgb: Image) -> Image:
    """Pixels of coloured ink (red stamps, blue signatures): saturated and not too dark or light."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    sat, val = hsv[..., 1], hsv[..., 2]
    mask = ((sat > 90) & (val > 70)).astype(np.uint8)
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def needs_color(image: Image) -> bool:
    """Keep colour only when the page carries coloured ink, not for a faint colour cast."""
    if image.ndim != 3:
        return False
    small = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    return float(_inner(color_mask(small)).mean()) > COLOR_FRACTION


def is_photographic(gray: Image) -> bool:
    """Wide areas of mid-gray (a portrait, a picture): a 1-bit copy would lose them.

    Only the cores of mid-gray regions count (eroded), so the soft edges of blurry or upscaled
    text do not make a text page look like a photo.
    """
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    mid = ((half > 60) & (half < 190)).astype(np.uint8)
    core = cv2.erode(mid, np.ones((5, 5), np.uint8))
    return float(core.mean()) > PHOTO_FRACTION
