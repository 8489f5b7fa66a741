"""Save a dossier: one searchable PDF per scanned document, then `intake.receive` in one transaction.

The input is frozen (`SaveDossier`: the `ReceiveRequest` and each page's text layer), so the draft a
clerk keeps editing on the screen never reaches the job thread.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from app.config import Settings, blobs_dir
from app.digitization import DEFAULT_PROFILE, DigitizationProfile, installed_profile
from app.domain.vocabulary import vn_date
from app.forms.bienlai import BienLai
from app.services import cashdesk as cd
from app.services.receive_request import DocumentIn, FileIn, ReceiveRequest
from app.storage import BlobStore
from scanner.pdf import PdfPage, build_pdf
from ui.ops.base import IsCancelled, Progress, check_cancelled
from ui.ops.store import open_desk

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageLayer:
    """What the PDF of a page needs beyond its image: Tesseract's text layer, photo or scan."""

    text_pdf: bytes | None = None
    is_photo: bool = False


@dataclass(frozen=True)
class SaveDossier:
    """The request and, per document and page (in the same order), its text layer."""

    request: ReceiveRequest
    layers: tuple[tuple[PageLayer, ...], ...]
    settings: Settings
    clerk_id: str
    payment: cd.Payment | None = None  # paid at the save (cash, e-payment): collected with the dossier
    receipt: cd.ReceiptChoice = field(default_factory=cd.ReceiptChoice)
    pay_method: str = "cash"  # as the clerk chose it: transfer | later leave the fee due

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", copy.deepcopy(self.settings))  # the job's own copy


@dataclass(frozen=True)
class SavedDossier:
    id: str
    code: str
    due_date: str
    due_text: str  # dd/mm/yyyy
    fees_total: int = 0
    fees_collected: int = 0
    pay_method: str = "cash"
    receipt_text: str = ""  # the biên lai number drawn or recorded at the save
    qr_payload: str = ""  # the VietQR of the amount still due (transfer chosen, or due later)
    bienlai: BienLai | None = None  # the printed biên lai's content, when one was drawn

    @property
    def fees_due(self) -> int:
        return self.fees_total - self.fees_collected


def run(home: Path, job: SaveDossier, progress: Progress, is_cancelled: IsCancelled) -> SavedDossier:
    """Build each document's PDF (stored as a blob), then receive the dossier and, paid now, collect its
    fees with a biên lai in the same transaction; returns its code and what is still due."""
    desk = open_desk(home, job.settings, job.clerk_id)
    try:
        documents = make_pdfs(desk.blobs, job, progress, is_cancelled, installed_profile(home))
        request = replace(job.request, documents=documents)
        state, got = cd.receive_and_collect(desk, request, job.payment, job.receipt)
        qr = cd.payment_qr(desk, state, state.fees_quoted - state.fees_collected)
        bienlai = cd.printable(desk, got) if got and got.receipt and got.receipt.kind == "printed" else None
    finally:
        desk.db.close()
    due = state.due_date or ""
    return SavedDossier(state.id, state.code or "", due, vn_date(due), state.fees_quoted, state.fees_collected,
                        job.pay_method, got.receipt.text if got and got.receipt else "", qr, bienlai)  # fmt: skip


def make_pdfs(
    blobs: BlobStore,
    job: SaveDossier,
    progress: Progress,
    is_cancelled: IsCancelled,
    profile: DigitizationProfile = DEFAULT_PROFILE,
) -> tuple[DocumentIn, ...]:
    """The documents with their searchable PDF (scanner.pdf) stored before the save, in the profile's
    tones and within its KB per page where the background can be made to fit."""
    out = []
    docs = job.request.documents
    for i, (doc, layers) in enumerate(zip(docs, job.layers, strict=True)):
        check_cancelled(is_cancelled, "dossier save")
        pdf = searchable_pdf(blobs, doc.name, [(p.sha256, p.dpi) for p in doc.pages], layers, profile)
        out.append(replace(doc, pdf=pdf))
        progress(i + 1, len(docs))
    return tuple(out)


def searchable_pdf(
    blobs: BlobStore,
    title: str,
    pages: Sequence[tuple[str, int]],
    layers: Sequence[PageLayer],
    profile: DigitizationProfile = DEFAULT_PROFILE,
) -> FileIn:
    """One document's searchable PDF from its stored pages (sha256, dpi) and their text layers, stored
    as a blob, in the profile's tones and within its KB per page."""
    pdf_pages = [
        pdf_page(decode_png(blobs.read_bytes(sha)), dpi, layer, profile.keeps_tones)
        for (sha, dpi), layer in zip(pages, layers, strict=True)
    ]
    ref = blobs.put_bytes(build_pdf(pdf_pages, title=title, kb_per_page=profile.kb_per_page))
    return FileIn(ref.sha256, ref.size)


@dataclass(frozen=True)
class BroughtBack:
    """The papers brought back after form 02, read as at intake: each page's stored meta and layer."""

    name: str
    metas: tuple[dict[str, Any], ...]
    layers: tuple[PageLayer, ...]
    text: str = ""


def brought_back_document(
    home: Path, papers: BroughtBack, progress: Progress, is_cancelled: IsCancelled
) -> dict[str, Any]:
    """The document `intake.add_documents` takes, with its searchable PDF built as at the save."""
    check_cancelled(is_cancelled, "papers brought back")
    blobs = BlobStore(blobs_dir(home))
    pages = [(str(m["sha256"]), int(m.get("dpi") or 300)) for m in papers.metas]
    pdf = searchable_pdf(blobs, papers.name, pages, papers.layers, installed_profile(home))
    progress(1, 1)
    return {
        "component": "",
        "name": papers.name,
        "copy_kind": "copy",
        "pages": [dict(m) for m in papers.metas],
        "ocr_text": papers.text,
        "pdf": {"sha256": pdf.sha256, "size": pdf.size, "mime": "application/pdf"},
    }


def pdf_page(image: np.ndarray, dpi: int, layer: PageLayer, keep_tones: bool = False) -> PdfPage:
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    color = image if image.ndim == 3 else None
    return PdfPage(gray, int(dpi or 300), color, layer.is_photo, layer.text_pdf, keep_tones)


def decode_png(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ValueError("a stored page is not a readable PNG")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if image.ndim == 3 else image
