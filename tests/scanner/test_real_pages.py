"""Real scans (bench/ocr/real): the pipeline never reads a page worse than raw Tesseract, loses no content.

A part of the corpus runs here so that a regression in page finding, cropping or deskewing fails CI;
`python -m bench.ocr.run --real` runs all of it.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from bench.ocr.corpus import to_phone_photo
from bench.ocr.real import (
    FRAMED,
    HANDWRITTEN,
    PHOTO_CORNERS,
    PHOTOS,
    REAL_DIR,
    STAMPED,
    TABLES,
    TITLED_TABLES,
    RealPage,
    line_cer,
    load,
    with_ruled_table,
)
from scanner.ocr import OcrOptions, PageResult, recognize
from scanner.ocr.worker import process_page
from scanner.processing import geometry
from scanner.processing.classify import color_mask
from scanner.processing.lighting import crop_borders
from scanner.sources.base import ScanSettings
from scanner.sources.files import FileSource

SCANS = ("tb660-1", "ct2770-1", "ct2352-1", "bc280-1", "ct16-4-bw", "ub299-1")
STAMPS = ("ct05-2", "ttr09-3", "ub574-1")  # a red seal over the signature, text beside and above it
HANDS = ("ttr22-1", "ub575-1", "ct16-1")  # number and day filled in by hand (colour and gray scans)
TOLERANCE = 0.005
GEOMETRY = {"find_page", "crop"}


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image


def _raw_cer(page: RealPage, image: np.ndarray, dpi: int) -> float:
    return line_cer(page.lines, recognize(_gray(image), dpi, want_pdf=False).text)


def _pipeline(image: np.ndarray, dpi: int, photo: bool) -> PageResult:
    return process_page(0, image, dpi, OcrOptions(want_pdf=False), photo=photo)


def _as_imported(page: RealPage) -> tuple[np.ndarray, int, bool]:
    """The page as the desk imports the file: FileSource decides dpi and whether it may be a photo."""
    got = next(FileSource([page.path]).scan(ScanSettings(), lambda d, t: None, lambda: False))
    return got.image, got.dpi, got.photo


def test_corpus_has_thirty_real_pages_with_truth() -> None:
    pages = load()
    assert len(pages) >= 30
    assert {p.kind for p in pages} == {"color", "gray", "bw", "photo", "table"}
    assert {p.name for p in pages if p.kind == "photo"} == set(PHOTOS)
    assert {p.name for p in pages if p.kind == "table"} == set(TABLES)
    assert TITLED_TABLES and set(TITLED_TABLES) <= set(TABLES)
    assert all(len(p.lines) >= 8 for p in pages)
    names = {p.name for p in pages}
    assert set(STAMPED) <= names and set(HANDWRITTEN) <= names
    assert len(STAMPED) >= 10 and len(HANDWRITTEN) >= 15
    assert all(len(p.handwritten_lines) == 2 for p in pages if "handwriting" in p.features)


def _red(image: np.ndarray) -> np.ndarray:
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return (r - g > 60) & (r - b > 40)


@pytest.mark.parametrize("name", STAMPS)
def test_a_stamped_page_keeps_its_stamp_region_and_reads_as_well_as_raw(name: str) -> None:
    [page] = load((name,))
    image, dpi, photo = _as_imported(page)
    seal = _red(image)
    assert seal.mean() > 0.004  # the seal is there, in the scan
    result = _pipeline(image, dpi, photo)
    assert not GEOMETRY & {s["step"] for s in result.page.steps}, result.page.steps
    # no crop: every pixel row and column is kept (a deskew turns the page on a larger canvas)
    assert all(a >= b for a, b in zip(result.page.gray.shape, image.shape[:2], strict=True))
    assert result.page.color is not None and result.page.is_color  # kept in colour for the PDF
    ys, xs = np.nonzero(seal)
    box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    assert (color_mask(result.page.color)[box] > 0).mean() > 0.5 * seal[box].mean()  # still red there
    assert line_cer(page.lines, result.ocr.text) <= _raw_cer(page, image, dpi) + TOLERANCE


@pytest.mark.parametrize("name", HANDS)
def test_numbers_and_days_filled_in_by_hand_read_as_well_as_raw(name: str) -> None:
    [page] = load((name,))
    image, dpi, photo = _as_imported(page)
    result = _pipeline(image, dpi, photo)
    raw_text = recognize(_gray(image), dpi, want_pdf=False).text
    text = result.ocr.text if result.ocr else ""
    assert line_cer(page.handwritten_lines, text) <= line_cer(page.handwritten_lines, raw_text) + TOLERANCE
    assert line_cer(page.lines, text) <= line_cer(page.lines, raw_text) + TOLERANCE


@pytest.mark.parametrize("name", SCANS)
def test_pipeline_reads_every_scanned_page_at_least_as_well_as_raw(name: str) -> None:
    [page] = load((name,))
    image, dpi, photo = _as_imported(page)
    assert photo  # a JPEG or PNG might be a phone photo: page finding looks, and must find no sheet
    result = _pipeline(image, dpi, photo)
    assert not GEOMETRY & {s["step"] for s in result.page.steps}, result.page.steps
    raw = _raw_cer(page, image, dpi)
    assert line_cer(page.lines, result.ocr.text if result.ocr else "") <= raw + TOLERANCE


def test_text_beside_and_below_a_ruled_frame_survives() -> None:
    """The incoming-document stamp box on these pages is a ruled frame beside the body text."""
    for page in load(FRAMED):
        image, dpi, _ = _as_imported(page)
        assert geometry.find_page_quad(image) is None
        result = _pipeline(image, dpi, photo=True)
        assert result.page.gray.shape == _gray(image).shape  # nothing cut away
        assert line_cer(page.lines, result.ocr.text) <= _raw_cer(page, image, dpi) + TOLERANCE


def test_the_title_above_a_ruled_table_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    [page] = load(("bc280-1",))
    image = with_ruled_table(page.image())
    # Without the background check the table's frame is taken for the sheet (what cut titles away):
    monkeypatch.setattr(geometry, "outside_is_background", lambda small, quad: True)
    assert geometry.find_page_quad(image) is not None
    monkeypatch.undo()
    assert geometry.find_page_quad(image) is None
    result = _pipeline(image, page.dpi, photo=True)
    assert result.page.gray.shape == image.shape[:2]
    assert "BÁO CÁO" in result.ocr.text
    assert line_cer(page.lines, result.ocr.text) <= _raw_cer(page, image, page.dpi) + TOLERANCE


def test_the_title_above_a_real_ruled_table_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real 1-bit scan (150 dpi): the report's title above four closed ruled tables side by side."""
    [page] = load(TITLED_TABLES)
    image, dpi, photo = _as_imported(page)
    assert photo and dpi == page.dpi == 150  # a PNG might be a photo: page finding looks
    # Without the background check the tables' frame is taken for the sheet, the title above it lost:
    monkeypatch.setattr(geometry, "outside_is_background", lambda small, quad: True)
    forced = geometry.find_page_quad(image)
    assert forced is not None and forced[:, 1].min() > 0.15 * image.shape[0]
    monkeypatch.undo()
    assert geometry.find_page_quad(image) is None
    result = _pipeline(image, dpi, photo)
    assert not GEOMETRY & {s["step"] for s in result.page.steps}, result.page.steps
    assert result.page.gray.shape == image.shape[:2]  # the whole page, at the resolution scanned
    text = result.ocr.text if result.ocr else ""
    assert "Table 3" in text
    title = page.lines[page.lines.index("Table 3") : page.lines.index("Nitric Oxide")]
    assert line_cer(title, text) <= 0.2  # read with the desk's Vietnamese model: English capitals
    assert line_cer(page.lines, text) <= _raw_cer(page, image, dpi) + TOLERANCE


def test_text_beside_a_real_ruled_table_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two ruled tables side by side (a real, typed page): neither table's frame is the sheet."""
    [page] = load(("tb-tt01-1",))
    image, dpi, photo = _as_imported(page)
    assert photo  # a PNG might be a photo: page finding looks
    # Without the background check the left table's frame is taken for the sheet, the right one lost:
    monkeypatch.setattr(geometry, "outside_is_background", lambda small, quad: True)
    forced = geometry.find_page_quad(image)
    assert forced is not None and forced[:, 0].max() < image.shape[1] / 2
    monkeypatch.undo()
    assert geometry.find_page_quad(image) is None
    result = _pipeline(image, dpi, photo)
    assert not GEOMETRY & {s["step"] for s in result.page.steps}, result.page.steps
    text = result.ocr.text if result.ocr else ""
    right = page.lines[page.lines.index("Dấu của cơ quan có thẩm quyền") :]  # the right-hand table
    assert line_cer(right, text) <= 0.1
    assert line_cer(page.lines, text) <= _raw_cer(page, image, dpi) + TOLERANCE


def test_a_page_of_a_scanned_pdf_is_never_cropped() -> None:
    pages = list(
        FileSource([REAL_DIR / "ct2352.pdf"]).scan(ScanSettings(dpi=200), lambda d, t: None, lambda: False)
    )
    assert len(pages) == 4 and not any(p.photo for p in pages)
    framed = with_ruled_table(pages[1].image)  # a frame the quad finder would take, on a PDF page
    result = _pipeline(framed, pages[1].dpi, photo=pages[1].photo)
    assert not GEOMETRY & {s["step"] for s in result.page.steps}
    assert result.page.gray.shape == framed.shape[:2]


def test_a_phone_photo_of_a_real_page_on_a_desk_is_found_and_flattened() -> None:
    [page] = load(("bc280-1",))
    sheet = cv2.resize(page.image(), (2480, 3508), interpolation=cv2.INTER_CUBIC)
    photo = to_phone_photo(sheet, 3)
    result = _pipeline(photo, 72, photo=True)
    assert result.page.page_found
    [found] = [s for s in result.page.steps if s["step"] == "find_page"]
    assert 0.5 < float(str(found["kept_fraction"])) < 0.97
    assert line_cer(page.lines, result.ocr.text) <= 0.5 * _raw_cer(page, photo, 72)


def test_a_real_phone_photo_of_a_sheet_on_a_desk_is_found_and_flattened() -> None:
    """A real photo (not made here) of a sheet on a wooden desk: its corners were marked by eye."""
    [page] = load(("ph-toc-1",))
    image, dpi, photo = _as_imported(page)
    assert photo
    quad = geometry.find_page_quad(image)
    assert quad is not None
    marked = np.array(PHOTO_CORNERS[page.name], dtype=float)
    assert np.abs(quad - marked).max() <= 0.03 * max(image.shape[:2])  # each corner within 3 %
    result = _pipeline(image, dpi, photo)
    assert result.page.page_found
    [found] = [s for s in result.page.steps if s["step"] == "find_page"]
    assert 0.5 < float(str(found["kept_fraction"])) < 0.9  # the desk around the sheet is gone
    height, width = result.page.gray.shape
    assert 1.25 < height / width < 1.5  # flattened to an upright sheet (A4 is 1.41, Letter 1.29)
    # Raw Tesseract reads next to nothing in the photo as it is:
    assert line_cer(page.lines, result.ocr.text) <= 0.5 * _raw_cer(page, image, dpi)


def test_a_real_hand_held_photo_of_a_curled_page_reads_at_half_of_raw_tesseracts_cer() -> None:
    """A low-resolution hand-held photo (finger at the edge, the sheet curling, uneven light, a seal):
    its bent text lines are straightened before OCR, and it reads at most half of raw Tesseract's CER."""
    [page] = load(("ph-th4113-1",))
    image, dpi, photo = _as_imported(page)
    assert photo and dpi < 100  # no believable dpi in the file: about 63 dpi from the page's size
    result = _pipeline(image, dpi, photo)
    assert "dewarp" in {s["step"] for s in result.page.steps}, result.page.steps
    text = result.ocr.text if result.ocr else ""
    assert line_cer(page.lines, text) <= 0.5 * _raw_cer(page, image, dpi)


@pytest.mark.parametrize("name", [n for n in PHOTOS if n not in PHOTO_CORNERS])
def test_a_real_phone_photo_filling_the_frame_loses_no_text(name: str) -> None:
    """A page photographed close up, no desk around it: there is no sheet edge to find, nothing is cut."""
    [page] = load((name,))
    image, dpi, photo = _as_imported(page)
    assert photo
    assert geometry.find_page_quad(image) is None
    result = _pipeline(image, dpi, photo)
    assert not GEOMETRY & {s["step"] for s in result.page.steps}, result.page.steps
    text = result.ocr.text if result.ocr else ""
    assert line_cer(page.lines, text) <= _raw_cer(page, image, dpi) + TOLERANCE


def test_border_crop_trims_a_scanner_edge_but_keeps_a_rule_at_the_edge() -> None:
    [page] = load(("ct2770-2",))
    gray = page.image()
    edged = gray.copy()
    edged[:, :40] = 15  # 5 mm of dark scanner lid at 200 dpi
    _, (top, bottom, left, right) = crop_borders(edged, dpi=200)
    assert (top, bottom, left, right) == (0, gray.shape[0], 40, gray.shape[1])
    ruled = gray.copy()
    ruled[:4, :] = 20  # a 0.5 mm rule along the top edge: ink, not a border
    assert crop_borders(ruled, dpi=200)[1] == (0, gray.shape[0], 0, gray.shape[1])
