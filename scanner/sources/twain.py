"""TWAIN scanners on Windows through pytwain. It cannot run on Linux: there it finds no device.

Kept small on purpose: this path is exercised only on Windows desks; on other systems every call
says plainly that TWAIN is not available.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from typing import Any

from scanner.errors import DeviceIOError, DeviceNotFoundError
from scanner.sources.base import (
    Capabilities,
    Device,
    IsCancelled,
    Page,
    Progress,
    ScanSettings,
    check_cancelled,
)
from scanner.sources.files import read_image_pages

logger = logging.getLogger(__name__)

PREFIX = "twain:"
TWAIN_PIXEL = {"bw": 0, "gray": 1, "color": 2}  # TWPT_BW, TWPT_GRAY, TWPT_RGB


def _twain() -> Any | None:
    if sys.platform != "win32":
        return None
    try:
        import twain  # pytwain, Windows only
    except ImportError:
        logger.warning("pytwain is not installed")
        return None
    return twain


class TwainSource:
    """One TWAIN data source, by its product name."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name.removeprefix(PREFIX) if name else None

    def list_devices(self) -> list[Device]:
        twain = _twain()
        if twain is None:
            return []
        with twain.SourceManager() as sm:
            return [Device(id=PREFIX + n, name=n, kind="twain") for n in sm.source_list]

    def capabilities(self) -> Capabilities:
        return Capabilities(make_and_model=self.name or "TWAIN", sources={})

    def scan(self, settings: ScanSettings, progress: Progress, is_cancelled: IsCancelled) -> Iterator[Page]:
        """Acquire pages without the driver's dialog, one DIB per page."""
        twain = _twain()
        if twain is None:
            raise DeviceNotFoundError("TWAIN is only available on Windows")
        count = 0
        with twain.SourceManager() as sm, sm.open_source(self.name) as src:
            src.set_capability(twain.ICAP_XRESOLUTION, twain.TWTY_FIX32, float(settings.dpi))
            src.set_capability(twain.ICAP_YRESOLUTION, twain.TWTY_FIX32, float(settings.dpi))
            src.set_capability(twain.ICAP_PIXELTYPE, twain.TWTY_UINT16, TWAIN_PIXEL[settings.mode])
            src.set_capability(twain.CAP_FEEDERENABLED, twain.TWTY_BOOL, settings.source == "adf")
            src.request_acquire(show_ui=False, modal_ui=False)
            more = True
            while more and not _has_enough(settings, count):
                check_cancelled(is_cancelled, "TWAIN scan")
                try:
                    handle, more_count = src.xfer_image_natively()
                except twain.exceptions.DSTransferCancelled:
                    break
                except Exception as exc:
                    raise DeviceIOError(f"TWAIN transfer failed: {type(exc).__name__}") from exc
                bmp = twain.dib_to_bm_file(handle)
                twain.global_handle_free(handle)
                for page in read_image_pages(io.BytesIO(bmp), is_cancelled, count, name="twain"):
                    page.dpi, page.source = settings.dpi, PREFIX + (self.name or "")
                    count += 1
                    progress(count, 0)
                    yield page
                more = bool(more_count)


def _has_enough(settings: ScanSettings, count: int) -> bool:
    """`max_pages` is a ceiling, as for every source."""
    return settings.max_pages is not None and count >= settings.max_pages
