"""Raw Tesseract, OCRmyPDF 17 and the pipeline on the same pages in one run: CER, time, size, readers.

    python -m bench.ocr.compare [--real-only | --synthetic-only] [--kind color|gray|bw|photo|table]
        [--limit N] [--pages NAME ...] [--without-ocrmypdf]

For each page: raw `tesseract -l vie` (the image as is, its own searchable PDF), `ocrmypdf -l vie
--deskew --rotate-pages` (and `--clean` when unpaper is installed), and the pipeline (clean-up, OCR,
scanner.pdf). Prints one table per page kind: CER (line-wise on the real corpus, see bench/ocr/real.py;
whole-page on the synthetic one), seconds per page, PDF KB per page, and whether Poppler, MuPDF and
PDFium each draw every PDF without an error line; then the pages where the pipeline reads worse than
raw Tesseract by more than 0.005, the phone photos where it does not halve raw Tesseract's CER, and
the pages whose pipeline PDF is over the KB goal or not smaller than OCRmyPDF's.
Timings depend on what else runs on the machine; `--without-ocrmypdf`
leaves OCRmyPDF out (a timing run of raw Tesseract against the pipeline, repeated or interleaved with
another build, where OCRmyPDF's minute per page would only add load), and prints the ratio of the
pipeline's seconds to raw Tesseract's per page kind, in wall-clock seconds and in CPU seconds (this
process and the Tesseract it ran, user and system). On a shared 2-core machine both move with the
load by about ±0.05 between runs of the same tree; compare trees in alternated runs. Then, for the
phone photos, each photo's pipeline CER as a share of raw Tesseract's and the kind's mean.

Real pages are counted under their kind: flatbed scans ("real color", "real gray", "real bw"), phone
photos ("real photo") and ruled tables ("real table"), and again under what they hold: "real stamp"
(a red seal), "real handwriting" (number and day filled in by hand; CER on those two lines only).
The real photos and the real table are few (bench/ocr/real/PROVENANCE.md): "derived table" and
"derived phone photo" are real scans with a ruled table drawn on them, or made into a phone photo on
a desk (bench/ocr/real.py, bench/ocr/corpus.py), named as such and kept as regressions.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from bench.ocr.corpus import KINDS, cer, make_page, to_phone_photo
from bench.ocr.readers import render_all
from bench.ocr.real import line_cer, load, with_ruled_table
from scanner.ocr import OcrOptions
from scanner.ocr.worker import process_page
from scanner.pdf import PdfPage, build_pdf
from scanner.sources.base import ScanSettings
from scanner.sources.files import FileSource
from scanner.tesseract import tesseract_env

ENGINES = ("raw Tesseract", "OCRmyPDF", "pipeline")
TIMEOUT = 600
KB_GOAL_TEXT, KB_GOAL_STAMP = 100, 200  # issue 9: a text page, a colour page with a stamp


@dataclass
class Case:
    kind: str
    name: str
    path: Path  # the page as a file, as the desk would import it
    score: Callable[[str], float]
    also: dict[str, Callable[[str], float]] | None = None  # more kinds the page counts under


@dataclass
class Run:
    cer: float
    seconds: float
    pdf: Path
    text: str = ""
    cpu: float = 0.0  # CPU seconds of this process and its finished children (Tesseract)


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _raw(case: Case, out: Path) -> Run:
    page = next(FileSource([case.path]).scan(ScanSettings(), lambda d, t: None, lambda: False))
    gray = cv2.cvtColor(page.image, cv2.COLOR_RGB2GRAY) if page.image.ndim == 3 else page.image
    src = out / "raw.png"
    cv2.imwrite(str(src), gray)
    start, cpu = time.perf_counter(), _cpu()
    cmd = ["tesseract", str(src), str(out / "raw"), "-l", "vie", "--dpi", str(page.dpi), "txt", "pdf"]
    subprocess.run(cmd, env=tesseract_env(), capture_output=True, timeout=TIMEOUT, check=True)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    text = (out / "raw.txt").read_text(encoding="utf-8")
    return Run(case.score(text), seconds, out / "raw.pdf", text, cpu)


def _ocrmypdf(case: Case, out: Path) -> Run:
    page = next(FileSource([case.path]).scan(ScanSettings(), lambda d, t: None, lambda: False))
    cmd = [
        sys.executable,
        "-m",
        "ocrmypdf",
        "-q",
        "-j",
        "1",
        "-l",
        "vie",
        "--deskew",
        "--rotate-pages",
        "--image-dpi",
        str(page.dpi),
    ]
    cmd += ["--clean"] if shutil.which("unpaper") else []
    cmd += ["--sidecar", str(out / "omp.txt"), str(case.path), str(out / "omp.pdf")]
    start = time.perf_counter()
    subprocess.run(cmd, env=tesseract_env(), capture_output=True, timeout=TIMEOUT, check=True)
    seconds = time.perf_counter() - start
    text = (out / "omp.txt").read_text(encoding="utf-8")
    return Run(case.score(text), seconds, out / "omp.pdf", text)


def _pipeline(case: Case, out: Path) -> Run:
    start, cpu = time.perf_counter(), _cpu()
    page = next(FileSource([case.path]).scan(ScanSettings(), lambda d, t: None, lambda: False))
    r = process_page(0, page.image, page.dpi, OcrOptions(), photo=page.photo)
    text_pdf = r.ocr.text_pdf if r.ocr else None
    pdf = build_pdf([PdfPage(r.page.gray, r.page.dpi, r.page.color, r.page.is_photo, text_pdf)])
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    (out / "pipe.pdf").write_bytes(pdf)
    text = r.ocr.text if r.ocr else ""
    return Run(case.score(text), seconds, out / "pipe.pdf", text, cpu)


def _cases(
    real: bool,
    synthetic: bool,
    limit: int | None,
    tmp: Path,
    names: tuple[str, ...] | None = None,
    kind: str | None = None,
) -> list[Case]:
    cases: list[Case] = []
    if real:
        pages = [p for p in load(names) if kind is None or p.kind == kind]
        for p in pages[:limit] if limit else pages:
            also: dict[str, Callable[[str], float]] = {}
            if "stamp" in p.features:
                also["real stamp"] = lambda t, p=p: line_cer(p.lines, t)
            if "handwriting" in p.features:
                also["real handwriting"] = lambda t, p=p: line_cer(p.handwritten_lines, t)
            cases.append(Case(f"real {p.kind}", p.name, p.path, lambda t, p=p: line_cer(p.lines, t), also))
        for p in load(("bc280-1", "ttr22-1")) if kind is None else ():  # a --kind run times scans only
            table = tmp / f"{p.name}-table.png"
            Image.fromarray(with_ruled_table(p.image())).save(table, dpi=(p.dpi, p.dpi))
            score = lambda t, p=p: line_cer(p.lines, t)  # noqa: E731
            cases.append(Case("derived table", f"{p.name}-table", table, score))
            sheet = cv2.resize(p.image(), (2480, 3508), interpolation=cv2.INTER_CUBIC)
            photo = tmp / f"{p.name}-photo.jpg"
            Image.fromarray(to_phone_photo(sheet, 3)).save(photo, quality=90)
            cases.append(Case("derived phone photo", f"{p.name}-photo", photo, score))
    if synthetic:
        for kind in KINDS:
            page = make_page(kind, 30, seed=1)
            path = tmp / f"synthetic-{kind}.{'jpg' if kind == 'phone' else 'png'}"
            Image.fromarray(page.image).save(path, dpi=(page.dpi, page.dpi), quality=90)
            cases.append(Case(f"synthetic {kind}", kind, path, lambda t, page=page: cer(page.text, t)))
    return cases


def _renders(pdf: Path) -> tuple[bool, bool, bool]:
    r = render_all(pdf, 50)
    return r["poppler"].ok, r["mupdf"].ok, r["pdfium"].ok


def _table(rows: dict[tuple[str, str], list[tuple[float, float, float, tuple[bool, bool, bool]]]]) -> None:
    print("| page kind | engine | pages | CER | s/page | KB/page | Poppler | MuPDF | PDFium |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in sorted({k for k, _e in rows}):
        for engine in ENGINES:
            values = rows.get((kind, engine), [])
            if not values:
                continue
            m = [float(np.mean([v[i] for v in values])) for i in range(3)]
            ok = [sum(v[3][i] for v in values) for i in range(3)]
            drawn = " | ".join(f"{n}/{len(values)}" for n in ok)
            print(
                f"| {kind} | {engine} | {len(values)} | {m[0]:.3f} | {m[1]:.2f} | {m[2] / 1024:.0f} | {drawn} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real-only", action="store_true")
    parser.add_argument("--synthetic-only", action="store_true")
    kinds = ("color", "gray", "bw", "photo", "table")
    parser.add_argument("--kind", choices=kinds, help="real pages of this kind only")
    parser.add_argument("--limit", type=int, default=None, help="real pages at most")
    parser.add_argument("--pages", nargs="+", default=None, help="only these real pages (by name)")
    parser.add_argument("--without-ocrmypdf", action="store_true", help="raw Tesseract and the pipeline only")
    args = parser.parse_args()
    rows: dict[tuple[str, str], list[tuple[float, float, float, tuple[bool, bool, bool]]]] = defaultdict(list)
    worse: list[str] = []
    not_halved: list[str] = []
    over_size: list[str] = []
    cpu: dict[tuple[str, str], float] = defaultdict(float)
    photo_cer: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp_name:
        tmp = Path(tmp_name)
        names = tuple(args.pages) if args.pages else None
        for case in _cases(not args.synthetic_only, not args.real_only, args.limit, tmp, names, args.kind):
            out = tmp / case.name
            out.mkdir(exist_ok=True)
            if args.without_ocrmypdf:
                runs = {"raw Tesseract": _raw(case, out), "pipeline": _pipeline(case, out)}
            else:
                runs = dict(
                    zip(ENGINES, (_raw(case, out), _ocrmypdf(case, out), _pipeline(case, out)), strict=True)
                )
            for engine, run in runs.items():
                drawn = _renders(run.pdf)
                rows[(case.kind, engine)].append((run.cer, run.seconds, run.pdf.stat().st_size, drawn))
                cpu[(case.kind, engine)] += run.cpu
                for kind, score in (case.also or {}).items():
                    rows[(kind, engine)].append((score(run.text), run.seconds, run.pdf.stat().st_size, drawn))
                    cpu[(kind, engine)] += run.cpu
            versus = f"{case.name} ({runs['pipeline'].cer:.3f} vs raw {runs['raw Tesseract'].cer:.3f})"
            if runs["pipeline"].cer > runs["raw Tesseract"].cer + 0.005:
                worse.append(versus)
            kb = runs["pipeline"].pdf.stat().st_size / 1024
            stamped = case.kind == "synthetic stamp" or bool(case.also and "real stamp" in case.also)
            goal = KB_GOAL_STAMP if stamped else KB_GOAL_TEXT
            omp = runs.get("OCRmyPDF")
            omp_kb = omp.pdf.stat().st_size / 1024 if omp else None
            if kb > goal or (omp_kb is not None and kb >= omp_kb):
                over_size.append(f"{case.name} ({kb:.0f} KB, goal {goal}, OCRmyPDF {omp_kb or 0:.0f} KB)")
            is_photo = "photo" in case.kind or case.kind == "synthetic phone"
            if is_photo and runs["pipeline"].cer > 0.5 * runs["raw Tesseract"].cer:
                not_halved.append(versus)
            if is_photo:
                photo_cer[case.kind].append(runs["pipeline"].cer / max(runs["raw Tesseract"].cer, 1e-9))
            print(
                f"  {case.kind:16s} {case.name:12s} "
                + "  ".join(
                    f"{e}: {r.cer:.3f} {r.seconds:.1f}s {r.pdf.stat().st_size // 1024}KB"
                    for e, r in runs.items()
                ),
                flush=True,
            )
    print()
    _table(rows)
    print()
    for kind in sorted({k for k, _e in rows}):
        raw = sum(v[1] for v in rows[(kind, "raw Tesseract")])
        pipe = sum(v[1] for v in rows[(kind, "pipeline")])
        ratio_cpu = cpu[(kind, "pipeline")] / max(cpu[(kind, "raw Tesseract")], 1e-9)
        print(f"pipeline time / raw Tesseract time, {kind}: {pipe / raw:.3f} wall-clock, {ratio_cpu:.3f} CPU")
    print(f"\npipeline worse than raw Tesseract + 0.005 on: {', '.join(worse) if worse else 'no page'}")
    print(f"phone photos where the pipeline does not halve raw's CER: {', '.join(not_halved) or 'none'}")
    print(
        f"pipeline pages over the KB goal ({KB_GOAL_TEXT} KB, {KB_GOAL_STAMP} with a stamp) or not smaller "
        f"than OCRmyPDF's: {', '.join(over_size) or 'none'}"
    )
    for kind, shares in sorted(photo_cer.items()):
        raw_mean = sum(v[0] for v in rows[(kind, "raw Tesseract")]) / len(rows[(kind, "raw Tesseract")])
        pipe_mean = sum(v[0] for v in rows[(kind, "pipeline")]) / len(rows[(kind, "pipeline")])
        print(
            f"{kind}, the kind as a whole: pipeline CER {pipe_mean:.3f} against raw {raw_mean:.3f} "
            f"({pipe_mean / max(raw_mean, 1e-9):.2f} of raw); per page "
            + ", ".join(f"{share:.2f}" for share in shares)
        )


if __name__ == "__main__":
    main()
