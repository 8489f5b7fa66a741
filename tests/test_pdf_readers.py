"""Every kind of PDF the project writes opens cleanly in Poppler, MuPDF and PDFium and shows its content.

Scan PDFs (a 1-bit text page, a colour page with a stamp as mixed raster, a gray photographic page,
a 1-bit page fitted to its KB budget with Flate at a lower dpi)
and the printed forms 01-06 with the guidance sheets: `qpdf --check` clean, no error or warning line
from `pdftoppm`, `mutool draw` or pypdfium2, and each rendered scan page matches its cleaned page
image. The invisible text layer lies on the words Tesseract found. What PDF/A would ask for and can be
checked here is checked; the claim itself is not made (no validator is installable).
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf
import pytesseract
import pytest
from PIL import Image

from app.forms.samples import write_samples
from bench.ocr.readers import READERS, compare, qpdf_check, render_all, render_poppler
from scanner.ocr import OcrOptions, PageResult, ocr_pages
from scanner.pdf import PdfPage, build_pdf, fit_bw_page
from tests.scanner.corpus_helper import make_page

RENDER_DPI = 100
MAX_MEAN_DIFF = 12.0  # gray levels, over the page
MIN_INK_AGREEMENT = 0.8


@pytest.fixture(scope="module")
def scans() -> list[PageResult]:
    """A text page (1-bit), a stamp page (mixed raster), and a photographic page (gray JPEG)."""
    items = [(make_page(k, n_lines=6, seed=3).image, 300) for k in ("clean", "stamp")]
    results = ocr_pages(items, OcrOptions(), workers=0)
    photo = results[0].page.__class__(**{**results[0].page.__dict__})
    gradient = np.tile(np.linspace(40, 230, photo.gray.shape[1], dtype=np.float32), (photo.gray.shape[0], 1))
    photo.gray = np.minimum(photo.gray, gradient.astype(np.uint8))
    photo.is_photo = True
    return [*results, PageResult(2, photo, None)]


@pytest.fixture(scope="module")
def scan_pdf(scans: list[PageResult], tmp_path_factory: pytest.TempPathFactory) -> Path:
    pages = [
        PdfPage(r.page.gray, r.page.dpi, r.page.color, r.page.is_photo, r.ocr.text_pdf if r.ocr else None)
        for r in scans
    ]
    path = tmp_path_factory.mktemp("scan") / "scan.pdf"
    path.write_bytes(build_pdf(pages, title="Hồ sơ quét"))
    return path


@pytest.fixture(scope="module")
def form_pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_samples(tmp_path_factory.mktemp("forms"))


def _images(page: pikepdf.Page) -> list[Any]:
    xobjects: Any = page.obj.Resources.get("/XObject", {})
    return [x for x in xobjects.values() if x.get("/Subtype") == "/Image"]


def _source(result: PageResult) -> np.ndarray:
    return result.page.color if result.page.color is not None else result.page.gray


def test_scan_pdf_renders_in_every_reader_as_the_cleaned_page(
    scans: list[PageResult], scan_pdf: Path
) -> None:
    assert qpdf_check(scan_pdf) == []
    renderings = render_all(scan_pdf, RENDER_DPI)
    assert set(renderings) == set(READERS)
    for reader, rendering in renderings.items():
        assert rendering.errors == [], reader
        assert len(rendering.pages) == len(scans), reader
        for n, (page, result) in enumerate(zip(rendering.pages, scans, strict=True)):
            diff, agreement = compare(page, _source(result))
            assert diff < MAX_MEAN_DIFF, (reader, n, diff)
            assert agreement > MIN_INK_AGREEMENT, (reader, n, agreement)


def test_the_comparison_fails_a_blank_or_shifted_page(scans: list[PageResult]) -> None:
    source = _source(scans[0])
    blank = np.full((1169, 827), 255, np.uint8)
    assert compare(blank, source)[1] < 0.1
    from bench.ocr.readers import fit

    drawn = fit(source, blank.shape)
    assert compare(drawn, source)[1] > 0.95
    shifted = np.roll(drawn, 12, axis=0)
    assert compare(shifted, source)[1] < MIN_INK_AGREEMENT


def test_an_image_without_colour_space_is_caught(scan_pdf: Path, tmp_path: Path) -> None:
    """The check can fail: the fault Poppler used to draw as a blank page is reported."""
    with pikepdf.open(scan_pdf) as pdf:
        for image in _images(pdf.pages[0]):
            if not image.get("/ImageMask"):
                del image.ColorSpace
        broken = tmp_path / "broken.pdf"
        pdf.save(broken)
    assert any("image" in line.lower() for line in render_poppler(broken, RENDER_DPI).errors)


def test_every_image_names_a_colour_space_or_is_a_mask(scan_pdf: Path) -> None:
    with pikepdf.open(scan_pdf) as pdf:
        kinds = set()
        for page in pdf.pages:
            for obj in _images(page):
                if obj.get("/ImageMask"):
                    assert "/ColorSpace" not in obj
                    kinds.add("mask")
                else:
                    kinds.add(str(obj.ColorSpace))
        assert kinds == {"mask", "/DeviceGray", "/DeviceRGB"}


@pytest.fixture(scope="module")
def tone_pages(scans: list[PageResult]) -> list[PdfPage]:
    """Under a gray or colour profile: the text page kept in gray, a colour scan kept in colour."""
    [colour] = ocr_pages(
        [(make_page("clean", n_lines=6, seed=4).image, 300)], OcrOptions(keep_color=True), workers=0
    )
    assert colour.page.color is not None  # no coloured ink, kept in colour all the same
    text = scans[0]
    return [
        PdfPage(text.page.gray, text.page.dpi, None, False, text.ocr.text_pdf if text.ocr else None, True),
        PdfPage(
            colour.page.gray,
            colour.page.dpi,
            colour.page.color,
            False,
            colour.ocr.text_pdf if colour.ocr else None,
            True,
        ),
    ]


def test_a_tone_profile_keeps_a_background_on_every_page_and_renders_in_every_reader(
    tone_pages: list[PdfPage], tmp_path: Path
) -> None:
    path = tmp_path / "tones.pdf"
    path.write_bytes(build_pdf(tone_pages, title="Hồ sơ quét màu", kb_per_page=200))
    assert path.stat().st_size <= 200 * 1024 * len(tone_pages)
    assert qpdf_check(path) == []
    with pikepdf.open(path) as pdf:
        for page, source in zip(pdf.pages, tone_pages, strict=True):
            images = _images(page)
            mask = next(i for i in images if i.get("/ImageMask"))
            back = next(i for i in images if not i.get("/ImageMask"))
            assert int(mask.Width) == source.gray.shape[1]  # the text at full resolution
            assert back.Filter == "/DCTDecode" and int(back.Width) < source.gray.shape[1] // 2
        assert [str(_back(p).ColorSpace) for p in pdf.pages] == ["/DeviceGray", "/DeviceRGB"]
    for reader, rendering in render_all(path, RENDER_DPI).items():
        assert rendering.errors == [], reader
        for n, (page, source) in enumerate(zip(rendering.pages, tone_pages, strict=True)):
            diff, agreement = compare(page, source.color if source.color is not None else source.gray)
            assert diff < MAX_MEAN_DIFF and agreement > MIN_INK_AGREEMENT, (reader, n, diff, agreement)


def test_a_tight_budget_makes_the_background_coarser_never_the_text(tone_pages: list[PdfPage]) -> None:
    usual, tight = build_pdf(tone_pages), build_pdf(tone_pages, kb_per_page=20)
    assert len(tight) < len(usual)
    with pikepdf.open(io.BytesIO(usual)) as a, pikepdf.open(io.BytesIO(tight)) as b:
        for pa, pb in zip(a.pages, b.pages, strict=True):
            assert int(_back(pb).Width) < int(_back(pa).Width)
            masks = [next(i for i in _images(p) if i.get("/ImageMask")) for p in (pa, pb)]
            assert masks[0].read_raw_bytes() == masks[1].read_raw_bytes()


def _back(page: pikepdf.Page) -> Any:
    return next(i for i in _images(page) if not i.get("/ImageMask"))


def test_forms_render_in_every_reader_alike(form_pdfs: list[Path]) -> None:
    names = [p.name for p in form_pdfs]
    for number in ("01", "02", "03", "04", "05", "06"):
        assert any(n.startswith(number) for n in names), (number, names)
    assert sum(n.startswith("huong-dan") for n in names) >= 2, names
    for path in form_pdfs:
        assert qpdf_check(path) == [], path.name
        renderings = render_all(path, RENDER_DPI)
        for reader, rendering in renderings.items():
            assert rendering.errors == [], (path.name, reader)
            assert rendering.pages, (path.name, reader)
        pdfium = renderings["pdfium"].pages
        for reader in ("poppler", "mupdf"):
            assert len(renderings[reader].pages) == len(pdfium), (path.name, reader)
            for page, reference in zip(renderings[reader].pages, pdfium, strict=True):
                assert (reference < 128).mean() > 0.005, path.name  # the form has text on it
                diff, agreement = compare(page, reference)  # vector text: antialiasing differs
                assert diff < 2 * MAX_MEAN_DIFF and agreement > 0.9, (path.name, reader, diff, agreement)


def _pdf_words(pdf: Path, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout.decode()
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(m[4], (float(m[0]), float(m[1]), float(m[2]), float(m[3]))) for m in re.findall(pattern, out)]


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def test_text_layer_lies_on_the_words(scans: list[PageResult], scan_pdf: Path) -> None:
    import html

    for number, result in enumerate(scans[:2], 1):
        data = pytesseract.image_to_data(
            result.page.gray, lang="vie", config=f"--psm 3 --dpi {result.page.dpi}", output_type="dict"
        )
        scale = 72 / result.page.dpi
        tess = [
            (t, (x * scale, y * scale, (x + w) * scale, (y + h) * scale))
            for t, x, y, w, h in zip(
                data["text"], data["left"], data["top"], data["width"], data["height"], strict=True
            )
            if t.strip() and len(t) > 2
        ]
        layer = [(html.unescape(t), box) for t, box in _pdf_words(scan_pdf, number)]
        assert len(tess) > 30
        matched = 0
        for text, box in tess:
            best = max((_iou(box, b) for t, b in layer if t == text), default=0.0)
            matched += best > 0.5
        assert matched / len(tess) > 0.9, (number, matched, len(tess))


def test_what_pdfa_would_ask_for_that_can_be_checked(scan_pdf: Path) -> None:
    with pikepdf.open(scan_pdf) as pdf:
        assert not pdf.is_encrypted
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].DestOutputProfile.N == 3
        with pdf.open_metadata() as meta:
            assert meta["dc:title"] == "Hồ sơ quét"
            assert "pdfaid:part" not in meta  # no conformance claimed that nothing here validates
        for page in pdf.pages:
            assert "/Group" not in page.obj  # no transparency group
            for image in _images(page):
                assert "/SMask" not in image
    fonts = subprocess.run(["pdffonts", str(scan_pdf)], capture_output=True, timeout=60, check=True)
    rows = fonts.stdout.decode().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # every font embedded


def test_a_1bit_page_fitted_to_its_budget_renders_in_every_reader(tmp_path: Path) -> None:
    """A dusty 1-bit page over 150 KB is kept with Flate at a lower dpi (scanner.pdf.fit_bw_page):
    a kind of image of its own, drawn the same by all three readers, on the same paper size."""
    from bench.ocr.real import load

    [real] = load(("ct16-4-bw",))
    dusty = real.image().copy()
    dusty[np.random.default_rng(1).random(dusty.shape) < 0.03] = 0
    path = tmp_path / "fitted.pdf"
    page = PdfPage(dusty, real.dpi)
    path.write_bytes(build_pdf([page], kb_per_page=150))
    assert path.stat().st_size <= 150 * 1024
    assert qpdf_check(path) == []
    with pikepdf.open(path) as pdf:
        [image] = _images(pdf.pages[0])
        width = int(image.Width)
        assert (image.Filter, image.ColorSpace, int(image.BitsPerComponent)) == (
            "/FlateDecode",
            "/DeviceGray",
            1,
        )
    kept, fit = fit_bw_page(page, 150)
    assert fit.dpi == 150 and width == kept.gray.shape[1]
    for reader, rendering in render_all(path, RENDER_DPI).items():
        assert rendering.errors == [], reader
        [drawn] = rendering.pages
        diff, agreement = compare(drawn, kept.gray)
        assert diff < MAX_MEAN_DIFF and agreement > MIN_INK_AGREEMENT, (reader, diff, agreement)
        if reader == "poppler":
            Image.fromarray(drawn).save(tmp_path / "fitted-poppler.png")
