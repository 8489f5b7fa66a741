"""Parse eSCL ScannerCapabilities / ScannerStatus as real scanners write them.

HP, Canon, Brother, Kyocera and Epson differ: namespaces and prefixes vary, resolutions come as
discrete lists or ranges (sometimes X only), setting profiles may be shared by reference, and duplex
is announced by an AdfDuplexInputCaps element or an AdfOption. We match on local names only.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from scanner.errors import DeviceIOError
from scanner.sources.base import Capabilities, SourceCaps

logger = logging.getLogger(__name__)

STANDARD_DPI = [75, 100, 150, 200, 300, 400, 600, 1200]
ESCL_MODES = {
    "RGB24": "color",
    "RGB48": "color",
    "Grayscale8": "gray",
    "Grayscale16": "gray",
    "BlackAndWhite1": "bw",
}
MODE_ORDER = ["color", "gray", "bw"]
UNIT_MM = 25.4 / 300  # eSCL sizes are in 1/300 inch


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def children(el: ET.Element, name: str) -> Iterator[ET.Element]:
    return (c for c in el if local(c.tag) == name)


def child(el: ET.Element, name: str) -> ET.Element | None:
    return next(children(el, name), None)


def descendants(el: ET.Element, name: str) -> Iterator[ET.Element]:
    return (c for c in el.iter() if local(c.tag) == name)


def text_of(el: ET.Element | None, name: str, default: str = "") -> str:
    if el is None:
        return default
    found = next(descendants(el, name), None)
    return (found.text or "").strip() if found is not None and found.text else default


def parse_xml(data: bytes, what: str) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise DeviceIOError(f"scanner sent unreadable {what} XML: {exc}") from exc


def _num(text: str | None) -> int | None:
    try:
        return round(float((text or "").strip()))
    except ValueError:
        return None


def _resolutions(profile: ET.Element) -> set[int]:
    out: set[int] = set()
    for disc in descendants(profile, "DiscreteResolution"):
        x, y = _num(text_of(disc, "XResolution")), _num(text_of(disc, "YResolution"))
        if x and (y is None or y == x):
            out.add(x)
    for rng in descendants(profile, "XResolutionRange"):
        low, high = _num(text_of(rng, "Min")), _num(text_of(rng, "Max"))
        if low and high:
            out.update(r for r in STANDARD_DPI if low <= r <= high)
            normal = _num(text_of(rng, "Normal"))
            if normal:
                out.add(normal)
    return out


def _profiles(caps: ET.Element, shared: dict[str, ET.Element]) -> list[ET.Element]:
    found: list[ET.Element] = []
    for prof in descendants(caps, "SettingProfile"):
        ref = next((v for k, v in prof.attrib.items() if local(k) == "ref"), None)
        found.append(shared.get(ref, prof) if ref else prof)
    return found or [caps]


def parse_input_caps(caps: ET.Element, shared: dict[str, ET.Element], duplex: bool | None) -> SourceCaps:
    """One PlatenInputCaps / AdfSimplexInputCaps element → SourceCaps."""
    res: set[int] = set()
    modes: set[str] = set()
    formats: list[str] = []
    for prof in _profiles(caps, shared):
        res |= _resolutions(prof)
        names = {(m.text or "").strip() for m in descendants(prof, "ColorMode")}
        modes |= {ESCL_MODES[n] for n in names if n in ESCL_MODES}
        for name in ("DocumentFormatExt", "DocumentFormat"):
            for f in descendants(prof, name):
                mime = (f.text or "").strip()
                if mime and mime not in formats:
                    formats.append(mime)
    width, height = _num(text_of(caps, "MaxWidth")), _num(text_of(caps, "MaxHeight"))
    return SourceCaps(
        resolutions=sorted(res),
        color_modes=[m for m in MODE_ORDER if m in modes],
        formats=formats,
        max_width_mm=round(width * UNIT_MM, 1) if width else None,
        max_height_mm=round(height * UNIT_MM, 1) if height else None,
        duplex=duplex,
    )


def parse_capabilities(data: bytes) -> Capabilities:
    """ScannerCapabilities XML → Capabilities with `platen` and/or `adf` sources."""
    root = parse_xml(data, "capabilities")
    if local(root.tag) != "ScannerCapabilities":
        raise DeviceIOError(f"expected ScannerCapabilities, got {local(root.tag)}")
    shared = {
        v: prof
        for prof in descendants(root, "SettingProfile")
        for k, v in prof.attrib.items()
        if local(k) == "name"
    }
    model = text_of(root, "MakeAndModel") or text_of(root, "MakeAndModelName") or "eSCL scanner"
    sources: dict[str, SourceCaps] = {}
    platen = next(descendants(root, "PlatenInputCaps"), None)
    if platen is not None:
        sources["platen"] = parse_input_caps(platen, shared, None)
    adf = next(descendants(root, "Adf"), None)
    if adf is not None:
        simplex = child(adf, "AdfSimplexInputCaps")
        duplex_caps = child(adf, "AdfDuplexInputCaps")
        options = {(o.text or "").strip() for o in descendants(adf, "AdfOption")}
        has_duplex = duplex_caps is not None or "Duplex" in options
        base = simplex if simplex is not None else duplex_caps
        if base is not None:
            sources["adf"] = parse_input_caps(base, shared, has_duplex)
    return Capabilities(make_and_model=model, sources=sources)


def parse_status(data: bytes) -> dict[str, str]:
    """ScannerStatus → {"state": "Idle"|"Processing"|..., "adf": "ScannerAdfLoaded"|...}."""
    root = parse_xml(data, "status")
    return {"state": text_of(root, "State", "Unknown"), "adf": text_of(root, "AdfState", "")}
