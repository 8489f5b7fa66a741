"""Each 1-bit page is encoded once for a save: the bytes fit_bw_page measured are the bytes written.

Real scanned pages (bench/ocr/real), the real G4 (Pillow/libtiff) and Flate encoders and pikepdf;
the encoders are only counted, never replaced.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pikepdf
import pytest

import scanner.pdf as pdf_mod
from bench.ocr.real import load
from scanner.pdf import PdfPage, build_pdf, fit_bw_page

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def scan() -> np.ndarray:
    [real] = load(("ct2352-2-bw",))
    return real.image()


@pytest.fixture()
def encodes(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each encoder ran (the real encoders, counted)."""
    calls: Counter[str] = Counter()

    def counted(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            calls[name] += 1
            return fn(*args)

        return wrapper

    monkeypatch.setattr(pdf_mod, "_g4_bytes", counted("g4", pdf_mod._g4_bytes))
    monkeypatch.setattr(pdf_mod, "_flate_bytes", counted("flate", pdf_mod._flate_bytes))
    return calls


def _dusty(image: np.ndarray) -> np.ndarray:
    dusty = image.copy()
    dusty[np.random.default_rng(1).random(dusty.shape) < 0.03] = 0
    return dusty


def _image_bytes(data: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(data)) as doc:
        return [x.read_raw_bytes() for page in doc.pages for x in page.obj.Resources.XObject.values()]


def test_a_page_within_its_budget_is_g4_encoded_once(scan: np.ndarray, encodes: Counter[str]) -> None:
    pages = [PdfPage(scan, 200), PdfPage(scan, 300)]
    data = build_pdf(pages, scanned_at=WHEN, kb_per_page=400)
    assert encodes == Counter(g4=2)  # one per page: the size check's stream is the one written
    encodes.clear()
    assert data == build_pdf(pages, scanned_at=WHEN)  # no budget: encoded at the writer, same bytes
    assert encodes == Counter(g4=2)


def test_a_page_over_its_budget_is_written_with_the_bytes_it_was_measured_with(
    scan: np.ndarray, encodes: Counter[str]
) -> None:
    page = PdfPage(_dusty(scan), 200)
    data = build_pdf([page], scanned_at=WHEN, kb_per_page=150)
    # tried at 200 dpi (G4 and Flate) and at 150 dpi (G4 and Flate); nothing encoded for the write
    assert encodes == Counter(g4=2, flate=2)
    assert len(data) <= 150 * 1024
    fitted, fit = fit_bw_page(page, 150)
    assert (fit.dpi, fit.encoding) == (150, "flate")
    # the same page encoded afresh at the writer gives the same file, byte for byte
    assert data == build_pdf([replace(fitted, bw_image=None)], scanned_at=WHEN)


def test_a_kept_encoding_is_never_written_for_another_image(scan: np.ndarray) -> None:
    fitted, _ = fit_bw_page(PdfPage(scan, 200), 400)
    assert fitted.bw_image is not None
    other = np.ascontiguousarray(scan[::-1])
    changed = replace(fitted, gray=other)
    assert _image_bytes(build_pdf([changed], scanned_at=WHEN)) == _image_bytes(
        build_pdf([PdfPage(other, 200)], scanned_at=WHEN)
    )
    assert _image_bytes(build_pdf([changed], scanned_at=WHEN)) != _image_bytes(
        build_pdf([fitted], scanned_at=WHEN)
    )


def test_the_same_pages_give_the_same_bytes(scan: np.ndarray) -> None:
    """Resource names in order and a content-derived /ID: no random part in the file."""
    pages = [PdfPage(scan, 200), PdfPage(_dusty(scan), 200)]
    first = build_pdf(pages, title="Hồ sơ quét", scanned_at=WHEN, kb_per_page=150)
    assert first == build_pdf(pages, title="Hồ sơ quét", scanned_at=WHEN, kb_per_page=150)
    with pikepdf.open(io.BytesIO(first)) as doc:
        assert [list(p.obj.Resources.XObject.keys()) for p in doc.pages] == [["/Scan0"], ["/Scan0"]]
