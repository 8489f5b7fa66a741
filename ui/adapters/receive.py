"""The receive wizard's short reads: applicant checks, a returning applicant, fees, the due date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.catalog import get_procedure
from app.domain.errors import ValidationError
from app.domain.validation import check_applicant
from app.domain.vocabulary import vn_date
from app.services.applicants import find_returning_applicant
from app.services.context import vn_now
from app.services.fees import FeeQuote, FeeRequest, quote_procedure
from app.services.intake import validate_return_method as check_return_method
from app.services.quality import PAPER_NOTE_MAX as PAPER_NOTE_MAX  # the reason field's limit
from app.services.quality import page_notes as page_notes  # low dpi, over the KB budget
from app.services.quality import page_quality as grade
from app.services.receipts import list_ranges
from ui.adapters.session import service_desk
from ui.context import DeskContext


def validate_applicant(ctx: DeskContext, applicant: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(problems, warnings) from the core's applicant rules."""
    check = check_applicant(dict(applicant))
    return list(check.problems), list(check.warnings)


def find_applicant(ctx: DeskContext, id_number: str) -> dict[str, Any] | None:
    return find_returning_applicant(ctx.db, id_number)


def validate_return_method(ctx: DeskContext, method: Mapping[str, Any]) -> list[str]:
    try:
        check_return_method(method)
    except ValidationError as exc:
        return [exc.user_message]
    return []


def page_quality(meta: Mapping[str, Any]) -> tuple[str, str]:
    return grade(meta)


def quote_fees(
    ctx: DeskContext, code: str, version: int | None, documents: Sequence[Mapping[str, Any]], req: FeeRequest
) -> FeeQuote:
    """The cash desk's quote for the dossier as entered so far (the save quotes it again, the same way)."""
    return quote_procedure(get_procedure(ctx.db.conn, code, version), documents, req)


def has_receipt_numbers(ctx: DeskContext, kind: str = "printed") -> bool:
    """Whether this desk has biên lai numbers of `kind` left in the ranges it was given."""
    return any(r.kind == kind and r.left > 0 for r in list_ranges(ctx.db, ctx.settings.desk))


def fee_exemptions(ctx: DeskContext, code: str, version: int | None) -> list[tuple[str, str]]:
    """(who, proof) of the fee exemptions the procedure's rules list."""
    proc = get_procedure(ctx.db.conn, code, version)
    seen = {e.who: e.proof for rule in proc.fees for e in rule.exemptions}
    return list(seen.items())


def counts_copies(ctx: DeskContext, code: str, version: int | None) -> bool:
    """Whether a fee rule of the procedure is charged per copy asked for (the copies field then counts)."""
    return any(rule.kind == "per_copy" for rule in get_procedure(ctx.db.conn, code, version).fees)


def preview_due(ctx: DeskContext, code: str, version: int | None) -> str:
    """The appointment if saved now (the service computes it again at save time)."""
    proc = get_procedure(ctx.db.conn, code, version)
    appt = service_desk(ctx).calendar.appointment(vn_now(), proc.processing.kind, proc.processing.count)
    text = f"{appt.due_time_text} ngày {vn_date(appt.due_date)}"
    return (
        f"{text} (cảnh báo: {appt.warning}; ngày hẹn tính theo lịch nghỉ lễ dự kiến)"
        if appt.warning
        else text
    )
