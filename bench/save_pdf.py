"""The save job's PDF: `scanner.pdf.build_pdf` of 5 real 1-bit pages within the default 200 KB per page.

    python bench/save_pdf.py [--rounds 8]

What the desk's save job does for a document of 5 text pages (ui/ops/save_dossier.py: each page fitted
to the profile's KB budget, then written), on real scans of bench/ocr/real kept as 1-bit pages. Prints
the seconds of each round and their median; run it alternately in two trees to compare builds.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = ("ct16-4-bw", "ct2352-2-bw", "ct11-1", "ct16-1", "ct16-2")


def main() -> None:
    from bench.ocr.real import load
    from scanner.pdf import PdfPage, build_pdf

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    pages = [PdfPage(p.image(), p.dpi) for p in load(PAGES)]
    build_pdf(pages, kb_per_page=200)  # warm-up: Pillow's plugins, pikepdf
    seconds = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        build_pdf(pages, kb_per_page=200)
        seconds.append(time.perf_counter() - start)
    print(" ".join(f"{s:.3f}" for s in seconds))
    print(
        f"build_pdf of {len(pages)} 1-bit pages at 200 KB per page: median {statistics.median(seconds):.3f} s"
    )


if __name__ == "__main__":
    main()
