"""Real Tesseract reads a page and finds its orientation without the page or its text touching the disk."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import cv2
import pytest

from scanner.errors import OcrError
from scanner.ocr import recognize
from scanner.processing.orientation import detect_rotation
from tests.scanner.corpus_helper import make_page

IMAGE_MAGIC = (b"\x89PNG", b"P5\n", b"P6\n", b"II*\x00", b"MM\x00*", b"BM")


class TempWatcher:
    """Looks through the temporary folder, over and over while OCR runs, for what a page leaves there."""

    def __init__(self, root: Path, needle: str) -> None:
        self.root, self.needle = root, needle.encode("utf-8")
        self.leaks: set[str] = set()
        self.fifos = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def look(self) -> bool:
        for path in self.root.rglob("*"):
            try:
                mode = path.lstat().st_mode
                if stat.S_ISFIFO(mode):
                    self.fifos += 1
                elif stat.S_ISREG(mode):
                    data = path.read_bytes()  # a FIFO is never opened here: only regular files are read
                    kind = (
                        "image" if data.startswith(IMAGE_MAGIC) else "text" if self.needle in data else "file"
                    )
                    self.leaks.add(f"{kind}:{path.name}")
            except OSError:  # gone between listing and reading
                continue
        return False  # also serves as is_cancelled: never cancels

    def _loop(self) -> None:
        while not self._stop.wait(0.002):
            self.look()

    def __enter__(self) -> TempWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def temp_root(tmp_path, monkeypatch):
    """Python's and the child's temporary folder, empty, so anything found there came from OCR."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    monkeypatch.setenv("TMPDIR", str(root))
    return root


def _gray(image):
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image


def test_recognize_leaves_no_page_or_text_in_the_temporary_folder(temp_root):
    page = make_page("clean", n_lines=5, seed=7)
    needle = "CỘNG HÒA"
    with TempWatcher(temp_root, needle) as watcher:
        result = recognize(_gray(page.image), page.dpi, is_cancelled=watcher.look)
    assert result.text.startswith("CỘNG HÒA XÃ HỘI") and result.text_pdf  # it did read, both outputs
    assert watcher.leaks == set()
    assert watcher.fifos > 0  # the outputs went through pipes the watcher saw, while OCR ran
    assert list(temp_root.iterdir()) == []


def test_orientation_check_leaves_no_page_in_the_temporary_folder(temp_root):
    page = make_page("clean", n_lines=10, seed=3)
    turned = cv2.rotate(_gray(page.image), cv2.ROTATE_90_CLOCKWISE)
    with TempWatcher(temp_root, "CỘNG HÒA") as watcher:
        turn = detect_rotation(turned, page.dpi)
    assert turn == 270
    assert watcher.leaks == set()
    assert list(temp_root.iterdir()) == []


CHILD = """
import signal, sys
import numpy as np
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # as some native libraries leave it in the desk's processes
from scanner.errors import OcrError
from scanner.ocr import recognize
noise = np.random.default_rng(1).integers(0, 256, (3000, 2400), dtype=np.uint8)  # megabytes of PNG
for _ in range(3):
    try:
        recognize(noise, 300, lang="no-such-lang", timeout=30)
    except OcrError:
        pass
print("alive")
"""


def test_a_child_that_dies_before_reading_its_page_does_not_kill_the_caller(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout.strip()) == (0, "alive"), done.stderr[-500:]


def test_a_failed_run_ends_without_waiting_on_its_pipes(temp_root):
    page = make_page("clean", n_lines=2, seed=7)
    with pytest.raises(OcrError, match="code 1"):
        recognize(_gray(page.image), page.dpi, lang="no-such-lang", timeout=30)
    assert os.listdir(temp_root) == []
