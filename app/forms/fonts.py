"""The forms' fonts, parsed once per process.

`FPDF.add_font` parses the TrueType file (fontTools) for each document: cmap, metrics, glyph table,
about 8 ms a style, 4 styles a form and up to 4 tries a receipt (app.forms.receipt sets a long slip
smaller). Here the parse is done once per file and style; each document then gets its own `TTFFont`
built from that parse, because fpdf2 keeps per-document state in it: the subset of glyphs drawn, the
missing glyphs, the font descriptor it numbers and fills at output, and the fontTools font it subsets
in place and closes at output. What two documents share is only what fpdf2 never changes (names,
metrics, the file's bytes), so two forms can be built at the same time in two threads.

The document's fontTools font is opened lazily on the cached bytes of the file, so the subset
fpdf2 embeds is made from the same font as `add_font` would give: the same glyphs and the same bytes.
Those bytes leave out the OpenType layout tables fpdf2 drops from every subset anyway (GDEF, GSUB,
GPOS), which fontTools' subsetter would otherwise decompile at each output before dropping them.
Fonts this does not cover (a variable, colour, CFF or compressed font, one without a `.notdef`
glyph, or an fpdf2 whose `TTFFont` has other fields than this module knows) go through `add_font`.
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

# the fields of fpdf2's TTFFont (2.8): never changed after the parse, shared between documents ...
_SHARED = (
    "type", "name", "sp", "ss", "up", "ut", "ttffile", "fontkey", "emphasis", "scale",
    "palette_index", "is_compressed", "is_cff", "is_cid_keyed", "is_symbol", "cff_ros",
    "collection_font_number",
)  # fmt: skip
# ... and each document's own: its number, its fontTools font (subset in place at output), the
# descriptor output fills, the glyphs drawn and missing, the widths (a defaultdict: a lookup adds)
_OWN = (
    "i", "ttfont", "desc", "cw", "cmap", "glyph_ids", "subset", "missing_glyphs", "biggest_size_pt",
    "_hbfont", "color_font",
)  # fmt: skip
_NEVER_SET = ("unicode_range",)  # a slot TTFFont.__init__ leaves empty


@dataclass(frozen=True)
class Parsed:
    """One style of a font file as fpdf2 parsed it (its fontTools font closed), and the file's bytes
    without the tables the output drops."""

    font: TTFFont
    data: bytes


_lock = threading.Lock()
_parsed: dict[tuple[Path, str, str], Parsed | None] = {}


def add_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """As `pdf.add_font(family, style, path)`, from the parse cached for this process."""
    style = "".join(sorted(style.upper()))
    fontkey = f"{family.lower()}{style}"
    if fontkey in pdf.fonts:
        return
    parsed = parsed_font(path, fontkey, style)
    if parsed is None:
        pdf.add_font(family, style, str(path))
        return
    pdf.fonts[fontkey] = document_font(pdf, parsed)


def parsed_font(path: Path, fontkey: str, style: str) -> Parsed | None:
    """The cached parse of `path` for `fontkey`, made on first use; None for a font this cannot share."""
    key = (path.resolve(), fontkey, style)
    with _lock:  # two documents started at once parse the file once
        if key not in _parsed:
            _parsed[key] = _parse(key[0], fontkey, style)
        return _parsed[key]


def _parse(path: Path, fontkey: str, style: str) -> Parsed | None:
    if set(TTFFont.__slots__) != {*_SHARED, *_OWN, *_NEVER_SET}:
        return None  # another fpdf2: what is safe to share is not known
    data = path.read_bytes()
    probe = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    if "fvar" in probe or ("glyf" in probe and ".notdef" not in probe.getGlyphOrder()):
        return None  # a variable font, or one TTFFont would draw a .notdef glyph into
    font = TTFFont(FPDF(), path, fontkey, style)
    font.ttfont.close()  # each document opens its own
    if font.is_cff or font.is_compressed or font.color_font is not None:
        return None
    return Parsed(font, without(data, UNUSED_AT_OUTPUT))


# tables fpdf2's output drops from each subset it embeds (it shapes text, when asked, from the file),
# which fontTools' subsetter still decompiles before dropping them: left out of the cached bytes
UNUSED_AT_OUTPUT = ("GDEF", "GSUB", "GPOS")


def without(data: bytes, tags: tuple[str, ...]) -> bytes:
    """The font file `data` without the tables `tags` (the others copied as they are)."""
    font = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    for tag in tags:
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def document_font(pdf: FPDF, parsed: Parsed) -> TTFFont:
    """A `TTFFont` for `pdf` alone: the parse's immutable fields, the rest new or copied."""
    base = parsed.font
    font = TTFFont.__new__(TTFFont)
    for name in _SHARED:
        setattr(font, name, getattr(base, name))
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(io.BytesIO(parsed.data), recalcTimestamp=False, lazy=True)
    font.desc = copy.copy(base.desc)
    font.cw = copy.copy(base.cw)  # a defaultdict still
    font.cmap = dict(base.cmap)
    font.glyph_ids = dict(base.glyph_ids)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.color_font = None
    font.subset = SubsetMap(font)
    return font
