"""Job functions (run off the UI thread): save a dossier, make forms, read QR codes, talk to scanners.

Each opens what it needs itself (a SQLite connection belongs to the thread that opened it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from app.config import Settings
from ui.backend import draft_request, job_desk
from ui.workers.pages import import_pages_job, open_source, rotate_page_job, scan_pages_job, scan_settings

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

__all__ = ["import_pages_job", "rotate_page_job", "scan_pages_job"]


def save_dossier_job(
    home: Path, clerk_id: str, draft: Any, *, progress: Progress, is_cancelled: IsCancelled
) -> dict[str, Any]:
    """Build each document's searchable PDF, then receive the dossier in one transaction."""
    from app.services.intake import receive

    desk = job_desk(home, clerk_id)
    try:
        make_document_pdfs(desk, draft, progress, is_cancelled)
        state = receive(desk, draft_request(draft))
    finally:
        desk.db.close()
    return {
        "id": state.id,
        "code": state.code,
        "due_date": state.due_date,
        "due_text": f"{state.due_date[8:10]}/{state.due_date[5:7]}/{state.due_date[:4]}"
        if state.due_date
        else "",
    }


def make_document_pdfs(desk: Any, draft: Any, progress: Progress, is_cancelled: IsCancelled) -> None:
    """One searchable PDF per component with pages (scanner.pdf), stored as a blob before the save."""
    from scanner.pdf import PdfPage, build_pdf
    from ui.workers.jobs import JobCancelled

    comps = [c for c in draft.components if c.pages]
    for i, comp in enumerate(comps):
        if is_cancelled():
            raise JobCancelled()
        pdf_pages = []
        for p in comp.pages:
            image = decode_png(desk.blobs.read_bytes(p.meta["sha256"]))
            gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
            color = image if image.ndim == 3 else None
            pdf_pages.append(PdfPage(gray, int(p.meta.get("dpi") or 300), color, p.is_photo, p.text_pdf))
        ref = desk.blobs.put_bytes(build_pdf(pdf_pages, title=comp.name))
        comp.pdf = {"sha256": ref.sha256, "size": ref.size, "mime": "application/pdf"}
        progress(i + 1, len(comps))


def decode_png(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if image.ndim == 3 else image


def first_page_image(path: Path, is_cancelled: IsCancelled) -> np.ndarray:
    """The first page of an image file or PDF (scanner.sources.files: bad files get a clear error)."""
    from scanner.sources.base import ScanSettings
    from scanner.sources.files import FileSource

    pages = FileSource([path]).scan(ScanSettings(dpi=300, max_pages=1), lambda d, t: None, is_cancelled)
    return next(iter(pages)).image


def form_pdf_job(
    home: Path,
    form: str,
    dossier_id: str,
    out: Path,
    clerk_name: str = "",
    *,
    progress: Progress,
    is_cancelled: IsCancelled,
) -> Path:
    """Forms 01 (receipt), 02, 03, 04 of a dossier as an A4 PDF (app.forms), written atomically."""
    from app import forms
    from app.catalog import get_procedure
    from app.services.queries import get_dossier
    from app.storage.events import load_events

    desk = read_only(home)
    try:
        state = get_dossier(desk.db, dossier_id)
        if form == "01":
            received = next(e for e in load_events(desk.db, state.id) if e.type.value == "received")
            proc = get_procedure(desk.db.conn, state.procedure["code"], state.procedure.get("version"))
            extras = forms.ReceiptExtras(
                due_time=str(received.payload.get("due_time") or "16:00"), clerk_name=clerk_name
            )
            data = forms.render_receipt(state, desk.settings, proc, extras)
        elif form == "02":
            data = forms.render_supplement_request(state, desk.settings, clerk_name=clerk_name)
        elif form == "03":
            data = forms.render_refusal(state, desk.settings, clerk_name=clerk_name)
        elif form == "04":
            data = forms.render_apology(state, desk.settings, signer_name=clerk_name)
        else:
            raise ValueError(f"unknown form {form}")
    finally:
        desk.db.close()
    write_atomic(out, data, home)
    return out


class _ReadOnly:
    """The store and settings for a job that only reads (forms): no clerk needed."""

    def __init__(self, home: Path) -> None:
        from app.config import load_settings
        from ui.backend import open_store

        self.db = open_store(home)
        self.settings = load_settings(home)


def read_only(home: Path) -> _ReadOnly:
    return _ReadOnly(home)


def write_atomic(out: Path, data: bytes, home: Path) -> None:
    """A form for printing: sealed under the store key (app.storage.scratch), never clear on disk."""
    from app.storage import scratch

    scratch.write(home, out, data)


def receipt_pdf_job(
    home: Path,
    dossier_id: str,
    out: Path,
    clerk_name: str = "",
    *,
    progress: Progress,
    is_cancelled: IsCancelled,
) -> Path:
    return form_pdf_job(home, "01", dossier_id, out, clerk_name, progress=progress, is_cancelled=is_cancelled)


def guidance_pdf_job(
    home: Path, code: str, out: Path, *, progress: Progress, is_cancelled: IsCancelled
) -> Path:
    from app import forms
    from app.catalog import get_procedure

    desk = read_only(home)
    try:
        data = forms.render_guidance(get_procedure(desk.db.conn, code), desk.settings)
    finally:
        desk.db.close()
    write_atomic(out, data, home)
    return out


def read_idcard_job(path: Path, *, progress: Progress, is_cancelled: IsCancelled) -> dict[str, Any]:
    """The applicant from the QR code of a CCCD in an image file (scanner.idcard)."""
    from scanner.idcard import read_idcard

    return read_idcard(first_page_image(path, is_cancelled)).to_json()


def scan_idcard_job(settings: Settings, *, progress: Progress, is_cancelled: IsCancelled) -> dict[str, Any]:
    from scanner.idcard import read_idcard

    source = open_source(settings.scanner_device)
    page = next(iter(source.scan(scan_settings(settings, 1), progress, is_cancelled)))
    card = read_idcard(page.image)
    return card.to_json()


def camera_idcard_job(*, progress: Progress, is_cancelled: IsCancelled) -> dict[str, Any]:
    from scanner.idcard import read_idcard
    from scanner.sources.base import ScanSettings

    page = next(iter(open_source("camera:0").scan(ScanSettings(max_pages=1), progress, is_cancelled)))
    card = read_idcard(page.image)
    return card.to_json()


def read_receipt_qr_job(path: Path, *, progress: Progress, is_cancelled: IsCancelled) -> str:
    """The dossier code from the QR on a receipt (form 01), from an image file."""
    return receipt_code(first_page_image(path, is_cancelled))


def scan_receipt_qr_job(settings: Settings, *, progress: Progress, is_cancelled: IsCancelled) -> str:
    source = open_source(settings.scanner_device)
    page = next(iter(source.scan(scan_settings(settings, 1), progress, is_cancelled)))
    return receipt_code(page.image)


def receipt_code(image: np.ndarray) -> str:
    """The dossier code in the QR of a receipt (the first QR text that is not an ID card's)."""
    from scanner.errors import QrNotFoundError
    from scanner.idcard import find_qr_texts

    texts = [t.strip() for t in find_qr_texts(image) if "|" not in t]
    if not texts:
        raise QrNotFoundError(
            "no dossier QR code in the image",
            "Không đọc được mã QR trên giấy tiếp nhận. Hãy quét lại hoặc gõ mã hồ sơ.",
        )
    return texts[0]


def list_scanners_job(*, progress: Progress, is_cancelled: IsCancelled) -> list[dict[str, str]]:
    from scanner.sources import list_devices

    return [d.to_json() for d in list_devices(discover_network=True, cameras=False)]


def test_scan_job(settings: Settings, *, progress: Progress, is_cancelled: IsCancelled) -> bytes:
    from ui.workers.pages import thumbnail_png

    source = open_source(settings.scanner_device)
    page = next(iter(source.scan(scan_settings(settings, 1), progress, is_cancelled)))
    return thumbnail_png(page.image)


def sync_once_job(home: Path, *, progress: Progress, is_cancelled: IsCancelled) -> Any:
    """One sync pass (sync.engine); the report says offline/auth/... in plain Vietnamese."""
    from sync.engine import SyncConfig, run_once

    return run_once(SyncConfig(home=home), progress, is_cancelled)
