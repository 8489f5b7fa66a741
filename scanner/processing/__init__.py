"""Page clean-up, ndarray in → ndarray out: sheet finding, orientation, deskew, lighting, decisions."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from scanner.processing.classify import is_blank, is_photographic, needs_color
from scanner.processing.dewarp import straighten
from scanner.processing.geometry import (
    estimate_skew,
    find_page_quad,
    is_sideways,
    rotate,
    rotate_quarter,
    warp_page,
)
from scanner.processing.lighting import crop_borders, normalize
from scanner.processing.orientation import detect_rotation
from scanner.sources.base import Image

logger = logging.getLogger(__name__)

A4_LONG_INCH = 11.69
OCR_MIN_DPI = 200  # below this the OCR copy is upscaled to 300 dpi
OCR_DPI = 300
# A 1-bit scan from this dpi on is read at its own resolution: interpolating black-and-white pixels
# adds no detail and rounds the letters' edges (a real 150 dpi 1-bit scan, bench/ocr/real/tb-rm646-7:
# line CER 0.075 as scanned, 0.128 upscaled to 300 dpi, `tesseract -l vie`).
BILEVEL_MIN_DPI = 150
# A scan whose lines lean less than this is left as scanned: Tesseract reads such a page as well as a
# turned one, and turning it costs an interpolation (measured on the real corpus, bench/ocr/real).
MIN_SCAN_SKEW = 1.0


@dataclass
class CleanPage:
    """A cleaned page: `gray` for OCR and 1-bit output, `color` kept only when the page needs it."""

    gray: Image
    color: Image | None
    dpi: int
    rotation: int = 0
    skew: float = 0.0
    is_blank: bool = False
    is_color: bool = False
    is_photo: bool = False
    page_found: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    # What moved or removed pixels, in order: {"step": "find_page" | "upscale" | "crop" | "rotate" |
    # "deskew" | "dewarp", ...how much}. Lighting is evened out on every page and is not listed.
    steps: list[dict[str, object]] = field(default_factory=list)


def _to_gray(image: Image) -> Image:
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image


def _flatten(image: Image, dpi: int, steps: list[dict[str, object]]) -> tuple[Image, int, bool]:
    quad = find_page_quad(image)
    if quad is None:
        return image, dpi, False
    flat = warp_page(image, quad)
    h, w = image.shape[:2]
    kept = float(cv2.contourArea(quad.astype(np.float32))) / (h * w)
    corners = [[round(float(x)), round(float(y))] for x, y in quad]
    steps.append({"step": "find_page", "corners": corners, "kept_fraction": round(kept, 3)})
    return flat, max(72, round(max(flat.shape[:2]) / A4_LONG_INCH)), True


def _is_bilevel(image: Image) -> bool:
    """Black and white pixels only (a 1-bit scan), judged on every fourth row and column."""
    if image.ndim != 2:
        return False
    sample = image[::4, ::4]
    return not bool(((sample != 0) & (sample != 255)).any())


def _upscale(image: Image, dpi: int, steps: list[dict[str, object]]) -> tuple[Image, int]:
    if dpi >= OCR_MIN_DPI or (dpi >= BILEVEL_MIN_DPI and _is_bilevel(image)):
        return image, dpi
    factor = OCR_DPI / dpi
    steps.append({"step": "upscale", "from_dpi": dpi, "to_dpi": OCR_DPI})
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC), OCR_DPI


def _crop(image: Image, dpi: int, steps: list[dict[str, object]]) -> Image:
    h, w = image.shape[:2]
    cropped, (top, bottom, left, right) = crop_borders(image, dpi=dpi)
    if (top, bottom, left, right) != (0, h, 0, w):
        steps.append({"step": "crop", "top": top, "bottom": h - bottom, "left": left, "right": w - right})
    return cropped


def _dewarp(image: Image, gray: Image, steps: list[dict[str, object]]) -> tuple[Image, Image]:
    out, most = straighten([image, gray] if image.ndim == 3 else [gray], gray)
    if not most:
        return image, gray
    steps.append({"step": "dewarp", "max_shift_px": round(most, 1)})
    return out[0], out[-1]


def clean_page(
    image: Image,
    dpi: int,
    *,
    find_page: bool = True,
    orientation: str = "auto",
    photo: bool = True,
    keep_color: bool = False,
) -> CleanPage:
    """Flatten, even out, crop, turn upright and deskew one page; decide blank and colour.

    photo: the picture may be a photo (camera, photo file); a scan (`photo=False`) is never searched
    for a sheet. A picture in which no sheet was found is the sheet already, as a scan is: it is
    deskewed only from MIN_SCAN_SKEW degrees on. A photo whose sheet was found, or that is below
    OCR_MIN_DPI (a phone picture of a page filling the frame), also has its curved text lines
    straightened (scanner.processing.dewarp); a scan, and a picture at a scan's resolution, never.

    keep_color: a colour picture stays in colour even without coloured ink (a colour profile).

    orientation: "osd" always asks Tesseract OSD; "auto" asks it only when text lines run vertically
    (an upside-down page is caught after OCR by its low confidence, see scanner.ocr); "off" never.
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    steps: list[dict[str, object]] = []
    found = False
    if find_page and photo:
        image, dpi, found = _flatten(image, dpi, steps)
    camera = photo and (found or dpi < OCR_MIN_DPI)
    image, dpi = _upscale(image, dpi, steps)
    image = normalize(image, dpi)
    image = _crop(image, dpi, steps)
    gray = _to_gray(image)
    timings["clean"] = time.perf_counter() - t0
    blank = is_blank(gray, dpi)
    ask = orientation == "osd" or (orientation == "auto" and is_sideways(gray))
    turn = detect_rotation(gray, dpi) if ask and not blank else 0
    if turn:
        image, gray = rotate_quarter(image, turn), rotate_quarter(gray, turn)
        steps.append({"step": "rotate", "degrees": turn})
    timings["orientation"] = time.perf_counter() - t0 - timings["clean"]
    # A picture in which no sheet was found is left level under MIN_SCAN_SKEW (see the docstring).
    skew = 0.0 if blank else estimate_skew(gray, level_under=0.0 if found else MIN_SCAN_SKEW)
    if skew:
        image, gray = rotate(image, skew), rotate(gray, skew)
        steps.append({"step": "deskew", "degrees": skew})
    if camera and not blank:
        image, gray = _dewarp(image, gray, steps)
    color = image.ndim == 3 and (keep_color or needs_color(image))
    timings["total"] = time.perf_counter() - t0
    return CleanPage(
        gray=np.ascontiguousarray(gray),
        color=np.ascontiguousarray(image) if color else None,
        dpi=dpi,
        rotation=turn,
        skew=skew,
        is_blank=blank,
        is_color=bool(color),
        is_photo=is_photographic(gray),
        page_found=found,
        timings=timings,
        steps=steps,
    )


def turn_page(page: CleanPage, degrees: int) -> CleanPage:
    """The same page turned clockwise by a quarter multiple (after a late OSD answer)."""
    page.gray = rotate_quarter(page.gray, degrees)
    page.color = rotate_quarter(page.color, degrees) if page.color is not None else None
    page.rotation = (page.rotation + degrees) % 360
    last = page.steps[-1] if page.steps and page.steps[-1]["step"] == "rotate" else None
    if last is not None:
        page.steps.pop()
        degrees += int(str(last["degrees"]))
    if degrees % 360:
        page.steps.append({"step": "rotate", "degrees": degrees % 360})
    return page
