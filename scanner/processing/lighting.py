"""Even out lighting (shadows, phone-photo gradients) and trim dark borders."""

from __future__ import annotations

import cv2
import numpy as np

from scanner.sources.base import Image


def background(gray: Image, dpi: int) -> Image:
    """The paper's brightness under the text: text removed by a closing, then smoothed."""
    scale = 0.25
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    size = max(3, int(dpi * scale / 10) | 1)  # wider than a stroke, ~2.5 mm
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    smooth = cv2.medianBlur(closed, min(size * 2 + 1, 31))
    return cv2.resize(smooth, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)


def normalize(image: Image, dpi: int) -> Image:
    """Divide by the background: paper becomes white, ink keeps its gray levels (no threshold)."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    bg = np.maximum(background(gray, dpi), 1)
    if image.ndim == 3:
        return cv2.divide(image, cv2.merge([bg, bg, bg]), scale=255)
    return cv2.divide(gray, bg, scale=255)


BORDER_DARK = 0.9  # share of a row or column that must be dark for it to be a scanner or desk edge


def crop_borders(
    image: Image, max_fraction: float = 0.12, dpi: int = 300
) -> tuple[Image, tuple[int, int, int, int]]:
    """Trim dark scanner-lid or table edges from each side; returns the image and (top, bottom, left, right).

    Only rows and columns that are dark nearly all along are trimmed, from the edge inwards: a strip
    that holds paper (and so may hold ink: text, a table's rule, a stamp) stops the trim. A dark run
    thinner than 1 mm is a ruled line on the sheet, not an edge, and is kept.
    """
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    h, w = gray.shape
    dark = gray < 90
    rows, cols = dark.mean(axis=1), dark.mean(axis=0)

    def edge(profile: np.ndarray, limit: int) -> int:
        n = 0
        while n < limit and profile[n] > BORDER_DARK:
            n += 1
        return n if n >= dpi / 25.4 else 0

    top, bottom = edge(rows, int(h * max_fraction)), edge(rows[::-1], int(h * max_fraction))
    left, right = edge(cols, int(w * max_fraction)), edge(cols[::-1], int(w * max_fraction))
    box = (top, h - bottom, left, w - right)
    return image[box[0] : box[1], box[2] : box[3]], box
