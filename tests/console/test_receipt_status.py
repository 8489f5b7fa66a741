"""The desk side of the citizen page: a secret made at reception, printed, and carried by the receipt's QR."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pypdfium2
import zxingcpp

from app.codes import STATUS_ALPHABET
from app.forms import render_receipt
from app.services import intake
from tests.store_helpers import make_desk, request


def qr_texts(pdf_bytes: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf_bytes)[0]
    return [b.text for b in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil())]


def test_each_received_dossier_gets_its_own_secret_and_the_receipt_qr_opens_the_citizen_page(tmp_path: Path):
    desk = make_desk(tmp_path)
    first = intake.receive(desk, request(desk))
    second = intake.receive(desk, request(desk))
    assert first.status_secret and second.status_secret and first.status_secret != second.status_secret
    assert re.fullmatch(f"[{STATUS_ALPHABET}]{{8}}", first.status_secret)
    settings = replace(desk.settings, hub_url="https://hub.example.vn/")
    [text] = qr_texts(render_receipt(first, settings))
    assert text == f"https://hub.example.vn/tra-cuu?ma={first.code}&k={first.status_secret}"
    desk.db.close()


def test_a_desk_without_a_hub_prints_the_code_alone(tmp_path: Path):
    desk = make_desk(tmp_path)
    state = intake.receive(desk, request(desk))
    assert qr_texts(render_receipt(state, replace(desk.settings, hub_url=""))) == [state.code]
    desk.db.close()
