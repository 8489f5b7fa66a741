"""What the clerk has entered so far for one dossier: plain data the steps fill in.

Nothing is decided here: validation, fees, due dates and the save itself are app.services calls.
The draft survives any failed step, so a bad file or a full disk never loses what was entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DraftPage:
    """One page: the contract's page dict plus what the desk shows (thumbnail path, OCR text)."""

    meta: dict[str, Any]  # sha256, size, mime, width, height, dpi, ocr_confidence, rotation, skew, ...
    text: str = ""
    thumb: Any = None  # QImage, set by the view
    source: str = ""  # "scanner", "file", "camera"
    text_pdf: bytes | None = None  # Tesseract's invisible text layer, for the searchable PDF
    is_photo: bool = False


@dataclass
class DraftComponent:
    component: str
    name: str
    copy_kind: str
    count: int
    mandatory: bool
    pages: list[DraftPage] = field(default_factory=list)
    paper_only: bool = False  # "đã kiểm tra bản giấy, không số hóa": shown and handed back
    paper_note: str = ""  # the short reason the service requires with paper_only
    pdf: dict[str, Any] | None = None  # the searchable PDF, made when the dossier is saved


@dataclass
class ReceiveDraft:
    procedure: dict[str, Any] | None = None
    applicant: dict[str, Any] = field(default_factory=dict)
    components: list[DraftComponent] = field(default_factory=list)
    fees: list[dict[str, Any]] = field(default_factory=list)
    fees_total: int = 0
    fees_computed_total: int = 0
    fee_override_reason: str = ""
    return_method: dict[str, Any] = field(default_factory=lambda: {"kind": "desk"})
    idcard_source: str = ""

    def is_empty(self) -> bool:
        return self.procedure is None and not any(self.applicant.values()) and not self.page_count()

    def page_count(self) -> int:
        return sum(len(c.pages) for c in self.components)

    def pages_by_component(self) -> dict[str, int]:
        return {c.component: len(c.pages) for c in self.components}

    def paper_checked(self) -> dict[str, str]:
        """{component: reason} for the service, for components checked on paper and not scanned."""
        return {c.component: c.paper_note for c in self.components if c.paper_only and not c.pages}

    def checklist(self) -> list[dict[str, Any]]:
        return [
            {
                "component": c.component,
                "name": c.name,
                "copy_kind": c.copy_kind,
                "count": c.count,
                "mandatory": c.mandatory,
                "provided": bool(c.pages) or (c.paper_only and bool(c.paper_note.strip())),
            }
            for c in self.components
        ]
