"""Fees as collected at the desk: copies set by the clerk, pages from the components that count,
exemptions with their proof, the channel, cash or transfer (VietQR, confirmed by the clerk) or a payment
on the national platform (its reference), and the biên lai that goes with the money.

    q = quote(desk, dossier_id, FeeRequest(copies=2))                       # lines and total, nothing written
    r = collect(desk, dossier_id, FeeRequest(copies=2), Payment("transfer", transfer_confirmed=True))
    r.receipt.text -> "01BLP0-001 AA/26P 0000001"; r.qr_payload: the VietQR shown before the clerk confirmed

The `fee_collected` event, its `receipts` row and the number drawn are one transaction.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.catalog import Procedure, compute_fees
from app.domain.errors import ValidationError
from app.domain.events import EventType
from app.domain.state import DossierState
from app.domain.vocabulary import CHANNEL_VI as CHANNEL_VI
from app.forms.bienlai import BienLai
from app.payments import vietqr
from app.services.context import Desk
from app.services.dossier_write import current_state, write_event
from app.services.intake import find_procedure
from app.services.receipts import ReceiptNo, check_recorded, draw_number, insert_receipt
from app.storage.events import load_events

logger = logging.getLogger(__name__)

METHODS = ("cash", "transfer", "epay")
CHANNELS = tuple(CHANNEL_VI)  # truc_tiep, truc_tuyen, buu_chinh (labels in app.domain.vocabulary)
_EPAY_REF = re.compile(r"^[0-9A-Za-z._\-]{4,64}$")


@dataclass(frozen=True)
class Exemption:
    """Fees waived, with the reason and the proof seen (e.g. "Giấy xác nhận hộ nghèo số 12/GXN")."""

    reason: str
    proof: str
    fee_codes: tuple[str, ...] = ()  # empty: every fee line

    def problems(self) -> list[str]:
        out = []
        if len(self.reason.strip()) < 5:
            out.append("Hãy ghi rõ lý do miễn, giảm (ít nhất 5 ký tự).")
        if len(self.proof.strip()) < 3:
            out.append("Hãy ghi giấy tờ chứng minh được miễn, giảm.")
        return out


@dataclass(frozen=True)
class FeeRequest:
    copies: int = 1
    pages: int | None = None  # None: counted from the components that count
    components: tuple[str, ...] | None = None  # which components' pages count (None: the rule's default)
    channel: str = "truc_tiep"
    exemption: Exemption | None = None


@dataclass(frozen=True)
class Payment:
    method: str = "cash"
    transfer_confirmed: bool = False  # the clerk saw the money arrive (transfer)
    epay_ref: str = ""  # the national payment platform's transaction reference (epay)


@dataclass(frozen=True)
class ReceiptChoice:
    kind: str = "printed"  # printed: the desk draws and prints the number; else the clerk records it
    number: ReceiptNo | None = None


@dataclass(frozen=True)
class FeeQuote:
    lines: list[dict[str, Any]]
    total: int
    copies: int
    pages: int
    channel: str


@dataclass(frozen=True)
class Collected:
    state: DossierState
    receipt: ReceiptNo | None
    event_id: str
    amount: int
    qr_payload: str = ""
    lines: list[dict[str, Any]] = field(default_factory=list)


def counted_components(proc: Procedure, chosen: Collection[str] | None = None) -> set[str]:
    """The components whose pages a per-page fee counts: the clerk's choice, else the originals handed in
    to be copied or certified (the catalog has no per-rule list yet)."""
    known = {c.id for c in proc.components}
    if chosen is not None:
        unknown = set(chosen) - known
        if unknown:
            raise ValidationError(
                f"unknown fee components {sorted(unknown)}", "Thành phần tính trang không có trong thủ tục."
            )
        return set(chosen)
    return {c.id for c in proc.components if c.copy_kind == "original"}


def counted_pages(documents: Sequence[Mapping[str, Any]], components: Collection[str]) -> int:
    """Pages of one copy: the scanned pages of the documents of the counted components."""
    return sum(len(d.get("pages") or []) for d in documents if d.get("component") in components)


def _exempt(lines: list[dict[str, Any]], ex: Exemption) -> list[dict[str, Any]]:
    codes = set(ex.fee_codes) or {line["code"] for line in lines}
    note = f"Miễn: {ex.reason.strip()}; giấy tờ: {ex.proof.strip()}"
    return [{**line, "amount": 0, "basis": note, "exempted_from": line["amount"]} if line["code"] in codes else line
            for line in lines]  # fmt: skip


def quote(desk: Desk, dossier_id: str, req: FeeRequest) -> FeeQuote:
    """The fee lines for this request (catalog rules, copies, counted pages, channel, exemption)."""
    state = current_state(desk, dossier_id)
    return quote_procedure(find_procedure(desk, state.procedure), state.documents, req)


def quote_procedure(proc: Procedure, documents: Sequence[Mapping[str, Any]], req: FeeRequest) -> FeeQuote:
    """The same quote for a dossier not saved yet (the receive flow's fee step): pure, no store."""
    problems = [] if req.channel in CHANNELS else ["Kênh nộp hồ sơ không hợp lệ."]
    if req.exemption:
        problems += req.exemption.problems()
    if problems:
        raise ValidationError(f"bad fee request: {len(problems)} problem(s)", problems[0], problems=problems)
    pages = req.pages
    if pages is None:
        pages = counted_pages(documents, counted_components(proc, req.components))
    online = req.channel == "truc_tuyen"
    postal = req.channel == "buu_chinh"  # the catalog's postal price, as at receipt (app.services.fees)
    lines: list[dict[str, Any]] = [
        line.to_dict() for line in compute_fees(proc, pages, req.copies, online, postal=postal)
    ]
    if req.exemption:
        lines = _exempt(lines, req.exemption)
    return FeeQuote(lines, sum(int(x["amount"]) for x in lines), req.copies, pages, req.channel)


def transfer_qr(desk: Desk, state: DossierState, amount: int) -> str:
    """The VietQR payload for this dossier's fees, to the point's account (settings: bank_bin,
    bank_account, bank_beneficiary)."""
    extra = desk.settings.extra
    bank_bin, account = str(extra.get("bank_bin") or ""), str(extra.get("bank_account") or "")
    if not bank_bin or not account:
        raise ValidationError(
            "no bank account configured for transfers",
            "Điểm chưa khai báo tài khoản nhận chuyển khoản (Cài đặt › Thu phí).",
        )
    beneficiary = str(extra.get("bank_beneficiary") or desk.settings.point_name)
    return vietqr.for_dossier(bank_bin, account, amount, state.code or "", beneficiary)


def _check_payment(pay: Payment) -> list[str]:
    if pay.method not in METHODS:
        return ["Hình thức thu phải là tiền mặt, chuyển khoản hoặc thanh toán trực tuyến."]
    if pay.method == "transfer" and not pay.transfer_confirmed:
        return ["Chưa xác nhận đã nhận được tiền chuyển khoản."]
    if pay.method == "epay" and not _EPAY_REF.match(pay.epay_ref):
        return ["Mã giao dịch thanh toán trực tuyến không hợp lệ (4–64 chữ, số, “.”, “_”, “-”)."]
    if pay.epay_ref and not _EPAY_REF.match(pay.epay_ref):
        return ["Mã giao dịch thanh toán trực tuyến không hợp lệ."]
    return []


def collect(
    desk: Desk,
    dossier_id: str,
    req: FeeRequest,
    pay: Payment,
    choice: ReceiptChoice | None = None,
) -> Collected:
    """Collect the quoted fees: biên lai number drawn (printed) or recorded, `fee_collected` written."""
    choice = choice or ReceiptChoice()
    fees = quote(desk, dossier_id, req)
    problems = _check_payment(pay)
    if problems:
        raise ValidationError(f"bad payment ({pay.method})", problems[0], problems=problems)
    state = current_state(desk, dossier_id)
    qr = transfer_qr(desk, state, fees.total) if pay.method == "transfer" and fees.total else ""
    at = desk.local_now().isoformat(timespec="seconds")
    payload: dict[str, Any] = {
        "amount": fees.total,
        "method": pay.method,
        "lines": fees.lines,
        "copies": fees.copies,
        "pages": fees.pages,
        "channel": fees.channel,
        "at": at,
    }
    if req.exemption:
        payload["exemption"] = {"reason": req.exemption.reason.strip(), "proof": req.exemption.proof.strip()}
    if pay.epay_ref:
        payload["epay_ref"] = pay.epay_ref
    if qr:
        payload["transfer"] = {
            "reference": vietqr.reference_of(state.code or ""),
            "confirmed_by": desk.clerk_id,
        }
    with desk.db.transaction():
        number = _receipt_number(desk, choice) if fees.total else None
        if number:
            payload["receipt"], payload["receipt_no"] = number.to_dict(), number.text
        new_state = write_event(desk, dossier_id, EventType.FEE_COLLECTED, payload)
        event_id = str(desk.db.conn.execute(
            "SELECT id FROM events WHERE dossier_id = ? AND type = 'fee_collected' ORDER BY at DESC LIMIT 1",
            (dossier_id,),
        ).fetchone()[0])  # fmt: skip
        if number:
            insert_receipt(desk, number, {
                "dossier_id": dossier_id, "event_id": event_id, "amount": fees.total, "method": pay.method,
                "lines_json": json.dumps(fees.lines, ensure_ascii=False), "issued_at": at,
            })  # fmt: skip
    logger.info(
        "fee %d collected for dossier %s by %s (event %s)", fees.total, dossier_id, pay.method, event_id
    )
    return Collected(new_state, number, event_id, fees.total, qr, fees.lines)


def _receipt_number(desk: Desk, choice: ReceiptChoice) -> ReceiptNo:
    if choice.kind == "printed":
        return draw_number(desk, "printed")
    if choice.number is None:
        raise ValidationError("recorded receipt without a number", "Hãy nhập mẫu số, ký hiệu và số biên lai.")
    return check_recorded(desk, ReceiptNo(choice.number.form, choice.number.series, choice.number.number,
                                          choice.kind))  # fmt: skip


def printable(desk: Desk, got: Collected) -> BienLai:
    """The biên lai form's content for a collection that drew a number."""
    if got.receipt is None:
        raise ValidationError(
            "nothing to print: no receipt number", "Khoản miễn phí không có biên lai để in."
        )
    row = desk.db.conn.execute("SELECT full_name FROM clerks WHERE id = ?", (desk.clerk_id,)).fetchone()
    state = got.state
    fee = next(e for e in load_events(desk.db, state.id) if e.id == got.event_id).payload
    return BienLai(
        form=got.receipt.form,
        series=got.receipt.series,
        number=got.receipt.number,
        dossier_code=state.code or "",
        procedure_name=str(state.procedure.get("name") or ""),
        payer=state.applicant,
        lines=got.lines,
        amount=got.amount,
        method=str(fee["method"]),
        issued_at=datetime.fromisoformat(str(fee["at"])),
        clerk_name=str(row[0]) if row else "",
        qr_payload=got.qr_payload,
        epay_ref=str(fee.get("epay_ref") or ""),
        exemption=dict(fee.get("exemption") or {}),
    )
