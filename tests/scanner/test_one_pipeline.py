"""One pipeline: the desk's digitize use case and `python -m scanner ocr` give the same text and pages."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import cv2
import numpy as np

from app.config import blobs_dir
from app.storage import BlobStore
from scanner.processing.geometry import rotate
from tests.conftest import ROOT
from tests.scanner.corpus_helper import make_page, save_png
from ui.ops import digitize
from ui.ops.digitize import DigitizeInput


def _decode(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)


def _inputs(tmp_path: Path) -> list[Path]:
    stamp = save_png(tmp_path / "don.png", make_page("stamp", n_lines=4, seed=3).image)
    phone = tmp_path / "anh-chup.jpg"
    cv2.imwrite(str(phone), cv2.cvtColor(make_page("phone", n_lines=4, seed=4).image, cv2.COLOR_RGB2BGR))
    return [stamp, phone]


def test_desk_and_cli_give_the_same_text_and_page_images(tmp_path: Path) -> None:
    files = _inputs(tmp_path)
    home = tmp_path / "home"
    items: list[dict] = []
    count = digitize.run(
        DigitizeInput(home, paths=tuple(files)), lambda d, t: None, lambda: False, items.append
    )
    assert count == 2 and digitize.shared_pool().workers >= 1  # the desk's worker processes

    out = tmp_path / "cli"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "scanner", "ocr", *map(str, files), "--keep-blank"]
    cmd += ["--text", str(tmp_path / "cli.txt"), "--pages", str(out)]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)

    cli_text = (tmp_path / "cli.txt").read_text(encoding="utf-8")
    assert "\n\f\n".join(item["text"] for item in items) == cli_text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cli_text
    blobs = BlobStore(blobs_dir(home))
    cli_pages = sorted(out.glob("page-*.png"))
    assert len(cli_pages) == 2
    for item, path in zip(items, cli_pages, strict=True):
        desk = _decode(blobs.read_bytes(item["meta"]["sha256"]))
        assert np.array_equal(desk, _decode(path.read_bytes()))
    assert items[0]["meta"]["is_color"]  # the stamp page keeps its colour
    assert items[1]["meta"]["steps"][0]["step"] == "find_page"  # the photo was flattened


def test_the_page_as_scanned_is_kept_and_can_be_restored(tmp_path: Path) -> None:
    page = make_page("clean", n_lines=3, seed=6)
    gray = np.ascontiguousarray(rotate(cv2.cvtColor(page.image, cv2.COLOR_RGB2GRAY), 2.5))  # fed askew
    path = save_png(tmp_path / "quet.png", gray)
    home = tmp_path / "home"
    items: list[dict] = []
    digitize.run(
        DigitizeInput(home, paths=(path,), workers=0), lambda d, t: None, lambda: False, items.append
    )
    [item] = items
    [step] = item["meta"]["steps"]
    assert step["step"] == "deskew" and abs(float(step["degrees"]) + 2.5) < 0.5  # pixels moved, recorded
    blobs = BlobStore(blobs_dir(home))
    original = _decode(blobs.read_bytes(item["meta"]["original"]["sha256"]))
    assert np.array_equal(original, gray)  # the scan itself, pixel for pixel

    restored = digitize.restore_original(home, item["meta"], "vie", lambda: False)
    again = _decode(blobs.read_bytes(restored["meta"]["sha256"]))
    assert np.array_equal(again, gray)
    assert restored["meta"]["steps"] == [] and restored["meta"]["original"] == item["meta"]["original"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in restored["text"]  # read again, from the scan as it was


def test_the_next_job_takes_its_page_while_the_first_hands_over_and_order_is_kept(tmp_path: Path) -> None:
    """Two scan presses: the second job takes its page (and the pool reads it) while the first is
    still busy, and the pages still reach the clerk in the order the jobs started."""
    first, second = _inputs(tmp_path)
    home = tmp_path / "home"
    first_taken, second_taken = threading.Event(), threading.Event()
    order: list[str] = []
    failures: list[str] = []

    def emit_first(item: dict) -> None:
        if not second_taken.wait(60):
            failures.append("the second job could not take its page while the first was busy")
        order.append("first")

    def job(path: Path, taken: threading.Event, emit) -> None:
        try:
            digitize.run(DigitizeInput(home, paths=(path,)), lambda d, t: taken.set(), lambda: False, emit)
        except Exception as exc:  # reported below: an assertion in a thread would be lost
            failures.append(repr(exc))

    a = threading.Thread(target=job, args=(first, first_taken, emit_first))
    a.start()
    assert first_taken.wait(60)  # the first job holds its ticket before the second starts
    b = threading.Thread(target=job, args=(second, second_taken, lambda item: order.append("second")))
    b.start()
    a.join(120)
    b.join(120)
    assert not failures
    assert order == ["first", "second"]
