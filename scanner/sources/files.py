"""Files as a page source: JPEG, PNG, multi-page TIFF (Pillow) and PDF pages (pypdfium2, BSD/Apache)."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image as PILImage
from PIL import ImageSequence

from scanner.errors import BadImageError, EncryptedPdfError, ImageTooLargeError
from scanner.sources.base import (
    Capabilities,
    ColorMode,
    Device,
    IsCancelled,
    Page,
    Progress,
    ScanSettings,
    check_cancelled,
)

logger = logging.getLogger(__name__)

# A3 at 600 dpi is 70 Mpx; anything above this is refused before it is decoded (decompression bombs).
MAX_PIXELS = 80_000_000
MIN_SIDE = 16
A4_LONG_INCH = 11.69
PDF_SUFFIXES = {".pdf"}
TOO_SMALL_MSG = "Ảnh quá nhỏ, không phải ảnh chụp hay bản quét một trang giấy."


def guess_dpi(info_dpi: object, width: int, height: int) -> int:
    """The file's dpi when it is believable, else the dpi an A4 page of this size would have."""
    if dpi_is_believable(info_dpi):
        assert isinstance(info_dpi, tuple)
        return round(float(info_dpi[0]))
    return max(50, round(max(width, height) / A4_LONG_INCH))


def dpi_is_believable(info_dpi: object) -> bool:
    return isinstance(info_dpi, tuple) and bool(info_dpi) and float(info_dpi[0]) >= 100


def pil_to_page(img: PILImage.Image, dpi: int, source: str, index: int) -> Page:
    """Convert a decoded Pillow image to a Page (RGB, gray or black-and-white)."""
    mode: ColorMode
    if img.mode == "1":
        mode, arr = "bw", np.asarray(img.convert("L"), dtype=np.uint8)
    elif img.mode in ("L", "LA", "I;16", "I", "F"):
        mode, arr = "gray", np.asarray(img.convert("L"), dtype=np.uint8)
    else:
        mode, arr = "color", np.asarray(img.convert("RGB"), dtype=np.uint8)
    return Page(image=np.ascontiguousarray(arr), dpi=dpi, mode=mode, source=source, index=index)


def _check_size(width: int, height: int, name: str) -> None:
    if width * height > MAX_PIXELS:
        raise ImageTooLargeError(
            f"image has {width}x{height} pixels, above the {MAX_PIXELS} limit", file=name
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        raise BadImageError(f"image is only {width}x{height} pixels", TOO_SMALL_MSG, file=name)


def read_image_pages(
    path: Path | BinaryIO,
    is_cancelled: IsCancelled,
    start_index: int = 0,
    name: str = "",
    photo: bool = False,
) -> Iterator[Page]:
    """Yield each frame of an image file (one for JPEG/PNG, several for TIFF), refusing bad files.

    photo: the file may be a photo of a sheet (not TIFF, which scanners write): page finding may look.
    """
    name = name or getattr(path, "name", "image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            img = PILImage.open(path)
        with img:
            for n, frame in enumerate(ImageSequence.Iterator(img)):
                check_cancelled(is_cancelled, "file import")
                _check_size(frame.width, frame.height, name)
                frame.load()
                dpi = guess_dpi(frame.info.get("dpi"), frame.width, frame.height)
                page = pil_to_page(frame, dpi, f"file:{name}", start_index + n)
                page.dpi_from = "file" if dpi_is_believable(frame.info.get("dpi")) else "page_size"
                page.photo = photo and img.format != "TIFF"
                yield page
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise ImageTooLargeError("image refused as a decompression bomb", file=name) from exc
    except PILImage.UnidentifiedImageError as exc:
        raise BadImageError("file is not a readable image", file=name) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise BadImageError(f"image is damaged: {type(exc).__name__}", file=name) from exc


def _open_pdf(path: Path | bytes) -> pdfium.PdfDocument:
    name = path.name if isinstance(path, Path) else "pdf-bytes"
    try:
        return pdfium.PdfDocument(str(path) if isinstance(path, Path) else path)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdfError("pdf is password-protected", file=name) from exc
        raise BadImageError("pdf is damaged", "Tệp PDF bị hỏng, không đọc được.", file=name) from exc


def count_pdf_pages(path: Path) -> int:
    doc = _open_pdf(path)
    try:
        return len(doc)
    finally:
        doc.close()


def scan_dpi_in(page: pdfium.PdfPage) -> int | None:
    """The dpi of the scan a PDF page holds (its largest image, over half the page), or None."""
    w_pt, h_pt = page.get_size()
    best: tuple[float, int] | None = None
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        area = (right - left) * (top - bottom)
        if area < 0.5 * w_pt * h_pt:
            continue
        meta = obj.get_metadata()
        dpi = round(min(meta.horizontal_dpi, meta.vertical_dpi))
        if dpi > 0 and (best is None or area > best[0]):
            best = (area, dpi)
    return best[1] if best else None


def read_pdf_pages(
    path: Path | bytes, dpi: int, is_cancelled: IsCancelled, start_index: int = 0, gray: bool = False
) -> Iterator[Page]:
    """Render each PDF page at `dpi`, one at a time, so a 500-page file uses the memory of one page."""
    name = path.name if isinstance(path, Path) else "pdf-bytes"
    doc = _open_pdf(path)
    try:
        for n in range(len(doc)):
            check_cancelled(is_cancelled, "pdf import")
            page = doc[n]
            try:
                w_pt, h_pt = page.get_size()
                _check_size(round(w_pt * dpi / 72), round(h_pt * dpi / 72), f"{name}#{n + 1}")
                bitmap = page.render(scale=dpi / 72, grayscale=gray)
                img = bitmap.to_pil()
                bitmap.close()
                scan_dpi = scan_dpi_in(page)
            finally:
                page.close()
            out = pil_to_page(img, dpi, f"file:{name}", start_index + n)
            out.dpi_from, out.source_dpi = "pdf", scan_dpi
            yield out
    finally:
        doc.close()


class FileSource:
    """Pages from files the clerk picked (or a scanner's own PDF/JPEG output)."""

    def __init__(self, paths: Sequence[Path | str]) -> None:
        self.paths = [Path(p) for p in paths]

    def list_devices(self) -> list[Device]:
        return [Device(id="file", name="Nhập từ tệp (ảnh, PDF)", kind="file")]

    def capabilities(self) -> Capabilities:
        return Capabilities(make_and_model="Files", sources={})

    def scan(self, settings: ScanSettings, progress: Progress, is_cancelled: IsCancelled) -> Iterator[Page]:
        """Yield the pages of every file in order; PDFs are rendered at `settings.dpi`."""
        index = 0
        for done, path in enumerate(self.paths):
            if not path.exists():
                raise BadImageError(
                    "input file does not exist", "Không tìm thấy tệp đã chọn.", file=path.name
                )
            if path.stat().st_size == 0:
                raise BadImageError(
                    "input file is empty (0 bytes)", "Tệp rỗng (0 byte), không có ảnh.", file=path.name
                )
            if path.suffix.lower() in PDF_SUFFIXES:
                pages = read_pdf_pages(path, settings.dpi, is_cancelled, index, gray=settings.mode != "color")
            else:
                pages = read_image_pages(path, is_cancelled, index, photo=True)
            for page in pages:
                index += 1
                yield page
                if settings.max_pages is not None and index >= settings.max_pages:
                    return
            progress(done + 1, len(self.paths))
        logger.info("file import finished: %d files, %d pages", len(self.paths), index)


def decode_document(
    data: bytes, mime: str, dpi: int, is_cancelled: IsCancelled, start: int
) -> Iterator[Page]:
    """Pages of one document a network scanner sent (JPEG, PNG, TIFF or PDF bytes)."""
    if not data:
        raise BadImageError("scanner sent an empty document", "Máy quét gửi về tệp rỗng. Hãy quét lại.")
    if mime == "application/pdf" or data[:5] == b"%PDF-":
        yield from read_pdf_pages(data, dpi, is_cancelled, start)
    else:
        yield from read_image_pages(io.BytesIO(data), is_cancelled, start, name="scan")
