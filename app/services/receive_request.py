"""What `app.services.intake.receive` takes, typed: a `ReceiveRequest` of `DocumentIn`s of `PageMeta`s.

Frozen, so a request handed to a job thread cannot change under it. `as_mapping()` gives the event
contract's dict shape that the intake checks (the same checks as for a dict from a script or a test).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.services.fees import FeeAdjustment, FeeRequest

PAGE_FIELDS = ("sha256", "size", "mime", "width", "height", "dpi", "ocr_confidence", "rotation", "skew")


@dataclass(frozen=True)
class PageMeta:
    """One stored page image (already in the BlobStore), as the event contract describes it."""

    sha256: str
    size: int
    mime: str = "image/png"
    width: int = 0
    height: int = 0
    dpi: int = 300
    ocr_confidence: float | None = None
    rotation: int = 0
    skew: float = 0.0
    is_blank: bool = False
    is_color: bool = False
    extra: tuple[tuple[str, Any], ...] = ()  # keys the digitizer adds beyond the contract's own

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PageMeta:
        known = (*PAGE_FIELDS, "is_blank", "is_color")
        conf = raw.get("ocr_confidence")
        return cls(
            sha256=str(raw.get("sha256") or ""),
            size=int(raw.get("size") or 0),
            mime=str(raw.get("mime") or "image/png"),
            width=int(raw.get("width") or 0),
            height=int(raw.get("height") or 0),
            dpi=int(raw.get("dpi") or 300),
            ocr_confidence=None if conf is None else float(conf),
            rotation=int(raw.get("rotation") or 0),
            skew=float(raw.get("skew") or 0.0),
            is_blank=bool(raw.get("is_blank", False)),
            is_color=bool(raw.get("is_color", False)),
            extra=tuple((k, v) for k, v in raw.items() if k not in known),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in PAGE_FIELDS}
        out.update(is_blank=self.is_blank, is_color=self.is_color)
        out.update(dict(self.extra))
        return out


@dataclass(frozen=True)
class FileIn:
    """A stored file named by content (a document's searchable PDF)."""

    sha256: str
    size: int
    mime: str = "application/pdf"

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "size": self.size, "mime": self.mime}


@dataclass(frozen=True)
class DocumentIn:
    """One checklist component's scanned document."""

    component: str
    name: str
    copy_kind: str
    pages: tuple[PageMeta, ...]
    pdf: FileIn | None = None
    ocr_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "name": self.name,
            "copy_kind": self.copy_kind,
            "pages": [p.to_dict() for p in self.pages],
            "pdf": self.pdf.to_dict() if self.pdf else None,
            "ocr_text": self.ocr_text,
        }


@dataclass(frozen=True)
class ReceiveRequest:
    """A new dossier as the clerk entered it; the service computes checklist, fees, due date and code."""

    procedure_code: str
    procedure_version: int | None
    applicant: tuple[tuple[str, Any], ...]
    documents: tuple[DocumentIn, ...] = ()
    return_method: tuple[tuple[str, Any], ...] = (("kind", "desk"),)
    paper_checked: tuple[tuple[str, str], ...] = ()  # (component, short reason): checked on paper only
    fee_adjustment: FeeAdjustment | None = None
    case: str = ""  # the applicant's case (a Case id of the procedure); "" = none chosen
    presented: tuple[str, ...] = ()  # present-only components shown at the desk (xuất trình)
    channel: str = "truc_tiep"  # truc_tiep | buu_chinh (the postal price) | truc_tuyen
    exemption: str = ""  # the fee exemption's "who", as the catalog words it; "" = none
    copies: int = 1
    online: bool = False
    allow_incomplete: bool = False
    fee_request: FeeRequest | None = None  # the cash desk's quote inputs (the receive flow's fee step)

    def as_mapping(self) -> dict[str, Any]:
        """The dict shape `intake.receive` checks (the same rules as for any caller)."""
        out: dict[str, Any] = {
            "procedure": {"code": self.procedure_code, "version": self.procedure_version},
            "applicant": dict(self.applicant),
            "documents": [d.to_dict() for d in self.documents],
            "return_method": dict(self.return_method),
            "copies": self.copies,
            "online": self.online,
            "allow_incomplete": self.allow_incomplete,
        }
        if self.paper_checked:
            out["paper_checked"] = dict(self.paper_checked)
        out.update(self._rich())
        if self.fee_request is not None:
            out["fee_request"] = self.fee_request.to_dict()
        if self.fee_adjustment is not None:
            out["fees"] = [dict(line) for line in self.fee_adjustment.lines]
            out["fee_override_reason"] = self.fee_adjustment.reason
        return out

    def _rich(self) -> dict[str, Any]:
        """The catalog-format-2 parts, only when given (case, papers shown, channel, exemption)."""
        out: dict[str, Any] = {}
        if self.case:
            out["case"] = self.case
        if self.presented:
            out["presented"] = list(self.presented)
        if self.channel != "truc_tiep":
            out["channel"] = self.channel
        if self.exemption:
            out["exemption"] = self.exemption
        return out
