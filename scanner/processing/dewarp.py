"""Straighten the curved text lines of a photographed page (a sheet that curls or is held by hand).

A hand-held photo of a page is rarely flat: the sheet bends, so after deskew the lines still rise or
fall towards one edge, and Tesseract's line finder mixes the words of neighbouring lines there. The
page is cut into vertical strips; each strip's row profile (ink per row) is aligned with the next
strip's, out from the centre strip, block by block down the page. The vertical shifts found give a
smooth displacement field and each column is moved by it. A strip or block without enough text to
align keeps its neighbour's shift, so an empty margin, a finger or a photo on the page is not bent.
"""

from __future__ import annotations

import cv2
import numpy as np

from scanner.sources.base import Image

STRIPS = 10
BLOCKS = 8
PASSES = 3  # each pass aligns what the one before left; the shifts shrink from pass to pass
WORK_SCALE = 0.25
MAX_SHIFT = 0.4  # of the line pitch, per strip step: never jump to the next line
BAND = 256  # output rows remapped at a time
MIN_MATCH = 0.3  # correlation below this: not enough text to trust the shift
# Lines that bend by less than half their pitch across the page stay nearer their own place than the
# next line's, and Tesseract follows them: the page is left as it is. Resampling such a page only cost
# (measured on the real photos in bench/ocr/real: ph-nd30-1 bends 0.13 of its pitch, ph-toc-1 0.33,
# both read worse straightened; ph-th4113-1 bends a whole pitch and reads far better).
MIN_BEND = 0.5


def _line_pitch(profile: np.ndarray) -> int:
    """The text line pitch (rows) from the row profile's autocorrelation: its first peak."""
    p = profile - profile.mean()
    ac = np.correlate(p, p, "full")[len(p) - 1 :]
    lag = 1
    while lag < len(ac) - 1 and ac[lag + 1] < ac[lag]:
        lag += 1
    stop = max(lag + 1, len(p) // 10)
    return lag + int(np.argmax(ac[lag:stop]))


def _best_shift(ref: np.ndarray, cur: np.ndarray, y0: int, y1: int, reach: int) -> int | None:
    """The shift s (within ± reach) for which cur[y + s] best matches ref[y] over rows y0..y1."""
    rows = np.arange(y0, y1)
    best, best_score = None, MIN_MATCH
    for shift in range(-reach, reach + 1):
        moved = rows + shift
        ok = (moved >= 0) & (moved < len(cur))
        if ok.sum() < (y1 - y0) // 2:
            continue
        a = ref[rows[ok]] - ref[rows[ok]].mean()
        b = cur[moved[ok]] - cur[moved[ok]].mean()
        den = float(np.sqrt((a * a).sum() * (b * b).sum()))
        score = float((a * b).sum()) / den if den > 0 else 0.0
        if score > best_score:
            best, best_score = shift, score
    return best


def line_shifts(small: Image) -> tuple[np.ndarray, float]:
    """Vertical shift (rows) per (block, strip) that lines the text up with the centre strip; and the
    text line pitch (rows, 0 when there is no text). `small` is the page's work copy (WORK_SCALE)."""
    h, w = small.shape
    local = cv2.GaussianBlur(small, (0, 0), 8).astype(np.int16)
    ink = (small.astype(np.int16) < local - 20).astype(np.float32)
    shifts = np.zeros((BLOCKS, STRIPS), np.float32)
    if not ink.any():
        return shifts, 0.0
    pitch = _line_pitch(ink.sum(axis=1))
    reach = max(1, int(pitch * MAX_SHIFT))
    xs = np.linspace(0, w, STRIPS + 1).astype(int)
    ys = np.linspace(0, h, BLOCKS + 1).astype(int)
    profiles = [
        cv2.GaussianBlur(ink[:, xs[i] : xs[i + 1]].sum(axis=1).reshape(-1, 1), (1, 0), 1.0).ravel()
        for i in range(STRIPS)
    ]
    mid = STRIPS // 2
    for step in (1, -1):
        i = mid
        while 0 <= i + step < STRIPS:
            j = i + step
            for b in range(BLOCKS):
                # Neighbouring strips differ by a small shift: searched around 0, then chained.
                found = _best_shift(profiles[i], profiles[j], ys[b], ys[b + 1], reach)
                shifts[b, j] = shifts[b, i] + (found or 0)
            i = j
    return cv2.GaussianBlur(shifts, (3, 3), 0.8), float(pitch)


def straighten(images: list[Image], gray: Image) -> tuple[list[Image], float]:
    """The images (same size as `gray`) with the text lines straightened; and the largest shift (px).

    Nothing is moved (largest shift 0) when the lines bend by less than MIN_BEND of their pitch.
    No row leaves the page: where the top or bottom row moves outwards, white paper is added there.
    """
    h, w = gray.shape
    small = cv2.resize(gray, None, fx=WORK_SCALE, fy=WORK_SCALE, interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    map_x, map_y = np.meshgrid(np.arange(sw, dtype=np.float32), np.arange(sh, dtype=np.float32))
    total = np.zeros((sh, sw), np.float32)  # on the work copy, in its rows
    moved = small
    for n in range(PASSES):
        shifts, pitch = line_shifts(moved)
        bend = float(np.abs(shifts).max())
        if not bend or (n == 0 and bend < MIN_BEND * pitch):
            break
        field = cv2.resize(shifts, (sw, sh), interpolation=cv2.INTER_CUBIC)
        # The new field is measured on the copy already moved by `total`: the two compose as
        # y -> y + field(y) -> y + field(y) + total(y + field(y)); the page is resampled once.
        total = field + cv2.remap(
            total, map_x, map_y + field, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        moved = cv2.remap(small, map_x, map_y + total, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if not total.any():
        return images, 0.0
    total = cv2.resize(total / WORK_SCALE, (w, h), interpolation=cv2.INTER_LINEAR)
    # The content of input row y lands on output row y' where y' + total(y') = y: row 0 leaves the
    # top where total > 0 there, the last row leaves the bottom where total < 0.
    top = int(np.ceil(max(0.0, float(total[0].max()))))
    bottom = int(np.ceil(max(0.0, -float(total[-1].min()))))
    out = [np.empty((h + top + bottom, *im.shape[1:]), im.dtype) for im in images]
    # Output rows in bands: small maps, reused, rather than full-page ones (a fresh worker process
    # pays for every page of memory it touches first).
    grid_x = np.broadcast_to(np.arange(w, dtype=np.float32), (BAND, w)).copy()
    for y0 in range(0, h + top + bottom, BAND):
        rows = np.arange(y0 - top, min(y0 + BAND, h + top + bottom) - top)
        grid_y = total[np.clip(rows, 0, h - 1)] + rows[:, None].astype(np.float32)
        for im, dst in zip(images, out, strict=True):
            dst[y0 : y0 + len(rows)] = cv2.remap(
                im,
                grid_x[: len(rows)],
                grid_y,
                cv2.INTER_CUBIC,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=(255, 255, 255),
            ).reshape(dst[y0 : y0 + len(rows)].shape)
    return out, float(np.abs(total).max())
