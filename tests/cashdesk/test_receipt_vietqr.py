"""Form 01 (giấy tiếp nhận) carries the VietQR and amount of a fee still due, or of the transfer that paid
it: rendered by Poppler, read back with zxing-cpp, checked against the EMVCo layout and CRC."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image

from app.payments import vietqr
from app.services import cashdesk as cd
from app.services.dossier_forms import render_form
from tests.cashdesk.helpers import cash_desk
from tests.store_helpers import request


def _printed(desk, state, folder: Path) -> tuple[list[str], str]:
    """The QR codes on Liên 1 (decoded) and the text of the whole form."""
    pdf = folder / f"01-{state.id}.pdf"
    pdf.write_bytes(render_form(desk.db, state, "01", desk.settings))
    prefix = folder / f"p-{state.id}"
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)],
                   check=True, timeout=60)  # fmt: skip
    page = np.asarray(Image.open(f"{prefix}-1.png").convert("RGB"))
    codes = [
        r.text for r in zxingcpp.read_barcodes(page) if r.valid and r.format == zxingcpp.BarcodeFormat.QRCode
    ]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return codes, text


def _payment_codes(codes: list[str]) -> list[str]:
    return [c for c in codes if c.startswith("000201")]


def test_a_fee_left_due_prints_its_vietqr_and_amount_on_the_receipt(tmp_path):
    desk = cash_desk(tmp_path / "d1")
    state, _ = cd.receive_and_collect(desk, request(desk, "1.004222"), None)
    codes, text = _printed(desk, state, tmp_path)
    (payload,) = _payment_codes(codes)
    assert payload == vietqr.for_dossier("970415", "113366668888", 20_000, state.code, "Điểm HK")
    fields = dict(vietqr.parse_tlv(payload))
    assert vietqr.crc_ok(payload) and fields["54"] == "20000" and fields["53"] == "704"
    assert dict(vietqr.parse_tlv(fields["62"]))["08"] == vietqr.reference_of(state.code)
    assert dict(vietqr.parse_tlv(fields["38"]))["00"] == vietqr.NAPAS_GUID
    assert text.count("Số tiền phải nộp: 20.000đ") == 2  # Liên 1 and Liên 2
    desk.db.close()


def test_a_fee_paid_by_transfer_prints_the_transfer_made(tmp_path):
    desk = cash_desk(tmp_path / "d1")
    state, _ = cd.receive_and_collect(desk, request(desk, "1.004222"), None)
    paid = cd.collect_due(desk, state.id, cd.Payment("transfer", transfer_confirmed=True))
    codes, text = _printed(desk, paid.state, tmp_path)
    assert _payment_codes(codes) == [paid.qr_payload]
    assert "Đã nộp 20.000đ bằng chuyển khoản" in text and "phải nộp" not in text
    desk.db.close()


def test_a_fee_paid_in_cash_prints_no_payment_qr(tmp_path):
    desk = cash_desk(tmp_path / "d1")
    state, _ = cd.receive_and_collect(desk, request(desk, "1.004222"), cd.Payment("cash"))
    codes, text = _printed(desk, state, tmp_path)
    assert codes and _payment_codes(codes) == []  # only the dossier's own code
    assert "phải nộp" not in text and "chuyển khoản" not in text
    desk.db.close()
