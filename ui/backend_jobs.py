"""Job functions (run off the UI thread): save a dossier, make forms, read QR codes, talk to scanners.

Each opens what it needs itself (a SQLite connection belongs to the thread that opened it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.config import Settings
from ui.backend import draft_request, job_desk
from ui.workers.pages import import_pages_job, open_source, rotate_page_job, scan_pages_job, scan_settings

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

__all__ = ["import_pages_job", "rotate_page_job", "scan_pages_job"]


def save_dossier_job(home: Path, clerk_id: str, draft: Any, *, progress: Progress, is_cancelled: IsCancelled) -> dict[str, Any]:
    """Build each document's searchable PDF, then receive the dossier in one transaction."""
    from app.services.intake import receive

    desk = job_desk(home, clerk_id)
    try:
        make_document_pdfs(desk, draft, progress, is_cancelled)
        state = receive(desk, draft_request(draft))
    finally:
        desk.db.close()
    return {"id": state.id, "code": state.code, "due_date": state.due_date,
            "due_text": f"{state.due_date[8:10]}/{state.due_date[5:7]}/{state.due_date[:4]}" if state.due_date else ""}


def make_document_pdfs(desk: Any, draft: Any, progress: Progress, is_cancelled: IsCancelled) -> None:
    """One searchable PDF per component with pages (scanner.pdf), stored as a blob."""
    try:
        from scanner.pdf import build_pdf  # type: ignore[import-not-found]
    except ImportError:
        logger.info("scanner.pdf not available: documents saved as page images only")
        return
    comps = [c for c in draft.components if c.pages]
    for i, comp in enumerate(comps):
        if is_cancelled():
            from ui.workers.jobs import JobCancelled

            raise JobCancelled()
        paths = [desk.blobs.path(p.meta["sha256"]) for p in comp.pages]
        data = build_pdf(paths, title=comp.name)
        ref = desk.blobs.put_bytes(data)
        comp.pdf = {"sha256": ref.sha256, "size": ref.size, "mime": "application/pdf"}
        progress(i + 1, len(comps))


def form_pdf_job(home: Path, form: str, dossier_id: str, out: Path, *, progress: Progress, is_cancelled: IsCancelled) -> Path:
    """Forms 01 (receipt), 02, 03, 04 of a dossier as an A4 PDF (app.forms)."""
    from app import forms

    desk = job_desk(home, "system")
    try:
        from app.services.queries import get_dossier

        state = get_dossier(desk.db, dossier_id)
        data = forms.render(form, state, desk.settings)
    finally:
        desk.db.close()
    out.write_bytes(data)
    return out


def receipt_pdf_job(home: Path, dossier_id: str, out: Path, *, progress: Progress, is_cancelled: IsCancelled) -> Path:
    return form_pdf_job(home, "01", dossier_id, out, progress=progress, is_cancelled=is_cancelled)


def guidance_pdf_job(home: Path, code: str, out: Path, *, progress: Progress, is_cancelled: IsCancelled) -> Path:
    from app import forms
    from app.catalog import get_procedure

    desk = job_desk(home, "system")
    try:
        data = forms.guidance(get_procedure(desk.db.conn, code), desk.settings)
    finally:
        desk.db.close()
    out.write_bytes(data)
    return out


def read_idcard_job(path: Path, *, progress: Progress, is_cancelled: IsCancelled) -> dict[str, Any]:
    """The applicant from the QR code of a CCCD in an image file (scanner.idcard)."""
    from scanner.idcard import read_idcard

    card = read_idcard(path)
    return card if isinstance(card, dict) else card.to_dict()


def scan_idcard_job(settings: Settings, *, progress: Progress, is_cancelled: IsCancelled) -> dict[str, Any]:
    from scanner.idcard import read_idcard

    source = open_source(settings.scanner_device)
    page = next(iter(source.scan(scan_settings(settings, 1), progress, is_cancelled)))
    card = read_idcard(page.image)
    return card if isinstance(card, dict) else card.to_dict()


def camera_idcard_job(*, progress: Progress, is_cancelled: IsCancelled) -> dict[str, Any]:
    from scanner.idcard import read_idcard
    from scanner.sources.base import ScanSettings

    page = next(iter(open_source("camera:0").scan(ScanSettings(max_pages=1), progress, is_cancelled)))
    card = read_idcard(page.image)
    return card if isinstance(card, dict) else card.to_dict()


def read_receipt_qr_job(path: Path, *, progress: Progress, is_cancelled: IsCancelled) -> str:
    """The dossier code from the QR on a receipt (form 01), from an image file."""
    from scanner.idcard import decode_qr  # type: ignore[attr-defined]

    return str(decode_qr(path)).strip()


def scan_receipt_qr_job(settings: Settings, *, progress: Progress, is_cancelled: IsCancelled) -> str:
    from scanner.idcard import decode_qr  # type: ignore[attr-defined]

    source = open_source(settings.scanner_device)
    page = next(iter(source.scan(scan_settings(settings, 1), progress, is_cancelled)))
    return str(decode_qr(page.image)).strip()


def list_scanners_job(*, progress: Progress, is_cancelled: IsCancelled) -> list[dict[str, str]]:
    from scanner.sources.sane import list_sane_devices

    return [d.to_json() for d in list_sane_devices()]


def test_scan_job(settings: Settings, *, progress: Progress, is_cancelled: IsCancelled) -> bytes:
    from ui.workers.pages import thumbnail_png

    source = open_source(settings.scanner_device)
    page = next(iter(source.scan(scan_settings(settings, 1), progress, is_cancelled)))
    return thumbnail_png(page.image)


def sync_once_job(home: Path, *, progress: Progress, is_cancelled: IsCancelled) -> Any:
    from sync.engine import run_once  # type: ignore[attr-defined]

    return run_once(home, progress=progress, is_cancelled=is_cancelled)
