"""Searchable PDF: page images under Tesseract's invisible text layer, kept small.

- text pages: 1-bit CCITT G4 at full resolution (the evened-out gray, thresholded only for display;
  OCR already ran on the gray image);
- pages with coloured ink (red stamp, blue signature): mixed raster, a 1-bit G4 mask of the black
  text at full resolution painted over a low-resolution JPEG colour background;
- photographic gray pages (a portrait, a picture): one gray JPEG at 150 dpi;
- with a gray or colour digitization profile (`keep_tones`), every page is mixed raster: the text
  mask over its gray or colour background. Given a KB budget per page, the background is made
  coarser (lower dpi, then lower JPEG quality) until the file fits, never the text mask. A 1-bit
  page over its budget (scanner noise, a dithered picture) is tried with Flate instead of G4, then at
  200 and 150 dpi (text still reads there); `fit_bw_page` says whether it fits, so the desk can tell
  the clerk when it does not. The stream it measured is kept on the page and written as it is: each
  1-bit page is encoded once for a save (tests/scanner/test_pdf_encode_once.py).
Every image XObject names its colour space (DeviceGray for the 1-bit and gray images, DeviceRGB for a
colour background; the text mask is an /ImageMask, which takes none), so Poppler, MuPDF and PDFium all
draw it (tests/test_pdf_readers.py renders every kind with all three). Metadata: title, scan time,
dpi, XMP and an sRGB output intent. Nothing in the file is random (images named in order, /ID from
the content): the same pages and scan time give the same bytes. No PDF/A conformance is claimed:
no validator is installable here (see README, "PDF files").
"""

from __future__ import annotations

import functools
import io
import logging
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import cv2
import numpy as np
import pikepdf
from PIL import Image as PILImage
from PIL import ImageCms

from scanner.processing.classify import color_mask
from scanner.sources.base import Image

logger = logging.getLogger(__name__)

INK_THRESHOLD = 165  # on the evened-out gray: paper ≈ 255, ink well below
BACKGROUND_DPI = 100
PHOTO_DPI = 150
JPEG_QUALITY = 55
# (background dpi, JPEG quality) tried in turn to fit a KB budget; the first is the usual output
BACKGROUNDS = ((BACKGROUND_DPI, JPEG_QUALITY), (75, 45), (60, 35))
# dpi a 1-bit page over its KB budget is tried at, in turn; never below the lowest, where 1-bit text
# still reads (a fax's fine mode is 200 dpi, its normal mode 100)
BW_FIT_DPIS = (200, 150)
PAGE_OVERHEAD = 2048  # page dictionary, content stream, fonts beside the image and text layer


@dataclass(frozen=True)
class BwImage:
    """A 1-bit page image as encoded for the PDF (`fit_bw_page` keeps it, the writer writes it).

    `source` is the gray array it was encoded from: the writer uses the bytes only for that very
    array, so a page whose image was replaced is encoded afresh, never with stale bytes.
    """

    source: Image
    data: bytes
    encoding: str  # "g4" | "flate"
    black_is_1: bool = False  # G4 only: whether black is 1 in `data`


@dataclass
class PdfPage:
    gray: Image
    dpi: int
    color: Image | None = None
    is_photo: bool = False
    text_pdf: bytes | None = None  # Tesseract's text-only page for this image
    keep_tones: bool = False  # a gray or colour profile: the background is kept on every page
    bw_flate: bool = False  # a 1-bit page kept with Flate, smaller than G4 for this page (fit_bw_page)
    # the 1-bit image as fit_bw_page encoded it to measure it: written as it is, not encoded again
    bw_image: BwImage | None = field(default=None, repr=False, compare=False)

    def encoded_bw(self) -> BwImage | None:
        """The kept 1-bit encoding of this very image, in the encoding the page asks for."""
        kept = self.bw_image
        wanted = "flate" if self.bw_flate else "g4"
        if kept is None or kept.source is not self.gray or kept.encoding != wanted:
            return None
        return kept

    @property
    def is_bw(self) -> bool:
        """Kept as one 1-bit image (no colour, no tones, not a photo)."""
        return self.color is None and not self.keep_tones and not self.is_photo


@dataclass(frozen=True)
class BwFit:
    """How a 1-bit page was fitted to its KB budget (`fit_bw_page`)."""

    dpi: int  # the dpi the page image is kept at in the PDF
    kb: int  # the page's size there, image and text layer (KB, rounded up)
    full_kb: int  # its size at its own dpi with G4, before any fitting
    budget_kb: int
    encoding: str  # "g4" | "flate" ("none": not a 1-bit page, not fitted here)

    @property
    def fits(self) -> bool:
        return self.kb <= self.budget_kb

    @property
    def reduced(self) -> bool:
        return self.kb < self.full_kb

    def note(self, dpi: int) -> dict[str, Any]:
        """What the page records (app.services.quality words it for the clerk)."""
        return {
            "note": "kb_budget",
            "kb": self.full_kb,
            "budget_kb": self.budget_kb,
            "stored_kb": self.kb,
            "dpi": dpi,
            "stored_dpi": self.dpi,
            "encoding": self.encoding,
            "fits": self.fits,
        }


def _g4_bytes(black: np.ndarray) -> tuple[bytes, bool]:
    """CCITT G4 data of a bool array (True = ink), and whether black is 1 in it."""
    # a bool array is a mode "1" image as it is (True: white paper); going through an 8-bit copy and
    # convert("1") gave the same bits at 25 times the cost
    bitmap = PILImage.fromarray(np.ascontiguousarray(~np.asarray(black, dtype=bool)))
    buf = io.BytesIO()
    bitmap.save(buf, "TIFF", compression="group4", strip_size=2**31 - 1)
    tiff: Any = PILImage.open(io.BytesIO(buf.getvalue()))
    offset, length = tiff.tag_v2[273][0], tiff.tag_v2[279][0]
    return buf.getvalue()[offset : offset + length], tiff.tag_v2.get(262) == 1


def _flate_bytes(black: np.ndarray) -> bytes:
    """Packed 1-bit rows (1 = white, as DeviceGray reads them), Flate-compressed at its strongest."""
    return zlib.compress(np.packbits(~black, axis=1).tobytes(), 9)


def _encode_bw(gray: Image, encoding: str) -> BwImage:
    black = gray < INK_THRESHOLD
    if encoding == "flate":
        return BwImage(gray, _flate_bytes(black), "flate")
    data, black_is_1 = _g4_bytes(black)
    return BwImage(gray, data, "g4", black_is_1)


def _bw_stream(pdf: pikepdf.Pdf, image: BwImage) -> pikepdf.Stream:
    """The XObject of an encoded 1-bit page image (`BwImage`)."""
    h, w = image.source.shape[:2]
    stream = pikepdf.Stream(pdf, image.data)
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height, stream.BitsPerComponent = w, h, 1
    stream.ColorSpace = pikepdf.Name.DeviceGray
    if image.encoding == "flate":
        stream.Filter = pikepdf.Name.FlateDecode
    else:
        stream.Filter = pikepdf.Name.CCITTFaxDecode
        stream.DecodeParms = pikepdf.Dictionary(K=-1, Columns=w, Rows=h, BlackIs1=image.black_is_1)
    return stream


def flate_bw_stream(pdf: pikepdf.Pdf, black: np.ndarray) -> pikepdf.Stream:
    """A 1-bit image XObject, Flate-compressed (smaller than G4 on noise and dithered pictures)."""
    return _bw_stream(pdf, BwImage(black, _flate_bytes(black), "flate"))


def g4_stream(pdf: pikepdf.Pdf, black: np.ndarray) -> pikepdf.Stream:
    """A 1-bit image XObject, CCITT G4-compressed; `black` is a bool array (True = ink)."""
    data, black_is_1 = _g4_bytes(black)
    return _bw_stream(pdf, BwImage(black, data, "g4", black_is_1))


def _at_dpi(page: PdfPage, dpi: int) -> PdfPage:
    """The page's 1-bit image at `dpi` (same size on paper: the text layer still lies on it).

    Each new pixel is ink when ink covers half of it or more, so strokes keep their weight and an
    isolated speck of dust, smaller than half a new pixel, is gone.
    """
    if dpi >= page.dpi:
        return page
    scale = dpi / page.dpi
    ink = np.where(page.gray < INK_THRESHOLD, 0, 255).astype(np.uint8)
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return replace(page, gray=np.where(small < 128, 0, 255).astype(np.uint8), dpi=dpi)


def fit_bw_page(page: PdfPage, kb_per_page: int, floor_dpi: int = BW_FIT_DPIS[-1]) -> tuple[PdfPage, BwFit]:
    """A 1-bit page within `kb_per_page` if it can be: G4, else Flate, else at 200 then 150 dpi.

    Never below `floor_dpi` (the profile's minimum dpi, or 150): then the smallest it got is kept
    and `BwFit.fits` is False, for the desk to tell the clerk. Pages that are not 1-bit are given
    back as they are.
    """
    text = len(page.text_pdf or b"")
    budget = kb_per_page * 1024

    def kb(image_bytes: int) -> int:
        return -(-(image_bytes + text + PAGE_OVERHEAD) // 1024)

    if not page.is_bw:
        return page, BwFit(page.dpi, 0, 0, kb_per_page, "none")
    # every encoding made here to measure the page is kept on the page it gives back (`bw_image`):
    # the writer writes those bytes, so each page is encoded once for a save, not twice
    as_is = _encode_bw(page.gray, "g4")
    full = kb(len(as_is.data))
    kept = replace(page, bw_image=as_is)
    if full * 1024 <= budget:
        return kept, BwFit(page.dpi, full, full, kb_per_page, "g4")
    best: tuple[int, PdfPage, str] | None = None
    dpis = [page.dpi, *(d for d in BW_FIT_DPIS if max(floor_dpi, BW_FIT_DPIS[-1]) <= d < page.dpi)]
    for dpi in dpis:
        candidate = _at_dpi(page, dpi)
        encoded = {
            "g4": as_is if candidate.gray is page.gray else _encode_bw(candidate.gray, "g4"),
            "flate": _encode_bw(candidate.gray, "flate"),
        }
        encoding = min(encoded, key=lambda k: len(encoded[k].data))
        size = kb(len(encoded[encoding].data))
        if best is None or size < best[0]:
            best = (
                size,
                replace(candidate, bw_flate=encoding == "flate", bw_image=encoded[encoding]),
                encoding,
            )
        if size * 1024 <= budget:
            break
    assert best is not None
    size, fitted, encoding = best
    if size >= full:  # nothing helped: keep the page as it was, at its own dpi
        fitted, size, encoding = kept, full, "g4"
    fit = BwFit(fitted.dpi, size, full, kb_per_page, encoding)
    log = logger.info if fit.fits else logger.warning
    log(
        "1-bit page over its budget: %d KB at %d dpi -> %d KB at %d dpi (%s)",
        full,
        page.dpi,
        size,
        fit.dpi,
        encoding,
    )
    return fitted, fit


def jpeg_stream(pdf: pikepdf.Pdf, image: Image, scale: float, quality: int = JPEG_QUALITY) -> pikepdf.Stream:
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    buf = io.BytesIO()
    PILImage.fromarray(small).save(buf, "JPEG", quality=quality, optimize=True)
    stream = pikepdf.Stream(pdf, buf.getvalue())
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height, stream.BitsPerComponent = small.shape[1], small.shape[0], 8
    stream.ColorSpace = pikepdf.Name.DeviceRGB if small.ndim == 3 else pikepdf.Name.DeviceGray
    stream.Filter = pikepdf.Name.DCTDecode
    return stream


def _images(
    pdf: pikepdf.Pdf, page: PdfPage, background: tuple[int, int] = BACKGROUNDS[0]
) -> list[tuple[pikepdf.Stream, bool]]:
    """(XObject, is_mask) pairs to paint, bottom first."""
    if page.color is not None or page.keep_tones:
        tones = page.color if page.color is not None else page.gray
        ink = page.gray < INK_THRESHOLD
        if page.color is not None:
            ink &= color_mask(page.color) == 0
        mask = g4_stream(pdf, ink)
        mask.ImageMask = True
        del mask.ColorSpace  # a stencil mask takes the fill colour, never a colour space
        del mask.DecodeParms.BlackIs1
        mask.Decode = pikepdf.Array([1, 0])
        # The mask carries the black text; lifting it from the background leaves paper and coloured
        # ink there, which JPEG keeps in far fewer bytes.
        halo = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        back = tones.copy()
        back[halo] = 255
        dpi, quality = background
        return [(jpeg_stream(pdf, back, dpi / page.dpi, quality), False), (mask, True)]
    if page.is_photo:
        return [(jpeg_stream(pdf, page.gray, PHOTO_DPI / page.dpi), False)]
    encoded = page.encoded_bw() or _encode_bw(page.gray, "flate" if page.bw_flate else "g4")
    return [(_bw_stream(pdf, encoded), False)]


def _add_page(pdf: pikepdf.Pdf, page: PdfPage, background: tuple[int, int]) -> None:
    h, w = page.gray.shape[:2]
    width, height = w * 72 / page.dpi, h * 72 / page.dpi
    if page.text_pdf:
        with pikepdf.open(io.BytesIO(page.text_pdf)) as src:
            pdf.pages.append(src.pages[0])
        target = pdf.pages[-1]
        target.mediabox = pikepdf.Array([0, 0, width, height])
    else:
        target = pikepdf.Page(
            pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page,
                    MediaBox=pikepdf.Array([0, 0, width, height]),
                    Resources=pikepdf.Dictionary(),
                )
            )
        )
        pdf.pages.append(target)
        target = pdf.pages[-1]
    ops = []
    resources = target.obj.get("/Resources", pikepdf.Dictionary())
    taken = set(resources.get("/XObject", pikepdf.Dictionary()).keys())
    for n, (stream, is_mask) in enumerate(_images(pdf, page, background)):
        # named in order, not at random (pikepdf's prefix adds a random tail): same pages, same bytes
        name = next(
            f"/Scan{n}" + "_" * k for k in range(len(taken) + 1) if f"/Scan{n}" + "_" * k not in taken
        )
        target.add_resource(stream, pikepdf.Name.XObject, pikepdf.Name(name))
        fill = "0 g " if is_mask else ""
        ops.append(f"q {fill}{width:.3f} 0 0 {height:.3f} 0 0 cm {name} Do Q")
    images = pikepdf.Stream(pdf, "\n".join(ops).encode())
    if "/Contents" in target.obj:
        target.contents_add(images, prepend=True)
    else:
        target.obj.Contents = images  # never an empty Flate stream (MuPDF warns on one)


@functools.cache
def _srgb_icc() -> bytes:
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def _metadata(pdf: pikepdf.Pdf, title: str, scanned_at: datetime, dpi: int) -> None:
    stamp = scanned_at.isoformat(timespec="seconds")
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Producer"] = "Một Cửa Desk scanner"
    pdf.docinfo["/CreationDate"] = pikepdf.String(scanned_at.strftime("D:%Y%m%d%H%M%S"))
    pdf.docinfo["/ScanDpi"] = str(dpi)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["xmp:CreateDate"] = stamp
        meta["pdf:Producer"] = "Một Cửa Desk scanner"
    icc = pikepdf.Stream(pdf, _srgb_icc())
    icc.N = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier="sRGB",
        DestOutputProfile=icc,
    )
    pdf.Root.OutputIntents = pdf.make_indirect(pikepdf.Array([intent]))


def _build(pages: list[PdfPage], title: str, scanned_at: datetime, background: tuple[int, int]) -> bytes:
    pdf = pikepdf.new()
    for page in pages:
        _add_page(pdf, page, background)
    _metadata(pdf, title, scanned_at, max((p.dpi for p in pages), default=300))
    out = io.BytesIO()
    # deterministic_id: the file's /ID is a hash of its content, so the same pages and scan time give
    # the same bytes
    pdf.save(
        out,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
        deterministic_id=True,
    )
    return out.getvalue()


def build_pdf(
    pages: list[PdfPage],
    title: str = "Tài liệu",
    scanned_at: datetime | None = None,
    kb_per_page: int | None = None,
    min_dpi: int = BW_FIT_DPIS[-1],
) -> bytes:
    """One searchable PDF for a document, pages in order; within `kb_per_page` when it can be.

    A 1-bit page over `kb_per_page` is fitted on its own (`fit_bw_page`, never below `min_dpi`).
    """
    when = scanned_at or datetime.now().astimezone()
    if kb_per_page is not None:
        pages = [fit_bw_page(p, kb_per_page, min_dpi)[0] if p.is_bw else p for p in pages]
    budget = None if kb_per_page is None else kb_per_page * 1024 * max(len(pages), 1)
    data = b""
    for background in BACKGROUNDS if budget is not None else BACKGROUNDS[:1]:
        data = _build(pages, title, when, background)
        if (
            budget is None
            or len(data) <= budget
            or not any(p.color is not None or p.keep_tones for p in pages)
        ):
            break
    if budget is not None and len(data) > budget:
        logger.warning("PDF over its budget: %d pages, %d bytes > %d", len(pages), len(data), budget)
    logger.info("built PDF: %d pages, %d bytes", len(pages), len(data))
    return data
