"""Page sources behind one interface (`ScanSource`), chosen by device id."""

from __future__ import annotations

import logging

from scanner.errors import DeviceNotFoundError
from scanner.sources.base import Capabilities, Device, Page, ScanSettings, ScanSource, SourceCaps

logger = logging.getLogger(__name__)

__all__ = [
    "Capabilities",
    "Device",
    "Page",
    "ScanSettings",
    "ScanSource",
    "SourceCaps",
    "list_devices",
    "open_source",
]


def open_source(device_id: str) -> ScanSource:
    """`sane:test:0`, `escl:http://host/eSCL`, `camera:0`, `twain:<name>` → the matching source."""
    kind = device_id.split(":", 1)[0]
    if kind == "sane":
        from scanner.sources.sane import SaneSource

        return SaneSource(device_id)
    if kind == "escl":
        from scanner.sources.escl import EsclSource

        return EsclSource(device_id)
    if kind == "camera":
        from scanner.sources.camera import CameraSource

        return CameraSource(device_id)
    if kind == "twain":
        from scanner.sources.twain import TwainSource

        return TwainSource(device_id)
    raise DeviceNotFoundError(f"unknown device id kind {kind!r}")


def list_devices(discover_network: bool = True, cameras: bool = True) -> list[Device]:
    """Every device this desk can use; a kind that fails is logged and left out."""
    from scanner.sources import camera, escl, sane, twain

    found: list[Device] = []
    probes = [sane.list_sane_devices, twain.TwainSource().list_devices]
    if discover_network:
        probes.append(escl.discover)
    if cameras:
        probes.append(camera.list_cameras)
    for probe in probes:
        try:
            found.extend(probe())
        except Exception as exc:  # one broken backend must not hide the others
            logger.warning(
                "device probe %s failed: %s", getattr(probe, "__qualname__", probe), type(exc).__name__
            )
    return found
