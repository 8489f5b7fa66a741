"""One Tesseract run on one page: text in reading order, word confidences, and a text-only PDF layer.

The recognition calls the `tesseract` CLI through `scanner.tesseract` because one run must give both
TSV (text, boxes, confidences) and a text-only PDF page (the invisible layer of the searchable PDF),
and because the page and its text must not touch the disk: it goes in on stdin, both outputs come back
through pipes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from scanner.errors import OcrError
from scanner.sources.base import Image
from scanner.tesseract import encode_page, run_tesseract

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
    args = ["-l", lang, "--dpi", str(dpi), "--psm", str(psm)]
    args += ["-c", "textonly_pdf=1", "tsv", "pdf"] if want_pdf else ["tsv"]
    outputs = ("tsv", "pdf") if want_pdf else ("tsv",)
    run = run_tesseract(args, encode_page(gray), outputs, timeout=timeout, is_cancelled=is_cancelled)
    tsv = run.outputs.get("tsv", b"")
    if run.returncode != 0 or not tsv:
        raise OcrError(f"tesseract failed with code {run.returncode}: {run.stderr.strip()[:200]}")
    text, confidence, words = parse_tsv(tsv.decode("utf-8"))
    pdf = run.outputs.get("pdf") or None
    return OcrResult(text, confidence, words, time.perf_counter() - start, pdf)
