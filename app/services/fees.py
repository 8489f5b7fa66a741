"""The fee rules of a dossier at receipt: the catalog's lines, and a clerk's adjustment with its reason.

`app.catalog.fees.compute_fees` prices the pages from the procedure's rules; this module decides what
a receipt may carry instead (`receive_fees`) and how a clerk's new total becomes lines (`adjust_fees`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.catalog import Procedure, compute_fees
from app.domain.errors import ValidationError

ADJUSTMENT_CODE = "dieu_chinh"
ADJUSTED_TOTAL_CODE = "tong"


@dataclass(frozen=True)
class FeeAdjustment:
    """The fee lines a clerk's changed total gives, and the reason the service requires with them."""

    lines: tuple[Mapping[str, Any], ...]
    reason: str


def adjust_fees(
    computed: Sequence[Mapping[str, Any]], wanted_total: int, reason: str
) -> FeeAdjustment | None:
    """None when the total is the catalog's; else the catalog lines plus an "Điều chỉnh" line, or, for a
    reduction, one line with the new total (the service takes non-negative lines only)."""
    computed_total = sum(int(line["amount"]) for line in computed)
    if wanted_total == computed_total:
        return None
    diff = wanted_total - computed_total
    if diff < 0:
        total_line = {
            "code": ADJUSTED_TOTAL_CODE,
            "label": "Phí, lệ phí (đã điều chỉnh)",
            "amount": wanted_total,
            "basis": reason,
        }
        return FeeAdjustment((total_line,), reason)
    extra = {"code": ADJUSTMENT_CODE, "label": "Điều chỉnh", "amount": diff, "basis": reason}
    return FeeAdjustment((*(dict(line) for line in computed), extra), reason)


def receive_fees(proc: Procedure, request: Mapping[str, Any], pages: int) -> tuple[list[dict[str, Any]], int]:
    """The fee lines and total of a new dossier: the catalog's, or the request's with a reason."""
    copies = int(request.get("copies") or 1)
    computed: list[dict[str, Any]] = [
        line.to_dict()
        for line in compute_fees(
            proc,
            pages,
            copies,
            bool(request.get("online")),
            postal=request.get("channel") == "buu_chinh",
            exempt=str(request.get("exemption") or "")[:300] or None,
        )
    ]
    lines = [dict(x) for x in request.get("fees") or computed]
    for line in lines:
        if not isinstance(line.get("amount"), int) or line["amount"] < 0:
            raise ValidationError(
                "fee amount must be a non-negative integer", "Số tiền phí, lệ phí không hợp lệ."
            )
    total = sum(int(line["amount"]) for line in lines)
    if total != sum(int(c["amount"]) for c in computed) and not request.get("fee_override_reason"):
        raise ValidationError(
            "fees differ from the catalog without a reason", "Phí khác biểu phí quy định: hãy ghi lý do."
        )
    return lines, total
