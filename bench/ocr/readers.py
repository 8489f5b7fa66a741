"""Render a PDF with three independent readers (Poppler, MuPDF, PDFium) and collect their complaints.

Used by tests/test_pdf_readers.py (every kind of PDF the project writes) and by bench/ocr/run.py
(does each reader draw the pipeline's and OCRmyPDF's output). Each reader gives gray pages at one dpi
and the error/warning lines it printed; a reader that printed any is a failure, whatever it drew.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

READERS = ("poppler", "mupdf", "pdfium")
# MuPDF as Debian builds it (mupdf-tools) prints this for every file, an empty one included: it is
# about the build (no colour management), not about the file.
MUPDF_BUILD_NOTICE = "warning: ICC support is not available"
TIMEOUT = 120


@dataclass
class Rendering:
    reader: str
    pages: list[np.ndarray] = field(default_factory=list)  # gray uint8, one per page
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.pages)


def _lines(stderr: bytes) -> list[str]:
    return [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]


def _read_pngs(folder: Path, pattern: str) -> list[np.ndarray]:
    pages = [cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in sorted(folder.glob(pattern))]
    return [np.asarray(p) for p in pages if p is not None]


def render_poppler(pdf: Path, dpi: int) -> Rendering:
    with tempfile.TemporaryDirectory(prefix="readers-") as tmp:
        proc = subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"],
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
        errors = _lines(proc.stderr) + ([f"pdftoppm exit code {proc.returncode}"] if proc.returncode else [])
        return Rendering("poppler", _read_pngs(Path(tmp), "p-*.png"), errors)


def render_mupdf(pdf: Path, dpi: int) -> Rendering:
    with tempfile.TemporaryDirectory(prefix="readers-") as tmp:
        proc = subprocess.run(
            ["mutool", "draw", "-q", "-r", str(dpi), "-c", "gray", "-o", f"{tmp}/m-%04d.png", str(pdf)],
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
        errors = [line for line in _lines(proc.stderr) if line != MUPDF_BUILD_NOTICE]
        errors += [f"mutool exit code {proc.returncode}"] if proc.returncode else []
        return Rendering("mupdf", _read_pngs(Path(tmp), "m-*.png"), errors)


def render_pdfium(pdf: Path, dpi: int) -> Rendering:
    out = Rendering("pdfium")
    try:
        doc = pdfium.PdfDocument(str(pdf))
        for n in range(len(doc)):
            bitmap = doc[n].render(scale=dpi / 72, grayscale=True)
            out.pages.append(np.asarray(bitmap.to_pil().convert("L")))
        doc.close()
    except pdfium.PdfiumError as exc:
        out.errors.append(f"pdfium: {exc}")
    return out


def render_all(pdf: Path, dpi: int) -> dict[str, Rendering]:
    return {
        "poppler": render_poppler(pdf, dpi),
        "mupdf": render_mupdf(pdf, dpi),
        "pdfium": render_pdfium(pdf, dpi),
    }


def qpdf_check(pdf: Path) -> list[str]:
    """qpdf --check's complaints (empty when the structure is clean)."""
    proc = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, timeout=TIMEOUT, check=False)
    text = (proc.stdout + proc.stderr).decode(errors="replace")
    bad = [line for line in text.splitlines() if "error" in line.lower() or "warning" in line.lower()]
    bad = [
        line for line in bad if not line.startswith(("No syntax or stream encoding errors", "errors that"))
    ]
    return bad + ([f"qpdf exit code {proc.returncode}"] if proc.returncode else [])


def fit(image: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """`image` (gray or RGB) as gray at `shape`'s height and width."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    if gray.shape[:2] == shape[:2]:
        return gray
    return cv2.resize(gray, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)


def compare(rendered: np.ndarray, source: np.ndarray) -> tuple[float, float]:
    """(mean absolute gray difference, ink agreement) of a rendering against its source image.

    Ink agreement is the smaller of recall and precision of the source's ink (gray < 128) with one pixel
    of tolerance: a blank page scores 0, a page drawn in the wrong place or polarity scores near 0.
    """
    src = fit(source, rendered.shape)
    diff = float(np.abs(rendered.astype(np.int16) - src.astype(np.int16)).mean())
    ink_src, ink_out = src < 128, rendered < 128
    if not ink_src.any():
        return diff, 1.0 if not ink_out.any() else 0.0
    kernel = np.ones((3, 3), np.uint8)
    near_src = cv2.dilate(ink_src.astype(np.uint8), kernel).astype(bool)
    near_out = cv2.dilate(ink_out.astype(np.uint8), kernel).astype(bool)
    recall = float((ink_src & near_out).sum() / ink_src.sum())
    precision = float((ink_out & near_src).sum() / max(1, ink_out.sum()))
    return diff, min(recall, precision)
