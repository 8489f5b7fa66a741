"""Mẫu số 07 (TT 03/2025): Sổ theo dõi hồ sơ, one day or one month (A4 landscape).

The official column layout was not found (only a secondary list of the forms): the columns follow a
vendor's export (DOMAIN.md) plus the register number and the cancellation note."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.catalog.fees import vnd
from app.config import Settings
from app.domain.state import STATUS_LABELS_VI, DossierState
from app.domain.vocabulary import register_no_text, vn_short
from app.form_templates import FormTemplate, shipped_template
from app.forms.base import FormPDF, vn_long_date

COLUMNS = (
    "col_no",
    "col_register_no",
    "col_code",
    "col_procedure",
    "col_applicant",
    "col_received",
    "col_due",
    "col_returned",
    "col_fees",
    "col_status",
    "col_signed",
)


def header(template: FormTemplate | None = None) -> list[str]:
    """The column headings in the wording of `template` (the shipped one by default)."""
    t = template or shipped_template("07")
    return [t.text(k) for k in COLUMNS]


HEADER = header()
WIDTHS = (8, 18, 46, 42, 30, 22, 22, 22, 18, 22, 12)


def _row(i: int, s: DossierState) -> list[str]:
    returned = vn_short((s.returned or {}).get("at")) if s.returned else ""
    status = STATUS_LABELS_VI.get(s.status, str(s.status))
    if s.cancelled:  # the entry stays in the book, marked, with the reason (its number is never reused)
        status += f": {s.cancelled.get('reason', '')}"
    return [
        str(i),
        register_no_text(int(s.register["no"])) if s.register else "",
        s.code or "",
        str(s.procedure.get("name", "")),
        str(s.applicant.get("org_name") or s.applicant.get("full_name", "")),
        vn_short(s.received_at),
        vn_short(s.due_date),
        returned,
        vnd(s.fees_quoted),
        status,
        "",
    ]


def register_rows(states: Sequence[DossierState]) -> list[list[str]]:
    """The register's rows (also the XLSX export), in order of receipt."""
    ordered = sorted(states, key=lambda s: (s.received_at or "", s.code or ""))
    return [_row(i, s) for i, s in enumerate(ordered, start=1)]


def render_register(
    states: Sequence[DossierState],
    settings: Settings,
    day: date,
    book: str = "",
    period: str = "",
    template: FormTemplate | None = None,
) -> bytes:
    """The register page(s) of `day` (or of `period`, e.g. 'Tháng 11 năm 2026'): one row per dossier.
    In the wording of the centre's `template`; a published one also prints its footer and version."""
    ordered = sorted(states, key=lambda s: (s.received_at or "", s.code or ""))
    t = template or shipped_template("07")
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Sổ theo dõi hồ sơ {day.isoformat()}",
        heading=t.text("title"),
        form_no="07",
        subtitle=(period or vn_long_date(day).capitalize())
        + (f" - {t.text('book_label')} {book}" if book else ""),
        orientation="landscape",
        template=None if t.is_shipped else t,
    )
    rows = register_rows(ordered)
    pdf.grid(header(t), rows or [[""] * len(COLUMNS)], WIDTHS, size=9)
    total = sum(s.fees_quoted for s in ordered)
    pdf.rich(
        (f"{t.text('total_label')}: ", ""),
        (str(len(ordered)), "B"),
        (f"    {t.text('total_fees_label')}: ", ""),
        (vnd(total), "B"),
        size=11,
    )
    pdf.signatures([(t.text("sign_keeper"), ""), (t.text("sign_head"), "")], gap=18)
    return pdf.bytes()
