"""Clean-up on synthetic pages: sheet finding, orientation, deskew, blank and colour decisions."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from scanner.processing import clean_page
from scanner.processing.classify import BLANK_INK, ink_fraction, is_blank, needs_color
from scanner.processing.dewarp import straighten
from scanner.processing.geometry import estimate_skew, find_page_quad, rotate
from tests.scanner.corpus_helper import make_page


def test_phone_photo_sheet_is_found_and_flattened_to_a4_proportions():
    page = make_page("phone", n_lines=6)
    assert find_page_quad(page.image) is not None
    clean = clean_page(page.image, page.dpi)
    h, w = clean.gray.shape
    assert clean.page_found and abs(h / w - 297 / 210) < 0.06
    assert clean.gray[10:-10, 10:-10].mean() > 200  # table gone, shadow evened out


def test_flatbed_page_is_not_mistaken_for_a_photo():
    page = make_page("clean", n_lines=6)
    assert find_page_quad(page.image) is None


def test_quarter_turned_and_skewed_page_comes_back_upright():
    page = make_page("rotated", n_lines=10)
    clean = clean_page(page.image, page.dpi)
    assert clean.rotation == 270
    assert abs(clean.skew + 3.0) < 0.5
    assert clean.gray.shape[0] > clean.gray.shape[1]


def test_skew_estimate_recovers_a_small_angle():
    gray = make_page("clean", n_lines=12).image[..., 0]
    assert abs(estimate_skew(rotate(gray, 2.0)) + 2.0) < 0.3


def test_blank_page_with_dust_is_blank_and_text_page_is_not():
    blank = np.full((3508, 2480), 252, np.uint8)
    blank[
        np.random.default_rng(1).integers(0, 3508, 200), np.random.default_rng(2).integers(0, 2480, 200)
    ] = 0
    assert is_blank(blank, 300)
    assert not is_blank(make_page("clean", n_lines=3).image[..., 0], 300)


def _page_with(marks: list[tuple[int, int, int]]) -> np.ndarray:
    """A white 300 dpi page with square dark marks (row, column, side in pixels)."""
    page = np.full((3508, 2480), 250, np.uint8)
    for y, x, side in marks:
        page[y : y + side, x : x + side] = 20
    return page


_NEED = int(BLANK_INK * (3508 - 2 * 175) * (2480 - 2 * 124))  # dark pixels at the bar (inner page)
_DUST = [(y, x, 2) for y in range(300, 3200, 40) for x in range(200, 2280, 40)]  # specks under 0.3 mm


@pytest.mark.parametrize(
    "marks, blank",
    [
        ([], True),
        (_DUST, True),  # many dark pixels, none of them ink: the quick count alone cannot say blank
        ([(1700, 1200, 30)] * 1 + [(1700, 1300 + 40 * i, 30) for i in range(_NEED // 900)], False),
        ([(400, 300 + 40 * i, 30) for i in range(_NEED // 900 + 2)], False),  # ink above the middle band only
        (
            [(400, 300 + 40 * i, 30) for i in range(_NEED // 900 - 2)],
            True,
        ),  # just under the bar, outside the band
        (
            [(1700, 300 + 40 * i, 30) for i in range(_NEED // 900 - 2)],
            True,
        ),  # just under the bar, in the band
    ],
)
def test_blank_decision_is_the_ink_share_under_the_bar(
    marks: list[tuple[int, int, int]], blank: bool
) -> None:
    """The quick paths of `is_blank` (a pixel count, a middle band) decide as the whole-page labelling."""
    page = _page_with(marks)
    assert (ink_fraction(page, 300) < BLANK_INK) is blank
    assert is_blank(page, 300) is blank


def test_red_stamp_keeps_colour_and_black_text_does_not():
    assert needs_color(make_page("stamp", n_lines=6).image)
    assert not needs_color(make_page("clean", n_lines=6).image)


def test_tiny_and_uniform_images_do_not_crash():
    for image in (np.zeros((20, 20), np.uint8), np.full((40, 30, 3), 255, np.uint8)):
        clean = clean_page(image, 300)
        assert clean.gray.ndim == 2


def test_portrait_photo_is_photographic_but_blurry_text_is_not():
    from scanner.processing.classify import is_photographic

    page = make_page("lowres", n_lines=10).image[..., 0]
    assert not is_photographic(np.ascontiguousarray(page))
    with_photo = np.full((3508, 2480), 255, np.uint8)
    with_photo[300:800, 300:700] = np.linspace(70, 180, 400, dtype=np.uint8)[None, :]
    assert is_photographic(with_photo)


def _lines_page(h: int = 1600, w: int = 1800, pitch: int = 60) -> np.ndarray:
    page = np.full((h, w), 255, np.uint8)
    for n, y in enumerate(range(40, h - 20, pitch)):
        text = f"Line {n:02d} of a bent page: the quick brown fox jumps"
        cv2.putText(page, text, (40, y), cv2.FONT_HERSHEY_SIMPLEX, 1.25, 0, 3)
    return page


def _bend(page: np.ndarray, depth: float) -> np.ndarray:
    """The page with its lines falling by up to `depth` px towards both side edges (a curling sheet)."""
    h, w = page.shape
    x = (np.arange(w, dtype=np.float32) - w / 2) / (w / 2)
    map_x, map_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    map_y -= depth * x * x
    return cv2.remap(page, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def _left_matches_centre(gray: np.ndarray) -> float:
    """Correlation of the row profiles of the left edge strip and the centre strip (1: lines level)."""
    w = gray.shape[1]
    ink = (gray < 128).astype(np.float32)
    a, b = ink[:, : w // 8].sum(axis=1), ink[:, w // 2 - w // 16 : w // 2 + w // 16].sum(axis=1)
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def test_bent_text_lines_are_straightened_and_no_row_leaves_the_page():
    flat = _lines_page()
    bent = _bend(flat, 60)  # a whole line pitch at the edges
    assert _left_matches_centre(flat) > 0.9 and _left_matches_centre(bent) < 0
    # A note in the top left corner: lining the left edge up with the centre moves it up, off the page
    # unless paper is added above.
    cv2.putText(bent, "Top note", (40, 30), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 3)
    [out], most = straighten([bent], bent)
    assert most > 20
    assert _left_matches_centre(out) > 0.8
    assert out.shape[0] > bent.shape[0]
    assert (out < 128).sum() >= 0.997 * (bent < 128).sum()  # no ink lost beyond resampling


def test_straight_lines_are_left_as_they_are():
    flat = _lines_page()
    [out], most = straighten([flat], flat)
    assert most == 0 and out is flat
    slight = _bend(flat, 10)  # a sixth of the pitch: no line runs into the next
    [out], most = straighten([slight], slight)
    assert most == 0 and out is slight


@pytest.mark.parametrize("level_under", [0.5, 1.0, 2.0])
def test_an_angle_counted_as_level_is_the_same_with_the_shorter_search(level_under: float) -> None:
    """With `level_under` the tenth-degree search may be skipped; what is reported never changes."""
    gray = make_page("clean", n_lines=12).image[..., 0]
    for angle in (-1.4, -0.9, -0.5, -0.4, 0.0, 0.3, 0.5, 0.8, 1.2, 2.5):  # ±0.5: whole degrees say level
        turned = rotate(gray, angle)
        full = estimate_skew(turned)
        expected = 0.0 if abs(full) < level_under else full
        assert estimate_skew(turned, level_under=level_under) == expected, (angle, full)


def test_a_level_scan_is_measured_in_whole_degrees_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.processing import geometry

    calls: list[float] = []
    score = geometry._profile_score
    monkeypatch.setattr(geometry, "_profile_score", lambda ink, a: calls.append(a) or score(ink, a))
    gray = make_page("clean", n_lines=12).image[..., 0]
    assert estimate_skew(gray, level_under=1.0) == 0.0
    assert len(calls) == 21  # -10° to 10° by whole degrees, no tenth-degree search
    calls.clear()
    assert abs(estimate_skew(rotate(gray, 2.0), level_under=1.0) + 2.0) < 0.3
    assert len(calls) == 42  # not level: the tenth-degree search runs
