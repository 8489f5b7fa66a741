"""The page goes to Tesseract as binary PGM: the same pixels, no deflate, the same words read."""

from __future__ import annotations

import cv2
import numpy as np

from bench.ocr.real import load
from scanner.tesseract import encode_page, run_tesseract


def test_the_page_crosses_the_pipe_as_pgm_with_its_pixels() -> None:
    [real] = load(("ct16-4-bw",))
    gray = real.image()
    data = encode_page(gray)
    assert data.startswith(b"P5")  # binary PGM: a header, then the rows as they are
    assert len(data) < gray.size + 64
    back = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert back.dtype == np.uint8 and np.array_equal(back, gray)
    band = np.ascontiguousarray(gray[:400, 200:1400])  # a slice of the page, as OSD sends it
    assert np.array_equal(cv2.imdecode(np.frombuffer(encode_page(gray[:400, 200:1400]), np.uint8), 0), band)


def test_tesseract_reads_the_same_words_from_pgm_as_from_png() -> None:
    [real] = load(("ct16-4-bw",))
    band = np.ascontiguousarray(real.image()[:700])  # the heading lines: a short real run
    args = ["-l", "vie", "--dpi", str(real.dpi), "--psm", "3"]
    png = cv2.imencode(".png", band)[1].tobytes()
    from_pgm = run_tesseract([*args, "tsv"], encode_page(band), ("tsv",), timeout=120)
    from_png = run_tesseract([*args, "tsv"], png, ("tsv",), timeout=120)
    assert from_pgm.returncode == 0 and from_png.returncode == 0
    words = [line.split("\t")[-1] for line in from_pgm.outputs["tsv"].decode().splitlines()[1:]]
    assert sum(1 for w in words if w.strip()) > 10
    assert from_pgm.outputs["tsv"] == from_png.outputs["tsv"]
