"""The channel rows' fee cells → the procedure's fee rule (the fee engine's input) and its per-channel
terms (for the guidance sheet and the receive flow)."""

from __future__ import annotations

from typing import Any

from app.catalog.portal.channels import ChannelRow
from app.catalog.portal.report import RecordReport
from app.catalog.portal.text import one_line

NOT_STATED = "Cổng Dịch vụ công không ghi phí, lệ phí"
COUNCIL = "Mức thu do Hội đồng nhân dân cấp tỉnh quy định"


def _terms(row: ChannelRow) -> dict[str, Any]:
    fee = row.fee
    return {
        "channel": row.channel,
        "time": row.time.duration.model_dump() if row.time.duration else None,
        "fee_amount": None if fee.problems else fee.amount,
        "is_free": fee.is_free,
        "fee_unit": fee.unit[:100],
        "fee_text": one_line(fee.description, 4000),
        "note": one_line(row.note, 4000),
    }


def _base_rule(row: ChannelRow, report: RecordReport) -> dict[str, Any]:
    fee = row.fee
    rule: dict[str, Any] = {"code": "le_phi", "label": one_line(fee.label, 200) or "Phí, lệ phí"}
    words = one_line(fee.description, 4000)
    if fee.problems:
        report.review.extend(f"phí ({row.channel}): {p}" for p in fee.problems)
        return rule | {"kind": "words", "words": words or "Cần Trung tâm xác nhận mức thu"}
    if fee.amount is not None:
        if fee.tiers:
            return rule | {"kind": "per_page", "tiers": [t.model_dump() for t in fee.tiers],
                           "cap_per_copy": fee.cap_per_copy, "note": one_line(row.note, 4000)}  # fmt: skip
        kind = "per_copy" if fee.unit.startswith("/bản") else "fixed"
        return rule | {"kind": kind, "amount": fee.amount, "note": words}
    if fee.is_free:
        return rule | {"kind": "free", "note": words if words not in ("Không có", "Không") else ""}
    if fee.words_only:
        return rule | {"kind": "words", "words": words or COUNCIL}
    return rule | {"kind": "words", "words": NOT_STATED}


def fee_rule(
    rows: list[ChannelRow], report: RecordReport
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """([the fee rule], [per-channel terms]); the in-person row is the base, other channels' prices
    become `online_amount` / `postal_amount` when they differ."""
    seen: dict[str, ChannelRow] = {}
    for row in rows:
        if row.channel in seen:
            keep = seen[row.channel]
            report.warnings.append(f"hai dòng cho hình thức {row.channel}: giữ dòng đầu")
            if keep.fee.problems and not row.fee.problems:
                seen[row.channel] = row
            continue
        seen[row.channel] = row
    if not seen:
        report.absent.append("fee_truc_tiep")
        return [], []
    base = seen.get("truc_tiep") or next(iter(seen.values()))
    _fee_stats(base, report)
    rule = _base_rule(base, report)
    for channel, key in (("truc_tuyen", "online_amount"), ("buu_chinh", "postal_amount")):
        other = seen.get(channel)
        priced = rule["kind"] in ("fixed", "per_copy") and other is not None and not other.fee.problems
        if priced and other is not None and other.fee.amount not in (None, rule["amount"]):
            rule[key] = other.fee.amount
    exemptions = {e.who: e for row in seen.values() for e in row.fee.exemptions}
    rule["exemptions"] = [e.model_dump() for e in exemptions.values()]
    if exemptions:
        report.counts["exemptions"] = len(exemptions)
    return [rule], [_terms(r) for r in seen.values()]


def _fee_stats(base: ChannelRow, report: RecordReport) -> None:
    fee = base.fee
    if not fee.stated:
        report.absent.append("fee_truc_tiep")
    elif fee.problems:
        report.not_parsed.append(f"fee_truc_tiep: {fee.problems[0]}")
    else:
        report.parsed.append("fee_truc_tiep")
    report.warnings.extend(fee.warnings)
