"""The page goes to Tesseract as a PackBits TIFF: the same pixels, fewer bytes, the same words read."""

from __future__ import annotations

import cv2
import numpy as np

from bench.ocr.real import load
from scanner.tesseract import encode_page, run_tesseract


def test_the_page_crosses_the_pipe_as_a_packbits_tiff_with_its_pixels() -> None:
    [real] = load(("ct16-4",))  # a real gray scan: white paper, gray ink
    gray = real.image()
    data = encode_page(gray)
    assert data[:4] in (b"II*\x00", b"MM\x00*")  # a TIFF
    assert len(data) < gray.size // 2  # the paper's white runs are packed: fewer bytes for stdin to carry
    back = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert back.dtype == np.uint8 and np.array_equal(back, gray)
    band = np.ascontiguousarray(gray[:400, 200:1400])  # a slice of the page, as OSD sends it
    assert np.array_equal(cv2.imdecode(np.frombuffer(encode_page(gray[:400, 200:1400]), np.uint8), 0), band)


def test_tesseract_reads_the_same_words_from_the_tiff_as_from_png() -> None:
    [real] = load(("ct16-4-bw",))
    band = np.ascontiguousarray(real.image()[:700])  # the heading lines: a short real run
    args = ["-l", "vie", "--dpi", str(real.dpi), "--psm", "3"]
    png = cv2.imencode(".png", band)[1].tobytes()
    from_tiff = run_tesseract([*args, "tsv"], encode_page(band), ("tsv",), timeout=120)
    from_png = run_tesseract([*args, "tsv"], png, ("tsv",), timeout=120)
    assert from_tiff.returncode == 0 and from_png.returncode == 0
    words = [line.split("\t")[-1] for line in from_tiff.outputs["tsv"].decode().splitlines()[1:]]
    assert sum(1 for w in words if w.strip()) > 10
    assert from_tiff.outputs["tsv"] == from_png.outputs["tsv"]
