"""Searchable PDF: page images under Tesseract's invisible text layer, kept small.

- text pages: 1-bit CCITT G4 at full resolution (the evened-out gray, thresholded only for display;
  OCR already ran on the gray image);
- pages with coloured ink (red stamp, blue signature): mixed raster, a 1-bit G4 mask of the black
  text at full resolution painted over a low-resolution JPEG colour background;
- photographic gray pages (a portrait, a picture): one gray JPEG at 150 dpi;
- with a gray or colour digitization profile (`keep_tones`), every page is mixed raster: the text
  mask over its gray or colour background. Given a KB budget per page, the background is made
  coarser (lower dpi, then lower JPEG quality) until the file fits, never the text mask.
Every image XObject names its colour space (DeviceGray for the 1-bit and gray images, DeviceRGB for a
colour background; the text mask is an /ImageMask, which takes none), so Poppler, MuPDF and PDFium all
draw it (tests/test_pdf_readers.py renders every kind with all three). Metadata: title, scan time,
dpi, XMP and an sRGB output intent. No PDF/A conformance is claimed: no validator is installable here
(see README, "PDF files").
"""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass
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


@dataclass
class PdfPage:
    gray: Image
    dpi: int
    color: Image | None = None
    is_photo: bool = False
    text_pdf: bytes | None = None  # Tesseract's text-only page for this image
    keep_tones: bool = False  # a gray or colour profile: the background is kept on every page


def g4_stream(pdf: pikepdf.Pdf, black: np.ndarray) -> pikepdf.Stream:
    """A 1-bit image XObject, CCITT G4-compressed; `black` is a bool array (True = ink)."""
    h, w = black.shape
    # a bool array is a mode "1" image as it is (True: white paper); going through an 8-bit copy and
    # convert("1") gave the same bits at 25 times the cost
    bitmap = PILImage.fromarray(np.ascontiguousarray(~np.asarray(black, dtype=bool)))
    buf = io.BytesIO()
    bitmap.save(buf, "TIFF", compression="group4", strip_size=2**31 - 1)
    tiff: Any = PILImage.open(io.BytesIO(buf.getvalue()))
    offset, length = tiff.tag_v2[273][0], tiff.tag_v2[279][0]
    data = buf.getvalue()[offset : offset + length]
    stream = pikepdf.Stream(pdf, data)
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height, stream.BitsPerComponent = w, h, 1
    stream.ColorSpace = pikepdf.Name.DeviceGray
    stream.Filter = pikepdf.Name.CCITTFaxDecode
    stream.DecodeParms = pikepdf.Dictionary(K=-1, Columns=w, Rows=h, BlackIs1=tiff.tag_v2.get(262) == 1)
    return stream


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
    return [(g4_stream(pdf, page.gray < INK_THRESHOLD), False)]


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
    for n, (stream, is_mask) in enumerate(_images(pdf, page, background)):
        name = target.add_resource(stream, pikepdf.Name.XObject, prefix=f"Scan{n}")
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
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return out.getvalue()


def build_pdf(
    pages: list[PdfPage],
    title: str = "Tài liệu",
    scanned_at: datetime | None = None,
    kb_per_page: int | None = None,
) -> bytes:
    """One searchable PDF for a document, pages in order; within `kb_per_page` when it can be."""
    when = scanned_at or datetime.now().astimezone()
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
