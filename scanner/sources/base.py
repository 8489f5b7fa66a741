"""The one interface every page source implements: SANE, eSCL, TWAIN, camera, files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import numpy.typing as npt

from scanner.errors import CancelledError

ColorMode = Literal["color", "gray", "bw"]
SourceName = Literal["platen", "adf"]
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
# uint8 pixels; typed loosely because OpenCV stubs return generic arrays.
Image = npt.NDArray[Any]

DEFAULT_DPI = 300


@dataclass(frozen=True)
class Device:
    """A scanner (or camera, or file reader) the clerk can pick. `id` looks like `sane:test:0`."""

    id: str
    name: str
    kind: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class SourceCaps:
    """What one input tray offers (platen, ADF)."""

    resolutions: list[int]
    color_modes: list[str]
    formats: list[str] = field(default_factory=list)
    max_width_mm: float | None = None
    max_height_mm: float | None = None
    duplex: bool | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "resolutions": self.resolutions,
            "color_modes": self.color_modes,
            "formats": self.formats,
            "max_width_mm": self.max_width_mm,
            "max_height_mm": self.max_height_mm,
        }
        if self.duplex is not None:
            out["duplex"] = self.duplex
        return out


@dataclass(frozen=True)
class Capabilities:
    make_and_model: str
    sources: dict[str, SourceCaps]

    def to_json(self) -> dict[str, object]:
        return {
            "make_and_model": self.make_and_model,
            "sources": {k: v.to_json() for k, v in self.sources.items()},
        }


@dataclass(frozen=True)
class ScanSettings:
    dpi: int = DEFAULT_DPI
    mode: ColorMode = "color"
    source: SourceName = "platen"
    duplex: bool = False
    max_pages: int | None = None


@dataclass
class Page:
    """One acquired page: RGB (H×W×3) or gray (H×W) uint8 pixels, with the dpi they were taken at."""

    image: Image
    dpi: int
    mode: ColorMode
    source: str
    index: int = 0
    # True when the picture may show the sheet on a background (a camera, a photo file): only then is
    # the sheet looked for. A flatbed or feeder scan, a page of a PDF or TIFF, is the sheet already.
    photo: bool = False
    # Where `dpi` comes from: "device" (the scanner said), "file" (the image file's own dpi),
    # "page_size" (no believable dpi in the file: what an A4 sheet of this many pixels has), "pdf" (a
    # PDF page, drawn at the dpi asked for).
    dpi_from: str = "device"
    # The detail the picture truly holds when it is less than `dpi`: a PDF page drawn above the dpi
    # of the scan inside it. Nothing is ever resampled up to a minimum; this is what gets recorded.
    source_dpi: int | None = None

    @property
    def true_dpi(self) -> int:
        return min(self.dpi, self.source_dpi) if self.source_dpi else self.dpi

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


@runtime_checkable
class ScanSource(Protocol):
    """A device that can deliver pages. `scan` yields pages one by one (an ADF may give many)."""

    def list_devices(self) -> list[Device]: ...

    def capabilities(self) -> Capabilities: ...

    def scan(
        self, settings: ScanSettings, progress: Progress, is_cancelled: IsCancelled
    ) -> Iterator[Page]: ...


def never_cancelled() -> bool:
    return False


def no_progress(done: int, total: int) -> None:
    return None


def check_cancelled(is_cancelled: IsCancelled, what: str) -> None:
    """Raise CancelledError when the clerk pressed Cancel."""
    if is_cancelled():
        raise CancelledError(f"{what} cancelled by the user")


def pick_resolution(wanted: int, offered: list[int]) -> int:
    """The offered resolution closest to the one asked for (prefers the higher on a tie)."""
    if not offered:
        return wanted
    return min(offered, key=lambda r: (abs(r - wanted), -r))
