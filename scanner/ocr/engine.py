"""One Tesseract run on one page: text in reading order, word confidences, and a text-only PDF layer.

pytesseract finds the binary and runs OSD; the recognition itself calls the `tesseract` CLI directly
because one run must write both TSV (text, boxes, confidences) and a text-only PDF page (the
invisible layer of the searchable PDF), and pytesseract's helpers return one output per run.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import pytesseract

from scanner.errors import CancelledError, OcrError, OcrTimeoutError
from scanner.sources.base import Image

logger = logging.getLogger(__name__)

DEFAULT_LANG = "vie"
DEFAULT_TIMEOUT = 120.0


@dataclass
class OcrResult:
    """What Tesseract read on one page. `confidence` is 0-100, or None when nothing was read."""

    text: str
    confidence: float | None
    words: int
    seconds: float
    text_pdf: bytes | None = None
    error: str | None = None  # "timeout" | "failed" when OCR did not finish; the page is still kept


def tesseract_env() -> dict[str, str]:
    """Tesseract's OpenMP threads fight each other on small machines: one thread per process."""
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def parse_tsv(tsv: str) -> tuple[str, float | None, int]:
    """Text in Tesseract's reading order (lines, blank line between blocks), mean word confidence."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    total, weight = 0.0, 0
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        lines.setdefault(key, []).append(cols[11])
        conf = float(cols[10])
        if conf >= 0:
            total += conf * len(cols[11])
            weight += len(cols[11])
    out: list[str] = []
    last_block = None
    for (block, _par, _line), words in lines.items():
        if last_block is not None and block != last_block:
            out.append("")
        out.append(" ".join(words))
        last_block = block
    words_count = sum(len(w) for w in lines.values())
    return "\n".join(out), (round(total / weight, 1) if weight else None), words_count


def _wait(proc: subprocess.Popen[bytes], timeout: float, is_cancelled: Callable[[], bool]) -> None:
    end = time.monotonic() + timeout
    while proc.poll() is None:
        if is_cancelled():
            proc.kill()
            proc.wait()
            raise CancelledError("OCR cancelled by the user")
        if time.monotonic() > end:
            proc.kill()
            proc.wait()
            raise OcrTimeoutError(f"tesseract exceeded {timeout:.0f}s on a page")
        time.sleep(0.02)


def recognize(
    gray: Image,
    dpi: int,
    lang: str = DEFAULT_LANG,
    *,
    want_pdf: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    is_cancelled: Callable[[], bool] = lambda: False,
    psm: int = 3,
) -> OcrResult:
    """Run Tesseract on one gray page; raise OcrTimeoutError / CancelledError / OcrError."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="motcua-ocr-") as tmp:
        src, base = Path(tmp) / "page.pgm", Path(tmp) / "out"
        if not cv2.imwrite(str(src), gray):
            raise OcrError("could not write the page for tesseract")
        cmd = [pytesseract.pytesseract.tesseract_cmd, str(src), str(base), "-l", lang, "--dpi", str(dpi)]
        cmd += ["--psm", str(psm)]
        cmd += ["-c", "textonly_pdf=1", "tsv", "pdf"] if want_pdf else ["tsv"]
        try:
            proc = subprocess.Popen(
                cmd, env=tesseract_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        except OSError as exc:
            raise OcrError(f"tesseract could not start: {exc}") from exc
        _wait(proc, timeout, is_cancelled)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.returncode != 0 or not base.with_suffix(".tsv").exists():
            raise OcrError(f"tesseract failed with code {proc.returncode}: {err.strip()[:200]}")
        text, confidence, words = parse_tsv(base.with_suffix(".tsv").read_text(encoding="utf-8"))
        pdf = base.with_suffix(".pdf").read_bytes() if want_pdf else None
    return OcrResult(text, confidence, words, time.perf_counter() - start, pdf)
