"""Documents of a dossier: check the pages named exist in the blob store, register them, index OCR text.

A page keeps what the clean-up did to it (`steps`) and, when that changed the image, the page as
scanned (`original`, a file of its own that is registered and synced like the page).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from app.domain.errors import ValidationError
from app.domain.events import FileRef
from app.domain.ids import new_id
from app.domain.text import fold_text
from app.domain.vocabulary import COPY_KINDS
from app.storage import BlobStore, Database, record_blob

logger = logging.getLogger(__name__)

PAGE_KEYS = ("sha256", "size", "mime", "width", "height", "dpi", "ocr_confidence", "rotation", "skew")
MAX_STEPS = 32  # a page goes through a handful of clean-up steps; more is not a page from the desk


def _stored(raw: Mapping[str, Any], blobs: BlobStore) -> tuple[str, int]:
    """(sha256, size) of a file the page names, which must be in the blob store at that size."""
    sha = str(raw.get("sha256") or "")
    if not blobs.has(sha):
        raise ValidationError(
            f"page file {sha[:16]} is not in the blob store", "Không tìm thấy tệp ảnh trang đã quét."
        )
    size = blobs.size(sha)
    if int(raw.get("size", size)) != size:
        raise ValidationError(
            f"page file {sha[:16]} size mismatch", "Tệp ảnh trang đã quét không khớp kích thước."
        )
    return sha, size


def _plain(value: object) -> bool:
    """A step's figure: a number, a short word, or a list of them (the corners of a found sheet)."""
    if isinstance(value, list | tuple):
        return len(value) <= 8 and all(_plain(v) for v in value)
    return isinstance(value, int | float | bool) or (isinstance(value, str) and len(value) <= 40)


def _records(raw: object, key: str) -> list[dict[str, Any]]:
    """A page's list of small records, each named by `key` ({"step": "deskew", "degrees": -2.5})."""
    if not isinstance(raw, list | tuple) or len(raw) > MAX_STEPS:
        raise ValidationError(f"bad page {key}s", "Thông tin xử lý ảnh của trang không hợp lệ.")
    out = []
    for item in raw:
        if not (isinstance(item, Mapping) and isinstance(item.get(key), str)):
            raise ValidationError(f"bad page {key}", "Thông tin xử lý ảnh của trang không hợp lệ.")
        if not all(isinstance(k, str) and _plain(v) for k, v in item.items()):
            raise ValidationError(f"bad page {key} value", "Thông tin xử lý ảnh của trang không hợp lệ.")
        out.append(json.loads(json.dumps(dict(item))))  # tuples become lists, as the event stores them
    return out


def _steps(raw: object) -> list[dict[str, Any]]:
    """What the clean-up did to the page, in order ({"step": "deskew", "degrees": -2.5}, ...)."""
    return _records(raw, "step")


def _notes(raw: object) -> list[dict[str, Any]]:
    """What the desk found about the page as it came ({"note": "low_dpi", "dpi": 96, ...}):
    app.services.quality words them for the clerk."""
    return _records(raw, "note")


def _original(raw: Mapping[str, Any], blobs: BlobStore) -> dict[str, Any]:
    """The page as scanned, kept beside the cleaned page: a file of the blob store."""
    sha, size = _stored(raw, blobs)
    out: dict[str, Any] = {"sha256": sha, "size": size, "mime": str(raw.get("mime") or "image/png")}
    if raw.get("dpi"):
        out["dpi"] = int(raw["dpi"])
    return out


def _page(raw: Mapping[str, Any], blobs: BlobStore) -> dict[str, Any]:
    sha, size = _stored(raw, blobs)
    page: dict[str, Any] = {k: raw.get(k) for k in PAGE_KEYS}
    page.update(
        sha256=sha,
        size=size,
        mime=str(raw.get("mime") or "image/png"),
        rotation=int(raw.get("rotation") or 0),
        skew=float(raw.get("skew") or 0.0),
        is_blank=bool(raw.get("is_blank", False)),
        is_color=bool(raw.get("is_color", False)),
    )
    if "steps" in raw:
        page["steps"] = _steps(raw["steps"])
    if raw.get("notes"):
        page["notes"] = _notes(raw["notes"])
    original = raw.get("original")
    if isinstance(original, Mapping):
        page["original"] = _original(original, blobs)
    elif original is not None:
        raise ValidationError("bad page original", "Không tìm thấy tệp ảnh gốc của trang đã quét.")
    return page


def clean_documents(
    raw_docs: Sequence[Mapping[str, Any]], blobs: BlobStore
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Validated document dicts for an event payload, and {document_id: OCR text} kept out of the event."""
    documents: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    for raw in raw_docs:
        copy_kind = str(raw.get("copy_kind") or "copy")
        if copy_kind not in COPY_KINDS:
            raise ValidationError(
                f"bad copy_kind {copy_kind!r}",
                "Loại bản giấy tờ phải là bản chính, bản sao chứng thực hoặc bản chụp.",
            )
        name = str(raw.get("name") or "").strip()
        if not name:
            raise ValidationError("document without a name", "Mỗi tài liệu phải có tên.")
        pdf = raw.get("pdf")
        if pdf:
            _stored(pdf, blobs)
            pdf = {
                "sha256": pdf["sha256"],
                "size": int(pdf["size"]),
                "mime": str(pdf.get("mime") or "application/pdf"),
            }
        doc: dict[str, Any] = {
            "id": str(raw.get("id") or new_id()),
            "component": str(raw.get("component") or ""),
            "name": name,
            "copy_kind": copy_kind,
            "pages": [_page(p, blobs) for p in raw.get("pages") or []],
            "pdf": pdf,
        }
        if raw.get("ocr_text"):
            texts[doc["id"]] = str(raw["ocr_text"])
        documents.append(doc)
    return documents, texts


def register_files(db: Database, documents: Sequence[Mapping[str, Any]]) -> None:
    """Record every page and PDF in `blobs` (inside the caller's transaction)."""
    for doc in documents:
        pages = doc.get("pages", [])
        originals = [p["original"] for p in pages if p.get("original")]
        for item in [*pages, *originals, *([doc["pdf"]] if doc.get("pdf") else [])]:
            record_blob(db, FileRef(item["sha256"], int(item["size"])), str(item.get("mime") or ""))


def index_texts(db: Database, dossier_id: str, texts: Mapping[str, str]) -> None:
    """Store the OCR text of documents in the full-text index (local only; never logged)."""
    if not texts:
        return
    with db.transaction() as conn:
        rid = conn.execute("SELECT rid FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()[0]
        for document_id, text in texts.items():
            row = conn.execute(
                "INSERT INTO document_texts (dossier_rid, document_id) VALUES (?, ?) "
                "ON CONFLICT (document_id) DO UPDATE SET dossier_rid = excluded.dossier_rid RETURNING rid",
                (rid, document_id),
            ).fetchone()
            conn.execute("DELETE FROM document_text WHERE rowid = ?", (row[0],))
            conn.execute("INSERT INTO document_text (rowid, text) VALUES (?, ?)", (row[0], fold_text(text)))


def set_document_text(db: Database, dossier_id: str, document_id: str, text: str) -> None:
    """Index (or re-index) the OCR text of one document, e.g. when OCR finishes after receipt."""
    index_texts(db, dossier_id, {document_id: text})
