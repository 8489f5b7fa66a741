"""What the clerk has entered so far for one dossier: plain data the steps fill in (no Qt).

Nothing is decided here: validation, fees, due dates and the save itself are app.services calls.
The draft survives any failed step, so a bad file or a full disk never loses what was entered.
`snapshot()` is what a save job gets: a frozen `ReceiveRequest` (and the settings), never the draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.config import Settings
from app.services.cashdesk import Payment, ReceiptChoice
from app.services.fees import Exemption, FeeRequest, adjust_fees
from app.services.quality import document_warnings
from app.services.receipts import ReceiptNo
from app.services.receive_request import DocumentIn, PageMeta, ReceiveRequest
from ui.adapters.catalog import ProcedureView
from ui.ops.save_dossier import PageLayer, SaveDossier


@dataclass
class DraftPage:
    """One page: the contract's page dict plus what the desk shows (thumbnail path, OCR text)."""

    meta: dict[str, Any]  # sha256, size, mime, width, height, dpi, ocr_confidence, rotation, skew, ...
    text: str = ""
    thumb: Any = None  # QImage, set by the view
    source: str = ""  # "scanner", "file", "camera"
    text_pdf: bytes | None = None  # Tesseract's invisible text layer, for the searchable PDF
    is_photo: bool = False

    @classmethod
    def from_item(cls, item: dict[str, Any], thumb: Any = None) -> DraftPage:
        """A page as a scan or import job hands it over (ui.ops.digitize's item)."""
        return cls(
            meta=item["meta"],
            text=item.get("text", ""),
            thumb=thumb,
            source=item.get("source", ""),
            text_pdf=item.get("text_pdf"),
            is_photo=bool(item.get("is_photo")),
        )


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
    # catalog format 2
    case: str = ""  # the case group it belongs to ("" = every case)
    one_of: list[str] = field(default_factory=list)  # alternatives: any one of these papers
    present_only: bool = False  # shown for checking (xuất trình): checked, scanned only if the clerk wants
    base_mandatory: bool = True  # mandatory within its case; `mandatory` follows the chosen case


@dataclass
class ReceiveDraft:
    procedure: ProcedureView | None = None
    applicant: dict[str, Any] = field(default_factory=dict)
    components: list[DraftComponent] = field(default_factory=list)
    fees: list[dict[str, Any]] = field(default_factory=list)
    fees_total: int = 0
    fees_computed_total: int = 0
    fee_override_reason: str = ""
    return_method: dict[str, Any] = field(default_factory=lambda: {"kind": "desk"})
    idcard_source: str = ""
    cases: list[tuple[str, str]] = field(default_factory=list)  # (id, label) of the procedure's cases
    case: str = ""  # the applicant's case
    channel: str = (
        "truc_tiep"  # how the dossier came: truc_tiep | buu_chinh | truc_tuyen (app.domain.vocabulary)
    )
    copies: int = 1  # copies the citizen asks for: what a per-copy fee counts (bản sao trích lục)
    exemption: str = ""  # the `who` of a fee exemption the citizen proves, or OTHER_EXEMPTION
    exemption_reason: str = ""  # the clerk's words for OTHER_EXEMPTION
    exemption_proof: str = ""  # the paper seen (name, number) that proves the exemption
    fee_copies: dict[str, int] = field(default_factory=dict)  # component -> copies counted (clerk's)
    pay_method: str = ""  # cash | epay: collected at the save; transfer | later: left due; "": not chosen
    epay_ref: str = ""
    receipt_kind: str = "printed"  # printed: drawn from the desk's range; else recorded by the clerk
    receipt_no: tuple[str, str, int] = ("", "", 0)  # mẫu số, ký hiệu, số of a recorded biên lai

    def choose_case(self, case: str) -> None:
        """Components of another case stop being required; those of this case (and of every case) are."""
        self.case = case
        for c in self.components:
            c.mandatory = c.base_mandatory and (not c.case or c.case == case)

    def presented(self) -> list[str]:
        """Present-only components checked at the desk and not scanned."""
        return [c.component for c in self.components if c.present_only and c.paper_only and not c.pages]

    def procedure_ref(self) -> tuple[str, int | None]:
        """(code, version) of the chosen procedure."""
        if self.procedure is None:
            return "", None
        return self.procedure["code"], self.procedure["version"]

    def copies_of(self, c: DraftComponent) -> int:
        """Copies of a component a per-page fee counts: the clerk's, else 1 for an original handed in to
        be copied or certified and 0 for the rest (as app.services.fees.counted_components)."""
        return self.fee_copies.get(c.component, 1 if c.copy_kind == "original" else 0)

    def fee_request(self) -> FeeRequest:
        """The cash desk's quote inputs as the fee step stands."""
        ex = None
        if self.exemption == OTHER_EXEMPTION:
            ex = Exemption(self.exemption_reason, self.exemption_proof)
        elif self.exemption:
            ex = Exemption(self.exemption, self.exemption_proof, who=self.exemption)
        copies = tuple((c.component, self.copies_of(c)) for c in self.components)
        return FeeRequest(copies=self.copies, channel=self.channel, exemption=ex, component_copies=copies)

    def fee_documents(self) -> list[dict[str, Any]]:
        """What the quote counts pages from (the pages entered so far, per component)."""
        return [{"component": c.component, "pages": c.pages} for c in self.components if c.pages]

    def payment(self) -> Payment | None:
        """The payment made at the save (cash, e-payment); None when the fee stays due (transfer, later)."""
        if self.pay_method in ("cash", "epay"):
            return Payment(self.pay_method, epay_ref=self.epay_ref.strip())
        return None

    def receipt_choice(self) -> ReceiptChoice:
        if self.receipt_kind == "printed":
            return ReceiptChoice()
        form, series, number = self.receipt_no
        return ReceiptChoice(
            self.receipt_kind, ReceiptNo(form.strip(), series.strip(), number, self.receipt_kind)
        )

    def is_empty(self) -> bool:
        return self.procedure is None and not any(self.applicant.values()) and not self.page_count()

    def page_count(self) -> int:
        return sum(len(c.pages) for c in self.components)

    def pages_by_component(self) -> dict[str, int]:
        return {c.component: len(c.pages) for c in self.components}

    def paper_checked(self) -> dict[str, str]:
        """{component: reason} for the service, for components checked on paper and not scanned."""
        shown = set(self.presented())
        return {
            c.component: c.paper_note
            for c in self.components
            if c.paper_only and not c.pages and c.component not in shown
        }

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

    def warnings(self) -> list[str]:
        """What the clerk should look at before saving (app.services.quality)."""
        return document_warnings(
            [
                {
                    "name": c.name,
                    "mandatory": c.mandatory,
                    "paper_only": c.paper_only,
                    "paper_note": c.paper_note,
                    "pages": [p.meta for p in c.pages],
                }
                for c in self.components
            ]
        )

    def request(self) -> ReceiveRequest:
        """The frozen request `app.services.intake.receive` takes, as the draft stands now."""
        code, version = self.procedure_ref()
        documents = tuple(
            DocumentIn(
                component=c.component,
                name=c.name,
                copy_kind=c.copy_kind,
                pages=tuple(PageMeta.from_dict(p.meta) for p in c.pages),
                ocr_text="\n\n".join(p.text for p in c.pages if p.text),
            )
            for c in self.components
            if c.pages
        )
        return ReceiveRequest(
            procedure_code=code,
            procedure_version=version,
            applicant=tuple(self.applicant.items()),
            documents=documents,
            return_method=tuple(self.return_method.items()),
            paper_checked=tuple(self.paper_checked().items()),
            case=self.case,
            presented=tuple(self.presented()),
            channel=self.channel,
            fee_request=self.fee_request(),
            fee_adjustment=adjust_fees(self.fees, self.fees_total, self.fee_override_reason),
        )

    def snapshot(self, settings: Settings, clerk_id: str) -> SaveDossier:
        """A frozen copy for the save job: later edits of the draft never reach it."""
        layers = tuple(
            tuple(PageLayer(p.text_pdf, p.is_photo) for p in c.pages) for c in self.components if c.pages
        )
        return SaveDossier(
            self.request(), layers, settings, clerk_id, self.payment(), self.receipt_choice(), self.pay_method
        )


PRESENTED_NOTE = "Xuất trình bản chính, đã đối chiếu"
OTHER_EXEMPTION = "__khac__"  # an exemption the catalog does not list: the clerk writes the reason


def components_for(proc: ProcedureView) -> list[DraftComponent]:
    """The checklist of a procedure (as `ui.adapters.catalog.procedure_detail` gives it), empty.

    A present-only paper starts as checked, not scanned (the clerk may still scan it); a paper of one
    case is not required until the clerk picks the applicant's case."""
    out = []
    for c in proc["components"]:
        comp = DraftComponent(c["id"], c["name"], c["copy_kind"], int(c["count"]), bool(c["mandatory"]))
        comp.case, comp.one_of = c["case"], list(c["one_of"])
        comp.present_only, comp.base_mandatory = c["present_only"], comp.mandatory
        if comp.present_only:
            comp.paper_only, comp.paper_note = True, PRESENTED_NOTE
        if comp.case:
            comp.mandatory = False
        out.append(comp)
    return out
