"""Geometry: find the sheet in a photo and flatten it, deskew, quarter-turn rotation."""

from __future__ import annotations

import logging

import cv2
import numpy as np

from scanner.sources.base import Image

logger = logging.getLogger(__name__)

WORK_SIDE = 1000  # page finding works on a copy this long
MIN_PAGE_AREA = 0.2  # of the photo
MAX_PAGE_AREA = 0.97  # above this the image already is the page (a flatbed scan)
# Outside a found sheet lies the desk: at most this share of it may be as bright as the paper, and at
# most this share of it may look like ink on paper (a ruled frame on a scan has the page around it).
MAX_PAPER_OUTSIDE = 0.35
MAX_INK_OUTSIDE = 0.02


def _gray(image: Image) -> Image:
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image


def _order(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    pts = quad.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32)


def _candidates(small: Image) -> list[np.ndarray]:
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    edges = cv2.dilate(cv2.Canny(blur, 40, 120), np.ones((5, 5), np.uint8))
    out = []
    for mask in (bright, edges):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        out.extend(sorted(contours, key=cv2.contourArea, reverse=True)[:3])
    return out


def outside_is_background(small: Image, quad: np.ndarray) -> bool:
    """True when what lies outside `quad` is a background (desk, table), not more paper with ink.

    A ruled table, a frame or a stamp's box on a page is a bright quadrilateral too; what tells it from
    a sheet is what surrounds it: paper (bright, with text on it) around a frame, a darker and plain
    surface around a sheet.
    """
    inside = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 1)
    band = max(3, round(min(small.shape) * 0.01))
    grown = cv2.dilate(inside, np.ones((2 * band + 1, 2 * band + 1), np.uint8)).astype(bool)
    shrunk = cv2.erode(inside, np.ones((2 * band + 1, 2 * band + 1), np.uint8)).astype(bool)
    outside = ~grown
    if outside.sum() < 0.02 * small.size or not shrunk.any():
        return False
    paper = float(np.percentile(small[shrunk], 90))
    out = small[outside].astype(np.float32)
    if float((out > 0.85 * paper).mean()) > MAX_PAPER_OUTSIDE:
        return False
    strokes = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 25)
    inky = (strokes.astype(bool) & outside & (cv2.blur(small, (15, 15)) > 0.75 * paper)).sum()
    return bool(inky / outside.sum() <= MAX_INK_OUTSIDE)


def find_page_quad(image: Image) -> np.ndarray | None:
    """The four corners of the sheet in a photo (full-resolution pixels), or None.

    None also when the bright quadrilateral found has paper with ink around it (a frame on a page).
    """
    gray = _gray(image)
    scale = WORK_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    scale = min(scale, 1.0)
    total = small.shape[0] * small.shape[1]
    for contour in _candidates(small):
        area = cv2.contourArea(contour)
        if not MIN_PAGE_AREA * total <= area <= MAX_PAGE_AREA * total:
            continue
        hull = cv2.convexHull(contour)
        approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        if len(approx) != 4:
            continue
        quad = _order(approx)
        if outside_is_background(small, quad):
            return quad / scale
        logger.info("page finding: a quadrilateral with paper around it is not the sheet, kept whole")
    return None


def warp_page(image: Image, quad: np.ndarray) -> Image:
    """Flatten the sheet bounded by `quad` to a rectangle of its own size."""
    tl, tr, br, bl = quad
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(
        image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def _ink_small(gray: Image, width: int = 800) -> Image:
    scale = min(1.0, width / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _profile_score(ink: Image, angle: float) -> float:
    h, w = ink.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(ink, matrix, (w, h), flags=cv2.INTER_NEAREST)
    rows = cv2.reduce(rotated, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.float64)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(gray: Image, limit: float = 10.0, *, level_under: float = 0.0) -> float:
    """The text-line angle in degrees (positive: counter-clockwise correction), by projection profiles.

    level_under: an angle smaller than this counts as level (0.0). When it is 1° or more and the
    whole-degree search finds the page level, the tenth-degree search is skipped: it looks within ±1°
    of level, where ±1° itself scored no better than level (level was chosen over it), so it could
    only find an angle of 0.9° or less, which counts as level.
    """
    ink = _ink_small(gray)
    if ink.sum() < 50:
        return 0.0
    coarse = max(np.arange(-limit, limit + 0.01, 1.0), key=lambda a: _profile_score(ink, float(a)))
    if coarse == 0.0 and level_under >= 1.0:
        return 0.0
    fine = max(np.arange(coarse - 1.0, coarse + 1.01, 0.1), key=lambda a: _profile_score(ink, float(a)))
    skew = round(float(fine), 2)
    return 0.0 if abs(skew) < level_under else skew


def is_sideways(gray: Image) -> bool:
    """True when text lines run vertically (page turned by a quarter): then OSD must decide which way."""
    ink = _ink_small(gray, 600)
    if ink.sum() < 50:
        return False
    angles = np.arange(-10.0, 10.01, 2.0)
    horizontal = max(_profile_score(ink, float(a)) for a in angles)
    vertical = max(_profile_score(np.ascontiguousarray(ink.T), float(a)) for a in angles)
    return vertical > 1.5 * horizontal


def rotate(image: Image, angle: float) -> Image:
    """Rotate by `angle` degrees counter-clockwise, keeping the whole page, white fill."""
    if abs(angle) < 0.05:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    fill = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(image, matrix, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=fill)


def rotate_quarter(image: Image, degrees: int) -> Image:
    """Turn clockwise by 90, 180 or 270 degrees (what Tesseract OSD asks for)."""
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(image, turns[degrees]) if degrees in turns else image
