"""How the page should cross Tesseract's stdin: binary PGM (the code before), PNG, PackBits TIFF (today).

    python -m bench.tesseract_input [--rounds 3] [--pages NAME ...]

For real pages of bench/ocr/real (a colour scan kept gray, a gray scan, a 1-bit scan by default), each
format in turn, alternated round by round: the bytes sent, the milliseconds to encode, and the seconds
from encoding to Tesseract's TSV (`tesseract stdin <pipe> -l vie tsv`, through scanner.tesseract), the
minimum over the rounds. Then whether every format gave the same TSV as the PGM. Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import time

import cv2

from bench.ocr.real import load
from scanner.tesseract import TIFF_PACKBITS, run_tesseract

FORMATS = {
    "PGM (before)": (".pgm", [cv2.IMWRITE_PXM_BINARY, 1]),
    "PNG level 1": (".png", [cv2.IMWRITE_PNG_COMPRESSION, 1]),
    "PNG level 0": (".png", [cv2.IMWRITE_PNG_COMPRESSION, 0]),
    "TIFF PackBits (today)": (".tif", TIFF_PACKBITS),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", nargs="+", default=["bc23-2", "ct16-2", "ct2352-2-bw"])
    args = parser.parse_args()
    totals = dict.fromkeys(FORMATS, 0.0)
    same = dict.fromkeys(FORMATS, True)
    print("| page | format | KB | encode ms | seconds to TSV |")
    print("| --- | --- | --- | --- | --- |")
    for page in load(tuple(args.pages)):
        image = page.image()
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
        best = dict.fromkeys(FORMATS, float("inf"))
        encode = dict.fromkeys(FORMATS, float("inf"))
        size, tsv = {}, {}
        for _ in range(args.rounds):
            for name, (ext, params) in FORMATS.items():
                start = time.perf_counter()
                ok, data = cv2.imencode(ext, gray, params)
                assert ok, name
                encoded = time.perf_counter()
                run = run_tesseract(
                    ["-l", "vie", "--dpi", str(page.dpi), "--psm", "3", "tsv"],
                    data.tobytes(),
                    ("tsv",),
                    timeout=300,
                )
                best[name] = min(best[name], time.perf_counter() - start)
                encode[name] = min(encode[name], encoded - start)
                size[name], tsv[name] = len(data), run.outputs.get("tsv", b"")
        for name in FORMATS:
            totals[name] += best[name]
            same[name] = same[name] and tsv[name] == tsv["PGM (before)"]
            print(
                f"| {page.name} | {name} | {size[name] // 1024} | {encode[name] * 1000:.1f} | {best[name]:.3f} |"
            )
    print()
    for name in FORMATS:
        print(
            f"{name}: {totals[name]:.2f} s for {len(args.pages)} pages "
            f"({totals[name] / totals['PGM (before)']:.3f} of PGM), same TSV as PGM: {same[name]}"
        )


if __name__ == "__main__":
    main()
