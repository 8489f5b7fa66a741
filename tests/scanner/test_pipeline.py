"""scan_document end to end: SANE test scanner, files, a fake camera behind the real CameraSource."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pypdfium2 as pdfium

from scanner.ocr import OcrOptions
from scanner.pipeline import scan_document
from scanner.sources.base import ScanSettings, ScanSource
from scanner.sources.camera import CameraSource, list_cameras
from scanner.sources.files import FileSource
from scanner.sources.sane import SaneSource
from tests.conftest import ROOT
from tests.scanner.corpus_helper import cer, make_page, save_png


class FakeCapture:
    """Stands in for cv2.VideoCapture (no camera on this machine): yields BGR frames of a photo."""

    def __init__(self, frame_rgb: np.ndarray | None) -> None:
        self.frame = None if frame_rgb is None else cv2.cvtColor(frame_rgb, cv2.COLOR_RGB2BGR)
        self.released = False

    def isOpened(self) -> bool:
        return self.frame is not None

    def read(self):
        return True, self.frame.copy()

    def set(self, prop, value) -> bool:
        return True

    def release(self) -> None:
        self.released = True


def test_sane_adf_grid_pages_become_one_pdf_without_ocr_text(tmp_path):
    source = SaneSource("sane:test:0", {"test_picture": "Grid"})
    settings = ScanSettings(dpi=75, mode="gray", source="adf", max_pages=2)
    doc = scan_document(source, settings, options=OcrOptions(find_page=False), workers=0)
    assert len(doc.pages) == 2 and doc.pdf is not None
    assert len(pdfium.PdfDocument(doc.pdf)) == 2
    assert doc.page_summaries()[0]["dpi"] == 300  # upscaled for OCR


def test_camera_photo_is_flattened_and_read():
    page = make_page("phone", n_lines=4, seed=5)
    capture = FakeCapture(page.image)
    source = CameraSource("camera:0", open_capture=lambda index: capture)
    assert isinstance(source, ScanSource)
    assert [d.id for d in list_cameras(lambda i: FakeCapture(page.image if i == 0 else None))] == ["camera:0"]
    doc = scan_document(source, ScanSettings(), workers=0)
    assert capture.released
    assert doc.pages[0].page.page_found
    assert cer(page.text, doc.pages[0].ocr.text) < 0.05


def test_blank_pages_are_dropped_and_counted(tmp_path):
    text = save_png(tmp_path / "p1.png", make_page("clean", n_lines=3).image)
    blank = save_png(tmp_path / "p2.png", make_page("blank").image)
    doc = scan_document(
        FileSource([text, blank]), options=OcrOptions(want_pdf=False), workers=0, make_pdf=False
    )
    assert len(doc.pages) == 1 and doc.dropped_blank == 1


def test_cli_scan_writes_one_file_per_page(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "scanner", "scan", "--device", "sane:test:0", "--dpi", "50", "--mode", "bw"]
    subprocess.run(
        [*cmd, "--source", "adf", "--out", str(out)], cwd=ROOT, env=env, check=True, capture_output=True
    )
    assert len(list(out.glob("page-*.png"))) == 10


def test_cli_ocr_writes_text_pdf_and_json(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    page = make_page("stamp", n_lines=3, seed=2)
    src = save_png(tmp_path / "in.png", page.image)
    cmd = [sys.executable, "-m", "scanner", "ocr", str(src), "--workers", "0"]
    cmd += [
        "--text",
        str(tmp_path / "o.txt"),
        "--pdf",
        str(tmp_path / "o.pdf"),
        "--json",
        str(tmp_path / "o.json"),
    ]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    assert cer(page.text, (tmp_path / "o.txt").read_text(encoding="utf-8")) < 0.05
    info = json.loads((tmp_path / "o.json").read_text())
    first = info["pages"][0]
    assert first["is_color"] and not first["is_blank"] and first["ocr_confidence"] > 80
    assert {"rotation", "skew", "timings"} <= set(first)
    assert (tmp_path / "o.pdf").read_bytes().startswith(b"%PDF")


def test_cli_ocr_on_a_bad_file_prints_a_vietnamese_message(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0 broken")
    res = subprocess.run(
        [sys.executable, "-m", "scanner", "ocr", str(tmp_path / "bad.jpg")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 1 and "hỏng" in res.stderr
