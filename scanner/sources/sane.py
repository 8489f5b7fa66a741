"""SANE scanners (Linux) through python-sane. Device ids look like `sane:test:0`."""

from __future__ import annotations

import ctypes
import logging
import signal
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from scanner.errors import DeviceBusyError, DeviceIOError, DeviceNotFoundError, FeederEmptyError, ScannerError
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
    pick_resolution,
)
from scanner.sources.files import pil_to_page

logger = logging.getLogger(__name__)

PREFIX = "sane:"
STANDARD_DPI = [75, 100, 150, 200, 300, 400, 600, 1200]
_lock = threading.Lock()  # libsane is not re-entrant: one call at a time per process


def keep_sigpipe_ignored() -> None:
    """Put SIGPIPE back to "ignore" after libsane has run.

    A scan through libsane (its reader thread, sanei_thread) leaves SIGPIPE at its default action,
    which is to kill the process. Python ignores SIGPIPE so that writing to a socket the other side
    has closed raises BrokenPipeError; without this, the first such write after a scan (a hub or a
    proxy that hung up mid-reply) kills the whole desk. `signal.signal` works only on the main
    thread and scans run in jobs, so this calls libc's `signal()`, which works from any thread.
    """
    sigpipe = getattr(signal, "SIGPIPE", None)
    if sigpipe is None:  # pragma: no cover - no SIGPIPE on Windows
        return
    try:
        libc = ctypes.CDLL(None)
    except OSError:  # pragma: no cover - no C library to call
        return
    libc.signal.restype = ctypes.c_void_p
    libc.signal.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.signal(int(sigpipe), ctypes.c_void_p(1))  # 1 is SIG_IGN


def _sane() -> Any:
    import sane  # python-sane; needs libsane at run time

    return sane


def _init() -> Any:
    sane = _sane()
    sane.init()
    return sane


def list_sane_devices() -> list[Device]:
    """Every scanner SANE can see (honours SANE_CONFIG_DIR)."""
    with _lock:
        try:
            sane = _init()
            found = sane.get_devices()
        finally:
            keep_sigpipe_ignored()
    return [Device(id=PREFIX + d[0], name=f"{d[1]} {d[2]}".strip(), kind="sane") for d in found]


def _resolutions(constraint: object) -> list[int]:
    if isinstance(constraint, tuple) and len(constraint) == 3:
        low, high = float(constraint[0]), float(constraint[1])
        return [r for r in STANDARD_DPI if low <= r <= high]
    if isinstance(constraint, list):
        return sorted({round(float(r)) for r in constraint})
    return [300]


def _modes(option_map: dict[str, Any]) -> dict[ColorMode, tuple[str, int | None]]:
    """Map our colour modes to the device's (mode name, depth)."""
    names = list(option_map["mode"].constraint or []) if "mode" in option_map else []
    out: dict[ColorMode, tuple[str, int | None]] = {}
    for name in names:
        low = str(name).lower()
        if "color" in low or "colour" in low:
            out["color"] = (name, None)
        elif "gray" in low or "grey" in low:
            out["gray"] = (name, 8)
        elif "lineart" in low or "binary" in low or "halftone" in low:
            out.setdefault("bw", (name, None))
    depths = option_map["depth"].constraint if "depth" in option_map else None
    if "bw" not in out and "gray" in out and isinstance(depths, list) and 1 in depths:
        out["bw"] = (out["gray"][0], 1)  # the test backend: lineart is Gray at depth 1
    return out


def _sources(option_map: dict[str, Any]) -> dict[str, str]:
    """Map 'platen' / 'adf' / 'adf_duplex' to the device's source names."""
    names = list(option_map["source"].constraint or []) if "source" in option_map else []
    out: dict[str, str] = {}
    for name in names:
        low = str(name).lower()
        if "duplex" in low:
            out.setdefault("adf_duplex", name)
        elif "feeder" in low or "adf" in low:
            out.setdefault("adf", name)
        elif "flatbed" in low or "platen" in low:
            out.setdefault("platen", name)
    if not out:
        out["platen"] = ""
    return out


def _max_mm(option_map: dict[str, Any], key: str) -> float | None:
    opt = option_map.get(key)
    if opt is None or not isinstance(opt.constraint, tuple):
        return None
    return float(opt.constraint[1])


class SaneSource:
    """One SANE device. `options` sets extra backend options (e.g. test_picture for the test device)."""

    def __init__(self, device: str | None = None, options: dict[str, object] | None = None) -> None:
        self.device = device.removeprefix(PREFIX) if device else None
        self.options = options or {}

    def list_devices(self) -> list[Device]:
        return list_sane_devices()

    def _open(self) -> Any:
        sane = _init()
        name = self.device
        if name is None:
            found = sane.get_devices()
            if not found:
                raise DeviceNotFoundError("no SANE device found")
            name = found[0][0]
            self.device = name
        try:
            return sane.open(name)
        except Exception as exc:
            raise DeviceNotFoundError(f"cannot open SANE device {name}: {exc}") from exc

    def capabilities(self) -> Capabilities:
        with _lock:
            dev = self._open()
            try:
                opts = dev.opt
                caps = self._caps_of(opts)
                model = str(dev.devname)
            finally:
                dev.close()
                keep_sigpipe_ignored()
        return Capabilities(make_and_model=model, sources=caps)

    def _caps_of(self, opts: dict[str, Any]) -> dict[str, SourceCaps]:
        res = _resolutions(opts["resolution"].constraint) if "resolution" in opts else [300]
        modes = sorted(_modes(opts), key=["color", "gray", "bw"].index)
        width, height = _max_mm(opts, "br_x"), _max_mm(opts, "br_y")
        sources = _sources(opts)
        out: dict[str, SourceCaps] = {}
        fmt = ["image/x-portable-anymap"]
        if "platen" in sources:
            out["platen"] = SourceCaps(res, list(modes), fmt, width, height)
        if "adf" in sources or "adf_duplex" in sources:
            out["adf"] = SourceCaps(res, list(modes), fmt, width, height, duplex="adf_duplex" in sources)
        return out

    def _configure(self, dev: Any, settings: ScanSettings) -> int:
        opts = dev.opt
        modes = _modes(opts)
        if settings.mode in modes:
            mode_name, depth = modes[settings.mode]
            dev.mode = mode_name
            if depth is not None and "depth" in opts:
                dev.depth = depth
        sources = _sources(opts)
        wanted = "adf_duplex" if settings.source == "adf" and settings.duplex else settings.source
        src = sources.get(wanted) or sources.get(settings.source)
        if src is None:
            raise (
                FeederEmptyError(f"device has no {settings.source} source")
                if settings.source == "adf"
                else (ScannerError(f"device has no {settings.source} source"))
            )
        if src:
            dev.source = src
        dpi = pick_resolution(settings.dpi, _resolutions(opts["resolution"].constraint))
        dev.resolution = dpi
        for key in ("br_x", "br_y"):
            if key in opts and isinstance(opts[key].constraint, tuple):
                setattr(dev, key, opts[key].constraint[1])
        for key, value in self.options.items():
            setattr(dev, key, value)
        return dpi

    def scan(self, settings: ScanSettings, progress: Progress, is_cancelled: IsCancelled) -> Iterator[Page]:
        """Scan one page from the platen, or every page in the feeder."""
        with _lock:
            dev = self._open()
            try:
                dpi = self._configure(dev, settings)
                yield from self._pages(dev, settings, dpi, progress, is_cancelled)
            finally:
                dev.close()
                keep_sigpipe_ignored()

    def _pages(
        self, dev: Any, settings: ScanSettings, dpi: int, progress: Progress, is_cancelled: IsCancelled
    ) -> Iterator[Page]:
        sane = _sane()
        limit = 1 if settings.source == "platen" else (settings.max_pages or 10_000)
        count = 0
        while count < limit:
            check_cancelled(is_cancelled, "SANE scan")
            try:
                dev.start()
                img = dev.snap()
            except sane._sane.error as exc:
                keep_sigpipe_ignored()
                text = str(exc).lower()
                if "out of documents" in text or "no docs" in text or "no more" in text:
                    if count == 0:
                        raise FeederEmptyError(f"SANE feeder empty on {self.device}") from exc
                    break
                if "busy" in text:
                    raise DeviceBusyError(f"SANE device {self.device} busy: {exc}") from exc
                raise DeviceIOError(f"SANE scan failed on {self.device}: {exc}") from exc
            keep_sigpipe_ignored()  # before the page goes on to code that may write to a socket
            page = pil_to_page(img, dpi, PREFIX + str(self.device), count)
            if settings.mode == "bw":
                page.image = np.where(page.image > 127, 255, 0).astype(np.uint8)
                page.mode = "bw"
            count += 1
            progress(count, 0 if settings.source == "adf" else 1)
            yield page
        logger.info("SANE scan finished on %s: %d pages", self.device, count)
