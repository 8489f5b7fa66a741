"""Document cameras and webcams through OpenCV VideoCapture. Device ids look like `camera:0`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import cv2
import numpy as np

from scanner.errors import DeviceIOError, DeviceNotFoundError
from scanner.sources.base import (
    Capabilities,
    ColorMode,
    Device,
    IsCancelled,
    Page,
    Progress,
    ScanSettings,
    SourceCaps,
    check_cancelled,
)
from scanner.sources.files import guess_dpi

logger = logging.getLogger(__name__)

PREFIX = "camera:"
WARMUP_FRAMES = 5  # auto-exposure settles over the first frames
MAX_PROBE = 4


class Capture(Protocol):
    """The part of cv2.VideoCapture we use (a fake implements it in tests: no camera here)."""

    def isOpened(self) -> bool: ...

    def read(self) -> tuple[bool, Any]: ...

    def set(self, prop: int, value: float) -> bool: ...

    def release(self) -> None: ...


def open_video_capture(index: int) -> Capture:
    return cv2.VideoCapture(index)


def list_cameras(open_capture: Callable[[int], Capture] = open_video_capture) -> list[Device]:
    """Cameras that open; probes the first few indices."""
    found = []
    for index in range(MAX_PROBE):
        cap = open_capture(index)
        try:
            if cap.isOpened():
                found.append(Device(id=f"{PREFIX}{index}", name=f"Camera {index}", kind="camera"))
        finally:
            cap.release()
    return found


class CameraSource:
    """Takes one still per `scan` from a camera, at the highest resolution it accepts."""

    def __init__(
        self, index: int | str = 0, open_capture: Callable[[int], Capture] = open_video_capture
    ) -> None:
        self.index = int(str(index).removeprefix(PREFIX))
        self.open_capture = open_capture

    def list_devices(self) -> list[Device]:
        return list_cameras(self.open_capture)

    def capabilities(self) -> Capabilities:
        return Capabilities(
            make_and_model=f"Camera {self.index}",
            sources={
                "platen": SourceCaps(resolutions=[], color_modes=["color", "gray"], formats=["image/jpeg"])
            },
        )

    def scan(self, settings: ScanSettings, progress: Progress, is_cancelled: IsCancelled) -> Iterator[Page]:
        """One frame after the camera has settled, as an RGB page (gray if asked)."""
        cap = self.open_capture(self.index)
        try:
            if not cap.isOpened():
                raise DeviceNotFoundError(f"camera {self.index} does not open")
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, 4096)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, 3072)
            frame = None
            for _ in range(WARMUP_FRAMES):
                check_cancelled(is_cancelled, "camera capture")
                ok, grabbed = cap.read()
                if ok and grabbed is not None:
                    frame = grabbed
            if frame is None:
                raise DeviceIOError(f"camera {self.index} gave no frame")
        finally:
            cap.release()
        rgb = cv2.cvtColor(np.asarray(frame, dtype=np.uint8), cv2.COLOR_BGR2RGB)
        mode: ColorMode = "gray" if settings.mode in ("gray", "bw") else "color"
        image = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if mode == "gray" else rgb
        progress(1, 1)
        h, w = image.shape[:2]
        yield Page(
            image=image, dpi=guess_dpi(None, w, h), mode=mode, source=f"{PREFIX}{self.index}", photo=True
        )
