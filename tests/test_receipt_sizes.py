"""The receipt gives up a body size as soon as a copy runs past its page (app.forms.receipt): the same
size and the same pages as rendering every size tried in full."""

from __future__ import annotations

import io
from dataclasses import replace

import pikepdf
import pytest

from app.domain.state import DossierState
from app.forms import ReceiptExtras, render_receipt
from app.forms.base import FormPDF
from app.forms.receipt import BODY_SCALES, LIEN, SHIPPED, _copy, _PastItsPage, _SlipPDF
from app.forms.samples import SETTINGS, sample_procedure, sample_state

ORGANISATION = {
    "kind": "organisation",
    "org_name": "Công ty TNHH Một Thành Viên Thương Mại Dịch Vụ Xây Dựng Hà Nội " * 2,
    "org_address": "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
    "tax_code": "0101234567",
    "full_name": "Nguyễn Văn Bình",
    "role": "legal_representative",
    "id_number": "001190012345",
    "phone": "0912345678",
}
PAYMENT = ReceiptExtras(
    payment_qr="00020101021238570010A0000007270127", payment_amount=100_000, clerk_name="Trần Văn Đức"
)


def every_size_in_full(state: DossierState, code: str, extras: ReceiptExtras) -> tuple[bytes, float]:
    """The receipt as it was set before the early stop: each size tried rendered to its copy's end."""
    procedure = sample_procedure(code)
    for scale in BODY_SCALES:
        pdf = FormPDF()
        pdf.set_title(f"Giấy tiếp nhận hồ sơ {state.code or ''}")
        pdf.body_scale = scale
        fits = True
        for n, lien in enumerate(LIEN, 1):
            _copy(pdf, state, SETTINGS, procedure, extras, lien, SHIPPED)
            fits = pdf.page == n
            if not fits and scale != BODY_SCALES[-1]:
                break
        if fits:
            break
    return pdf.bytes(), scale


def pages(data: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [page.Contents.read_bytes() for page in pdf.pages]


def test_the_early_stop_sets_the_same_size_and_pages_as_every_size_in_full() -> None:
    chosen = set()
    for code in ("1.001193", "1.004222", "1.004873", "2.000815"):
        for extras in (ReceiptExtras(), PAYMENT):
            for applicant in (None, ORGANISATION):
                state = sample_state(code)
                state = state if applicant is None else replace(state, applicant=applicant)
                expected, scale = every_size_in_full(state, code, extras)
                chosen.add(scale)
                got = render_receipt(state, SETTINGS, sample_procedure(code), extras)
                assert pages(got) == pages(expected), (code, extras.payment_qr != "", applicant is None)
    assert chosen == set(BODY_SCALES)  # slips that fit at 12 pt, at each smaller size, and at none


def test_a_slip_at_a_size_still_to_try_stops_at_the_page_a_copy_runs_past() -> None:
    pdf = _SlipPDF()
    pdf.last_page = 1
    pdf.add_page()  # the copy's own page
    with pytest.raises(_PastItsPage):
        pdf.add_page()
    pdf.last_page = None  # the smallest size: a copy runs on
    pdf.add_page()
    assert pdf.page == 2
