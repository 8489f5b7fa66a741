"""OCR bench: raw Tesseract vs the pipeline on the synthetic corpus, throughput, PDF size, memory.

    python -m bench.ocr.run [--pages N] [--lines N]

Prints per kind: CER and seconds/page for raw Tesseract (the input image as is, `vie`, psm 3) and for
the pipeline (clean-up + OCR + text layer) in the same run; PDF bytes/page; then pages/minute with
1 and 2 worker processes and peak memory. Timings depend on what else runs on the machine.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import defaultdict

import cv2

from bench.ocr.corpus import KINDS, CorpusPage, cer, make_page
from scanner.ocr import OcrOptions, OcrPool, recognize
from scanner.ocr.worker import process_page
from scanner.pdf import PdfPage, build_pdf


def _raw(page: CorpusPage) -> tuple[float, float]:
    gray = cv2.cvtColor(page.image, cv2.COLOR_RGB2GRAY)
    start = time.perf_counter()
    result = recognize(gray, page.dpi, want_pdf=False)
    return cer(page.text, result.text), time.perf_counter() - start


def _pipeline(page: CorpusPage) -> tuple[float, float, int]:
    start = time.perf_counter()
    r = process_page(0, page.image, page.dpi, OcrOptions())
    seconds = time.perf_counter() - start
    text = r.ocr.text if r.ocr else ""
    pdf = build_pdf(
        [PdfPage(r.page.gray, r.page.dpi, r.page.color, r.page.is_photo, r.ocr.text_pdf if r.ocr else None)]
    )
    return cer(page.text, text), seconds, len(pdf)


def _throughput(corpus: list[CorpusPage], workers: int) -> float:
    with OcrPool(workers) as pool:
        list(pool.run([(corpus[0].image, corpus[0].dpi)], OcrOptions()))  # start the workers first
        start = time.perf_counter()
        list(pool.run(((p.image, p.dpi) for p in corpus), OcrOptions()))
        return len(corpus) / (time.perf_counter() - start) * 60


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2, help="pages per kind")
    parser.add_argument("--lines", type=int, default=30, help="text lines per page")
    args = parser.parse_args()
    corpus = [make_page(k, args.lines, seed=s) for k in KINDS for s in range(1, args.pages + 1)]
    rows: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    for page in corpus:
        raw_cer, raw_s = _raw(page)
        pipe_cer, pipe_s, pdf_bytes = _pipeline(page)
        rows[page.kind].append((raw_cer, raw_s, pipe_cer, pipe_s, pdf_bytes))
    print("| kind | raw CER | raw s/page | pipeline CER | pipeline s/page | time ratio | PDF KB/page |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind, values in rows.items():
        m = [sum(v[i] for v in values) / len(values) for i in range(5)]
        print(
            f"| {kind} | {m[0]:.3f} | {m[1]:.2f} | {m[2]:.3f} | {m[3]:.2f} | {m[3] / m[1]:.2f} | {m[4] / 1024:.0f} |"
        )
    one = _throughput(corpus, 1)
    two = _throughput(corpus, 2)
    print(
        f"\npages/minute (pipeline incl. text layer, {len(corpus)} pages): 1 worker {one:.1f}, 2 workers {two:.1f}, ratio {two / one:.2f}"
    )
    main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: bench process {main_mb:.0f} MB, largest worker/tesseract child {child_mb:.0f} MB")


if __name__ == "__main__":
    main()
