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


def _ink(gray: Image) -> Image:
    """1 where the page is darker than 150 (as `gray < 150`, made by OpenCV in one pass)."""
    return cv2.threshold(gray, 149, 1, cv2.THRESH_BINARY_INV)[1]


def _real_ink(ink: Image, dpi: int) -> int:
    """Pixels of the dark marks bigger than dust (≈0.3 mm) in a 0/1 image."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return 0
    min_area = max(4, int((dpi / 80) ** 2))
    real = stats[1:, cv2.CC_STAT_AREA]
    return int(real[real >= min_area].sum())


def ink_fraction(gray: Image, dpi: int) -> float:
    """Share of the page covered by dark marks bigger than dust (≈0.3 mm)."""
    inner = _inner(gray)
    ink = _ink(inner)
    return _real_ink(ink, dpi) / inner.size if ink.any() else 0.0


def is_blank(gray: Image, dpi: int) -> bool:
    """True when the (evened-out) page carries no ink worth keeping: `ink_fraction` below BLANK_INK.

    Decided without labelling the whole page where a cheaper count settles it: all dark pixels
    together are below the bar (blank), or the marks of a band across the middle already reach it (not
    blank; a mark cut by the band's edge is only smaller there, so the band never counts more ink than
    the page holds). Otherwise the whole page is labelled.
    """
    inner = _inner(gray)
    ink = _ink(inner)
    need = BLANK_INK * inner.size
    if cv2.countNonZero(ink) < need:
        return True
    h = ink.shape[0]
    if _real_ink(ink[h * 3 // 8 : h * 5 // 8], dpi) >= need:
        return False
    return _real_ink(ink, dpi) < need


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
