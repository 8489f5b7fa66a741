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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.errors import ValidationError
from app.domain.events import EventType
from app.domain.state import DossierState
from app.domain.vocabulary import CHANNEL_VI as CHANNEL_VI
from app.forms.bienlai import BienLai
from app.payments import vietqr
from app.services.context import Desk
from app.services.dossier_write import current_state, write_event
from app.services.fees import CHANNELS as CHANNELS
from app.services.fees import Exemption as Exemption
from app.services.fees import FeeQuote, FeeRequest, quote_procedure
from app.services.fees import counted_components as counted_components
from app.services.fees import counted_pages as counted_pages
from app.services.intake import find_procedure, receive
from app.services.receipts import ReceiptNo, check_recorded, draw_number, insert_receipt
from app.services.receive_request import ReceiveRequest
from app.storage.events import load_events

logger = logging.getLogger(__name__)

METHODS = ("cash", "transfer", "epay")
_EPAY_REF = re.compile(r"^[0-9A-Za-z._\-]{4,64}$")


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
class Collected:
    state: DossierState
    receipt: ReceiptNo | None
    event_id: str
    amount: int
    qr_payload: str = ""
    lines: list[dict[str, Any]] = field(default_factory=list)


def quote(desk: Desk, dossier_id: str, req: FeeRequest) -> FeeQuote:
    """The fee lines for this request (catalog rules, copies, counted pages, channel, exemption)."""
    state = current_state(desk, dossier_id)
    return quote_procedure(find_procedure(desk, state.procedure), state.documents, req)


def transfer_qr(desk: Desk, state: DossierState, amount: int) -> str:
    """The VietQR payload for this dossier's fees, to the point's account (settings: bank_bin,
    bank_account, bank_beneficiary)."""
    qr = vietqr.for_point(desk.settings.extra, desk.settings.point_name, amount, state.code or "")
    if not qr:
        raise ValidationError(
            "no bank account configured for transfers",
            "Điểm chưa khai báo tài khoản nhận chuyển khoản (Cài đặt › Thu phí).",
        )
    return qr


def payment_qr(desk: Desk, state: DossierState, amount: int) -> str:
    """The VietQR for `amount`, or "" when the point has no account for transfers (nothing to show)."""
    try:
        return transfer_qr(desk, state, amount) if amount > 0 else ""
    except ValidationError:
        return ""


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
    return _collect(desk, current_state(desk, dossier_id), quote(desk, dossier_id, req), pay, choice, req)


def asked_at_receipt(desk: Desk, state: DossierState) -> FeeRequest | None:
    """The fee request the `received` event recorded (None for a dossier received before the fee step
    used the cash desk's quote: its lines priced every page at one copy)."""
    received = next(e for e in load_events(desk.db, state.id) if e.type is EventType.RECEIVED).payload
    raw = received.get("fee_request")
    return FeeRequest.from_dict(raw) if raw else None


def owed(desk: Desk, state: DossierState) -> FeeQuote:
    """What the dossier still owes as it was received: its fee lines (with any reasoned adjustment),
    less what was collected, with the copies, pages and channel its `received` event recorded."""
    asked = asked_at_receipt(desk, state) or FeeRequest()
    due = state.fees_quoted - state.fees_collected
    pages = (
        asked.pages if asked.pages is not None else sum(len(d.get("pages") or []) for d in state.documents)
    )
    return FeeQuote([dict(x) for x in state.fee_lines], max(due, 0), asked.copies, pages, asked.channel)


def collect_due(desk: Desk, dossier_id: str, pay: Payment, choice: ReceiptChoice | None = None) -> Collected:
    """Collect what the dossier owes as received (the receive flow's fee step quoted it)."""
    state = current_state(desk, dossier_id)
    fees = owed(desk, state)
    if fees.total <= 0:
        raise ValidationError(
            f"dossier {dossier_id} owes nothing", "Hồ sơ không còn khoản phí, lệ phí phải thu."
        )
    return _collect(desk, state, fees, pay, choice, asked_at_receipt(desk, state))


def receive_and_collect(
    desk: Desk,
    request: ReceiveRequest | Mapping[str, Any],
    pay: Payment | None,
    choice: ReceiptChoice | None = None,
) -> tuple[DossierState, Collected | None]:
    """The receive flow's save: the dossier and, paid now (cash, e-payment), its fees and biên lai in one
    transaction, so a desk out of numbers saves nothing and the clerk's draft stays as it was."""
    with desk.db.transaction():
        state = receive(desk, request)
        if pay is None or state.fees_quoted <= 0:
            return state, None
        got = collect_due(desk, state.id, pay, choice)
    return got.state, got


def _collect(
    desk: Desk,
    state: DossierState,
    fees: FeeQuote,
    pay: Payment,
    choice: ReceiptChoice | None,
    req: FeeRequest | None,
) -> Collected:
    choice = choice or ReceiptChoice()
    dossier_id = state.id
    problems = _check_payment(pay)
    if problems:
        raise ValidationError(f"bad payment ({pay.method})", problems[0], problems=problems)
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
    if req and req.exemption:
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
