"""One contract, every ScanSource: the SANE `test` device, an eSCL scanner (the test server on
127.0.0.1), files, and the camera and TWAIN behind fakes of OpenCV's capture and of pytwain (the
only parts that cannot run here; the sources' own code runs unchanged).

What the desk relies on, whatever the device: it is a `ScanSource`; it names its devices; pages
come lazily as uint8 pixels whose shape matches their mode; a gray scan is gray; `max_pages` is
a ceiling; progress is reported in whole numbers; Cancel stops before the next page, and before the first
with the one cancellation error (`app.domain.errors.CancelledError`).
"""

from __future__ import annotations

import contextlib
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np
import pytest

from app.domain.errors import CancelledError
from scanner.sources import twain as twain_source
from scanner.sources.base import Capabilities, Device, ScanSettings, ScanSource, SourceName
from scanner.sources.camera import CameraSource
from scanner.sources.escl import EsclSource
from scanner.sources.files import FileSource
from scanner.sources.sane import SaneSource
from tests.scanner.escl_server import EsclServer, ScannerState
from ui.samples import sample_page

FEED = 3  # pages waiting in every feeder (or files picked)


@dataclass
class Case:
    source: ScanSource
    prefix: str  # how its device ids begin
    feeder: SourceName  # the tray to scan from
    holds: int  # pages that tray gives in one scan
    honours_mode: bool = True  # files keep the colours they were saved in


class FakeCapture:
    """OpenCV's VideoCapture as CameraSource uses it: frames of a page held under a camera."""

    def __init__(self, index: int) -> None:
        self.index, self.frames = index, 0

    def isOpened(self) -> bool:
        return self.index == 0

    def read(self) -> tuple[bool, np.ndarray]:
        self.frames += 1
        frame = np.full((720, 960, 3), 235, np.uint8)
        frame[100:110, 80:600] = 20
        return True, frame

    def set(self, prop: int, value: float) -> bool:
        return True

    def release(self) -> None:
        pass


def fake_pytwain(pages: int) -> types.ModuleType:
    """pytwain's calls TwainSource makes, over a driver holding `pages` sheets."""
    twain = types.ModuleType("twain")
    state = {"pixel": 2, "left": pages}

    class DSTransferCancelled(Exception):
        pass

    class Source:
        def set_capability(self, cap: str, _type: str, value: object) -> None:
            if cap == "ICAP_PIXELTYPE":
                state["pixel"] = int(value)  # type: ignore[call-overload]

        def request_acquire(self, show_ui: bool, modal_ui: bool) -> None:
            assert not show_ui  # the desk never shows the driver's dialog

        def xfer_image_natively(self) -> tuple[int, int]:
            if state["left"] <= 0:
                raise DSTransferCancelled()
            state["left"] -= 1
            return state["left"], state["left"]

    class SourceManager:
        source_list = ("Fujitsu fi-7160",)

        def __enter__(self) -> SourceManager:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        @contextmanager
        def open_source(self, name: str | None) -> Iterator[Source]:
            yield Source()

    def dib_to_bm_file(handle: int) -> bytes:
        page = np.full((550, 425, 3), 245, np.uint8)
        page[40 + handle * 10 : 50 + handle * 10, 30:300] = 15
        if state["pixel"] != 2:
            page = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
        return bytes(cv2.imencode(".bmp", page)[1])

    for name in ("ICAP_XRESOLUTION", "ICAP_YRESOLUTION", "ICAP_PIXELTYPE", "CAP_FEEDERENABLED"):
        setattr(twain, name, name)
    twain.TWTY_FIX32, twain.TWTY_UINT16, twain.TWTY_BOOL = "fix32", "uint16", "bool"
    twain.SourceManager = SourceManager
    twain.exceptions = types.SimpleNamespace(DSTransferCancelled=DSTransferCancelled)
    twain.dib_to_bm_file = dib_to_bm_file
    twain.global_handle_free = lambda handle: None
    return twain


@pytest.fixture(params=["sane", "escl", "files", "camera", "twain"])
def case(request, tmp_path, monkeypatch) -> Iterator[Case]:
    kind = request.param
    if kind == "sane":
        yield Case(SaneSource("sane:test:0"), "sane:", "adf", holds=10)  # the test backend's 10 sheets
    elif kind == "escl":
        with EsclServer(ScannerState(pages=FEED)) as server:
            yield Case(EsclSource(server.url, retry_base=0.01), "escl:", "adf", holds=FEED)
    elif kind == "files":
        paths = [sample_page(tmp_path / f"p{i}.png", f"TRANG {i}", dpi=100) for i in range(FEED)]
        yield Case(FileSource(paths), "file", "platen", holds=FEED, honours_mode=False)
    elif kind == "camera":
        yield Case(CameraSource(0, open_capture=FakeCapture), "camera:", "platen", holds=1)
    else:
        monkeypatch.setattr(twain_source, "_twain", lambda: fake_pytwain(FEED))
        yield Case(twain_source.TwainSource("twain:Fujitsu fi-7160"), "twain:", "adf", holds=FEED)


def scan(case: Case, settings: ScanSettings, is_cancelled: Callable[[], bool] = lambda: False):
    calls: list[tuple[object, object]] = []
    pages = list(case.source.scan(settings, lambda d, t: calls.append((d, t)), is_cancelled))
    return pages, calls


def test_it_is_a_scan_source(case):
    assert isinstance(case.source, ScanSource)


def test_it_names_its_devices_with_its_prefix(case):
    devices = case.source.list_devices()
    assert devices and all(isinstance(d, Device) for d in devices)
    assert all(d.id.startswith(case.prefix) and d.name for d in devices)


def test_it_describes_its_capabilities(case):
    caps = case.source.capabilities()
    assert isinstance(caps, Capabilities) and caps.make_and_model


def test_pages_are_uint8_pixels_whose_shape_matches_their_mode(case):
    pages, calls = scan(case, ScanSettings(dpi=150, mode="color", source=case.feeder))
    assert pages
    for page in pages:
        assert page.image.dtype == np.uint8 and page.image.size > 0
        assert page.image.ndim == (3 if page.mode == "color" else 2)
        assert page.image.ndim == 2 or page.image.shape[2] == 3
        assert page.dpi > 0 and page.source
    assert all(isinstance(d, int) and isinstance(t, int) for d, t in calls)


def test_a_gray_scan_gives_gray_pages(case):
    pages, _ = scan(case, ScanSettings(dpi=150, mode="gray", source=case.feeder, max_pages=1))
    assert pages
    if case.honours_mode:
        assert all(p.mode == "gray" and p.image.ndim == 2 for p in pages)
    else:  # files keep the colours they were saved in (the pipeline decides later), and say so
        assert all(p.image.ndim == (3 if p.mode == "color" else 2) for p in pages)


def test_max_pages_is_a_ceiling(case):
    pages, _ = scan(case, ScanSettings(dpi=150, mode="gray", source=case.feeder, max_pages=2))
    assert 1 <= len(pages) <= 2


def test_pages_come_one_by_one(case):
    iterator = case.source.scan(ScanSettings(dpi=150, source=case.feeder), lambda d, t: None, lambda: False)
    first = next(iter(iterator))
    assert first.image.size > 0  # the first page is usable before the feeder is empty


def test_cancel_stops_before_the_next_page(case):
    cancelled = [False]
    settings = ScanSettings(dpi=150, source=case.feeder)
    iterator = iter(case.source.scan(settings, lambda d, t: None, lambda: cancelled[0]))
    next(iterator)
    cancelled[0] = True
    rest: list[object] = []
    with contextlib.suppress(CancelledError):  # the one cancellation error, whichever source noticed
        rest.extend(iterator)
    assert rest == []


def test_cancel_before_the_start_gives_no_page(case):
    with pytest.raises(CancelledError):
        scan(case, ScanSettings(dpi=150, source=case.feeder), is_cancelled=lambda: True)


def test_a_scan_gives_every_page_the_tray_holds(case):
    pages, _ = scan(case, ScanSettings(dpi=150, mode="gray", source=case.feeder))
    assert len(pages) == case.holds
