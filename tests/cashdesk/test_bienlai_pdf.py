"""The printed biên lai: rendered by Poppler, its VietQR read back by the project's QR reader."""

from __future__ import annotations

import subprocess

import numpy as np
from PIL import Image

from app.forms.bienlai import render_bienlai
from app.payments import vietqr
from app.services import cashdesk as cd
from app.services.intake import receive
from scanner.idcard import find_qr_texts
from tests.cashdesk.helpers import cash_desk
from tests.store_helpers import request


def test_printed_bienlai_carries_the_number_and_a_vietqr_that_decodes_back(tmp_path):
    desk = cash_desk(tmp_path / "d1")
    state = receive(desk, request(desk, "2.000815", pages=3))
    got = cd.collect(desk, state.id, cd.FeeRequest(copies=2), cd.Payment("transfer", transfer_confirmed=True))
    pdf = tmp_path / "bienlai.pdf"
    pdf.write_bytes(render_bienlai(cd.printable(desk, got), desk.settings))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
                   check=True, timeout=60)  # fmt: skip
    page = np.asarray(Image.open(tmp_path / "p-1.png").convert("RGB"))
    assert find_qr_texts(page) == [got.qr_payload]
    assert vietqr.crc_ok(got.qr_payload)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Số: 0000001" in text and "Mười nghìn đồng" in text and state.code in text
    assert text.count("BIÊN LAI THU PHÍ, LỆ PHÍ") == 2
    desk.db.close()
