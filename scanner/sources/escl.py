"""eSCL (AirScan) network scanners over HTTP. Device ids look like `escl:http://host:port/eSCL`."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from xml.sax.saxutils import escape

import cv2
import requests

from scanner.errors import DeviceBusyError, DeviceIOError, DeviceNotFoundError, FeederEmptyError
from scanner.sources.base import (
    Capabilities,
    ColorMode,
    Device,
    IsCancelled,
    Page,
    Progress,
    ScanSettings,
    check_cancelled,
    pick_resolution,
)
from scanner.sources.escl_caps import parse_capabilities, parse_status
from scanner.sources.files import decode_document

logger = logging.getLogger(__name__)

PREFIX = "escl:"
SERVICE_TYPES = ["_uscan._tcp.local.", "_uscans._tcp.local."]
MODE_TO_ESCL = {"color": "RGB24", "gray": "Grayscale8", "bw": "BlackAndWhite1"}
FORMAT_PREFERENCE = {
    "color": ["image/jpeg", "application/pdf", "image/png"],
    "gray": ["image/jpeg", "application/pdf", "image/png"],
    "bw": ["image/png", "image/tiff", "application/pdf", "image/jpeg"],
}
A4_300 = (2480, 3508)  # A4 in 1/300 inch
SETTINGS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">
<pwg:Version>2.0</pwg:Version>
<scan:Intent>Document</scan:Intent>
<pwg:ScanRegions><pwg:ScanRegion>
<pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>
<pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset>
<pwg:Width>{width}</pwg:Width><pwg:Height>{height}</pwg:Height>
</pwg:ScanRegion></pwg:ScanRegions>
<pwg:InputSource>{source}</pwg:InputSource>
<scan:Duplex>{duplex}</scan:Duplex>
<scan:ColorMode>{mode}</scan:ColorMode>
<scan:XResolution>{dpi}</scan:XResolution><scan:YResolution>{dpi}</scan:YResolution>
<pwg:DocumentFormat>{fmt}</pwg:DocumentFormat>
<scan:DocumentFormatExt>{fmt}</scan:DocumentFormatExt>
</scan:ScanSettings>"""


def discover(timeout: float = 2.0) -> list[Device]:
    """Browse the LAN for eSCL scanners (`_uscan._tcp`) for `timeout` seconds."""
    from zeroconf import ServiceBrowser, ServiceListener, Zeroconf

    found: dict[str, Device] = {}

    class Listener(ServiceListener):
        def add_service(self, zc: Zeroconf, type_: str, name: str) -> None:
            info = zc.get_service_info(type_, name, timeout=1000)
            if info is None or not info.parsed_addresses():
                return
            props = {k.decode(): (v or b"").decode(errors="replace") for k, v in info.properties.items()}
            scheme = "https" if type_.startswith("_uscans") else "http"
            host = info.parsed_addresses()[0]
            host = f"[{host}]" if ":" in host else host
            url = f"{scheme}://{host}:{info.port}/{props.get('rs', 'eSCL').strip('/')}"
            found[url] = Device(id=PREFIX + url, name=props.get("ty") or name.split(".")[0], kind="escl")

        def update_service(self, zc: Zeroconf, type_: str, name: str) -> None:
            self.add_service(zc, type_, name)

        def remove_service(self, zc: Zeroconf, type_: str, name: str) -> None:
            return None

    try:
        zc = Zeroconf()
    except OSError as exc:
        logger.warning("eSCL discovery unavailable: %s", exc)
        return []
    try:
        ServiceBrowser(zc, SERVICE_TYPES, Listener())
        time.sleep(timeout)
    finally:
        zc.close()
    return sorted(found.values(), key=lambda d: d.id)


class EsclSource:
    """One eSCL scanner at `url` (e.g. http://192.168.1.20/eSCL)."""

    def __init__(
        self,
        url: str,
        *,
        retry_base: float = 0.5,
        max_wait: float = 60.0,
        session: requests.Session | None = None,
    ) -> None:
        self.url = url.removeprefix(PREFIX).rstrip("/")
        self.retry_base = retry_base
        self.max_wait = max_wait
        self.http = session or requests.Session()
        self.timeout = (5.0, 120.0)

    def list_devices(self) -> list[Device]:
        return [Device(id=PREFIX + self.url, name=self.capabilities().make_and_model, kind="escl")]

    def _get(self, path: str) -> requests.Response:
        url = path if path.startswith("http") else f"{self.url}/{path}"
        try:
            return self.http.get(url, timeout=self.timeout)
        except requests.RequestException as exc:
            raise DeviceIOError(f"eSCL GET {path} failed: {type(exc).__name__}") from exc

    def capabilities(self) -> Capabilities:
        resp = self._get("ScannerCapabilities")
        if resp.status_code != 200:
            raise DeviceNotFoundError(f"eSCL ScannerCapabilities returned HTTP {resp.status_code}")
        return parse_capabilities(resp.content)

    def status(self) -> dict[str, str]:
        resp = self._get("ScannerStatus")
        if resp.status_code != 200:
            raise DeviceIOError(f"eSCL ScannerStatus returned HTTP {resp.status_code}")
        return parse_status(resp.content)

    def _wait(self, attempt: int, waited: float, is_cancelled: IsCancelled, what: str) -> float:
        """Back off after a 503; raise DeviceBusyError when the scanner stays busy too long."""
        delay = min(self.retry_base * (2**attempt), 8.0)
        if waited + delay > self.max_wait:
            raise DeviceBusyError(f"eSCL scanner busy for {waited:.1f}s during {what}")
        end = time.monotonic() + delay
        while time.monotonic() < end:
            check_cancelled(is_cancelled, "eSCL scan")
            time.sleep(min(0.05, delay))
        return waited + delay

    def settings_xml(self, settings: ScanSettings, caps: Capabilities) -> tuple[str, int, str]:
        """The ScanSettings document for a job, with the dpi and format actually asked for."""
        src = caps.sources.get(settings.source)
        if src is None:
            exc = FeederEmptyError if settings.source == "adf" else DeviceNotFoundError
            raise exc(f"eSCL scanner has no {settings.source} source")
        dpi = pick_resolution(settings.dpi, src.resolutions)
        fmt = next((f for f in FORMAT_PREFERENCE[settings.mode] if f in src.formats), "image/jpeg")
        width = min(A4_300[0], round((src.max_width_mm or 999) / 25.4 * 300))
        height = min(A4_300[1], round((src.max_height_mm or 999) / 25.4 * 300))
        xml = SETTINGS_XML.format(
            width=width,
            height=height,
            source="Feeder" if settings.source == "adf" else "Platen",
            duplex="true" if settings.duplex and src.duplex else "false",
            mode=MODE_TO_ESCL[settings.mode],
            dpi=dpi,
            fmt=escape(fmt),
        )
        return xml, dpi, fmt

    def _create_job(self, xml: str, is_cancelled: IsCancelled) -> str:
        attempt, waited = 0, 0.0
        while True:
            check_cancelled(is_cancelled, "eSCL scan")
            try:
                resp = self.http.post(
                    f"{self.url}/ScanJobs",
                    data=xml.encode(),
                    headers={"Content-Type": "text/xml"},
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                raise DeviceIOError(f"eSCL ScanJobs POST failed: {type(exc).__name__}") from exc
            if resp.status_code in (200, 201) and resp.headers.get("Location"):
                location = resp.headers["Location"]
                return location if location.startswith("http") else self.url.split("/eSCL")[0] + location
            if resp.status_code == 503:
                waited = self._wait(attempt, waited, is_cancelled, "job creation")
                attempt += 1
                continue
            if resp.status_code == 409:
                raise FeederEmptyError("eSCL ScanJobs returned 409 (feeder empty or conflict)")
            raise DeviceIOError(f"eSCL ScanJobs returned HTTP {resp.status_code}")

    def _next_document(self, job: str, is_cancelled: IsCancelled) -> requests.Response | None:
        """The next page of the job, or None at the end of the job (404)."""
        attempt, waited = 0, 0.0
        while True:
            check_cancelled(is_cancelled, "eSCL scan")
            resp = self._get(f"{job.rstrip('/')}/NextDocument")
            if resp.status_code == 200:
                return resp
            if resp.status_code == 404:
                return None
            if resp.status_code == 503:
                waited = self._wait(attempt, waited, is_cancelled, "NextDocument")
                attempt += 1
                continue
            raise DeviceIOError(f"eSCL NextDocument returned HTTP {resp.status_code}")

    def scan(self, settings: ScanSettings, progress: Progress, is_cancelled: IsCancelled) -> Iterator[Page]:
        """Post a job and yield every document the scanner returns until it says 404."""
        caps = self.capabilities()
        xml, dpi, fmt = self.settings_xml(settings, caps)
        if settings.source == "adf" and self.status().get("adf") == "ScannerAdfEmpty":
            raise FeederEmptyError("eSCL scanner reports an empty feeder")
        job = self._create_job(xml, is_cancelled)
        count = 0
        try:
            while settings.max_pages is None or count < settings.max_pages:
                resp = self._next_document(job, is_cancelled)
                if resp is None:
                    break
                mime = resp.headers.get("Content-Type", fmt).split(";")[0].strip()
                for page in decode_document(resp.content, mime, dpi, is_cancelled, count):
                    page.source, page.dpi = PREFIX + self.url, dpi  # the dpi the job asked for
                    in_asked_mode(page, settings.mode)
                    count += 1
                    progress(count, 0)
                    yield page
        finally:
            self._delete(job)
        if count == 0 and settings.source == "adf":
            raise FeederEmptyError("eSCL job ended without a page")
        logger.info("eSCL scan finished: %d pages", count)

    def _delete(self, job: str) -> None:
        try:
            self.http.delete(job, timeout=(2.0, 5.0))
        except requests.RequestException:
            logger.debug("eSCL job delete failed (harmless)")


def in_asked_mode(page: Page, asked: ColorMode) -> None:
    """The mode a page claims matches its pixels: a scanner that answers a gray (or black-and-white)
    job in colour is converted to gray here; black-and-white is decided later by the pipeline."""
    if asked != "color" and page.image.ndim == 3:
        page.image = cv2.cvtColor(page.image, cv2.COLOR_RGB2GRAY)
        page.mode = "gray"
    elif page.image.ndim == 3:
        page.mode = "color"
    else:
        page.mode = "bw" if asked == "bw" else "gray"
