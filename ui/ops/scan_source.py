"""One page from where the clerk points: an image file or PDF, the configured scanner, or the camera."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from app.config import Settings
from scanner.sources import open_source
from scanner.sources.base import ColorMode, ScanSettings, ScanSource
from scanner.sources.files import FileSource
from ui.ops.base import IsCancelled, Progress, check_cancelled

DEFAULT_DEVICE = "sane:test:0"
CAMERA = "camera:0"


@dataclass(frozen=True)
class PageFrom:
    """Where one page comes from: `file` (path), `scanner` (device, dpi, mode) or `camera`."""

    kind: Literal["file", "scanner", "camera"]
    path: Path | None = None
    device: str = DEFAULT_DEVICE
    dpi: int = 300
    mode: ColorMode = "color"

    @classmethod
    def file(cls, path: Path) -> PageFrom:
        return cls("file", path=path)

    @classmethod
    def scanner(cls, settings: Settings) -> PageFrom:
        mode: ColorMode = "color"
        if settings.scan_mode in ("gray", "bw"):
            mode = "gray" if settings.scan_mode == "gray" else "bw"
        return cls(
            "scanner", device=settings.scanner_device or DEFAULT_DEVICE, dpi=settings.scan_dpi, mode=mode
        )

    @classmethod
    def camera(cls) -> PageFrom:
        return cls("camera", device=CAMERA)


def scan_settings(settings: Settings, max_pages: int | None = None) -> ScanSettings:
    """The scanner settings the desk's Cài đặt page chose."""
    where = PageFrom.scanner(settings)
    return ScanSettings(dpi=where.dpi, mode=where.mode, max_pages=max_pages)


def source_for(where: PageFrom) -> tuple[ScanSource, ScanSettings]:
    if where.kind == "file":
        if where.path is None:
            raise ValueError("a file page source needs a path")
        return FileSource([where.path]), ScanSettings(dpi=300, max_pages=1)
    if where.kind == "camera":
        return open_source(where.device), ScanSettings(max_pages=1)
    return open_source(where.device), ScanSettings(dpi=where.dpi, mode=where.mode, max_pages=1)


def first_page(where: PageFrom, progress: Progress, is_cancelled: IsCancelled) -> np.ndarray:
    """The first page's image (bad files and absent devices raise the scanner's clear errors)."""
    source, settings = source_for(where)
    check_cancelled(is_cancelled, "page read")
    page = next(iter(source.scan(settings, progress, is_cancelled)))
    return page.image
