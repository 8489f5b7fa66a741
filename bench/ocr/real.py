"""The real-page corpus (bench/ocr/real): public scans and photos of Vietnamese administrative documents.

Each page is `<name>.jpg` or `<name>.png` with `<name>.gt.txt`: lines of the page transcribed by eye
(the header block and the first paragraphs, not always the whole page; see real/PROVENANCE.md).
Because the truth is a set of lines, a page is scored by `line_cer`: every truth line is looked up
in the OCR text wherever it lies (reading order of a two-column header differs between engines) and
its edit distance to the best-matching stretch is counted. A line cut away by a bad crop costs its
whole length. `ct2770.pdf` and `ct2352.pdf` are two of the scanned PDFs as published.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

REAL_DIR = Path(__file__).parent / "real"
DPI = 200
GRAY_DOCS = ("ct2770", "ct2352", "ct11-", "ct16")
# Pages holding a ruled frame (the "ĐẾN" incoming-document stamp box) with text beside and below it.
FRAMED = ("ct2770-1", "ct2352-1")
PDFS = {"ct2770.pdf": ("ct2770-1", "ct2770-2", "ct2770-3"), "ct2352.pdf": ("ct2352-1", "ct2352-2")}
# Colour pages with a red seal (con dấu) of the People's Committee over the signature, beside and
# below text lines (the seal's ring runs into the signer's title and name).
STAMPED = (
    "bc23-2", "bc280-2", "ct04-4", "ct05-2", "ttr01-1", "ttr09-3",
    "ttr22-1", "ttr24-1", "ub299-1", "ub574-1", "ub575-1",
)  # fmt: skip
# First pages whose number and day were filled in by hand into the printed header
# ("Số: 22 /TTr-UBND", "Quảng Ngãi, ngày 05 tháng 02 năm 2025").
HANDWRITTEN = (
    "bc23-1", "bc280-1", "ct04-1", "ct11-1", "ct11s-1", "ct16-1", "ct2352-1", "ct2770-1", "tb660-1",
    "ttr01-1", "ttr09-1", "ttr22-1", "ttr239-1", "ttr24-1", "ub299-1", "ub574-1", "ub575-1",
)  # fmt: skip
FEATURES = {"stamp": STAMPED, "handwriting": HANDWRITTEN}
# Real phone photos, not scans (kind "photo"): ph-nd30-1 and ph-th4113-1 are pages of state documents
# photographed close up (the page fills the frame, a finger at the edge of one); ph-toc-1 is a whole
# sheet lying on a wooden desk (an English page: no Vietnamese one on a desk was found under an open
# licence), with the sheet's corners marked by hand in PHOTO_CORNERS.
PHOTOS = ("ph-nd30-1", "ph-th4113-1", "ph-toc-1")
# The sheet's corners in ph-toc-1.jpg (x, y pixels, clockwise from top left), marked by eye.
PHOTO_CORNERS = {"ph-toc-1": ((83, 18), (343, 53), (296, 437), (13, 390))}
# Real ruled tables (kind "table"): tb-tt01-1 is two fully ruled tables side by side, typed (a
# screen capture of a word-processor page, not a scan), the parts of an administrative document;
# tb-rm646-7 is a real 1-bit scan at 150 dpi of a page whose title sits above four closed
# ruled tables side by side (an English technical report: no Vietnamese scan of a title above a
# closed ruled table was found under an open licence, see real/PROVENANCE.md).
TABLES = ("tb-rm646-7", "tb-tt01-1")
# Real scans with a title above a closed ruled table (what a bad page finding cropped away).
TITLED_TABLES = ("tb-rm646-7",)
# Pages not scanned at DPI (the dpi their file records).
PAGE_DPI = {"tb-rm646-7": 150}


@dataclass
class RealPage:
    name: str
    kind: str  # "color" | "gray" | "bw" (flatbed scans), "photo" (phone photos), "table" (ruled tables)
    path: Path
    lines: list[str]

    @property
    def features(self) -> tuple[str, ...]:
        """What else the page holds: "stamp" (a red seal), "handwriting" (filled in by hand)."""
        return tuple(f for f, names in FEATURES.items() if self.name in names)

    @property
    def handwritten_lines(self) -> list[str]:
        """The truth lines holding the hand-filled number and day (the header's "Số:" and date)."""
        return [ln for ln in self.lines if ln.startswith("Số") or (", ngày " in ln and " năm " in ln)]

    def image(self) -> np.ndarray:
        img = Image.open(self.path)
        gray = self.kind in ("gray", "bw") or img.mode in ("1", "L")
        return np.asarray(img.convert("L" if gray else "RGB"))

    @property
    def dpi(self) -> int:
        return PAGE_DPI.get(self.name, DPI)


def _kind(name: str, path: Path) -> str:
    if name in PHOTOS:
        return "photo"
    if name in TABLES:
        return "table"
    if path.suffix == ".png":
        return "bw"
    return "gray" if name.startswith(GRAY_DOCS) else "color"


def load(names: tuple[str, ...] | None = None) -> list[RealPage]:
    """The corpus pages in name order (or the named ones)."""
    pages = []
    for truth in sorted(REAL_DIR.glob("*.gt.txt")):
        name = truth.name.removesuffix(".gt.txt")
        if names is not None and name not in names:
            continue
        path = next(p for p in (REAL_DIR / f"{name}.jpg", REAL_DIR / f"{name}.png") if p.exists())
        lines = [ln.strip() for ln in truth.read_text(encoding="utf-8").splitlines() if ln.strip()]
        pages.append(RealPage(name, _kind(name, path), path, lines))
    return pages


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def best_match_distance(pattern: str, text: str) -> int:
    """Edit distance of `pattern` to its best-matching substring of `text` (Sellers' algorithm)."""
    if not pattern:
        return 0
    if not text:
        return len(pattern)
    p = np.frombuffer(pattern.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(1, len(p) + 1, dtype=np.int32)
    column = steps.copy()  # distances for text prefix of length 0: delete the whole pattern prefix
    best = int(column[-1])
    for ch in np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32):
        diagonal = np.concatenate(([0], column[:-1]))
        cand = np.minimum(np.minimum(diagonal + (p != ch), column + 1), steps)
        column = np.minimum.accumulate(cand - steps) + steps  # vertical moves: D[i-1] + 1
        best = min(best, int(column[-1]))
    return best


def line_cer(lines: list[str], text: str) -> float:
    """Summed best-match edit distance of the truth lines over their summed length."""
    flat = _norm(text)
    total = sum(len(_norm(line)) for line in lines)
    errors = sum(best_match_distance(_norm(line), flat) for line in lines)
    return errors / total if total else 0.0


def with_ruled_table(image: np.ndarray, top: float = 0.42, bottom: float = 0.94) -> np.ndarray:
    """The page with a ruled table drawn over its lower part (what a form or a report page holds).

    No real page with a ruled table was found under an open licence; this draws one onto a real scan
    so that page finding meets a bright ruled quadrilateral with the page's own title and text above.
    """
    out = image.copy()
    h, w = out.shape[:2]
    y0, y1, x0, x1 = int(h * top), int(h * bottom), int(w * 0.07), int(w * 0.93)
    ink = (20, 20, 20) if out.ndim == 3 else 20
    thick = max(2, DPI // 100)
    for y in np.linspace(y0, y1, 9).astype(int):
        out[y : y + thick, x0 : x1 + thick] = ink
    for x in (x0, x0 + (x1 - x0) // 8, x0 + (x1 - x0) * 3 // 5, x1):
        out[y0 : y1 + thick, x : x + thick] = ink
    return out
