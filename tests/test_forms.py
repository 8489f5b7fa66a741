"""Printable forms: real PDFs whose text (extracted with pdfium) carries the code, names and dates."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp

from app.forms import (
    ReceiptExtras,
    render_apology,
    render_control_slip,
    render_guidance,
    render_receipt,
    render_refusal,
    render_register,
    render_supplement_request,
)
from app.forms.samples import SETTINGS, sample_procedure, sample_state

CODE = "000.00.01.H26-261118-0103"
DAY = date(2026, 11, 18)


def pages_text(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    return [unicodedata.normalize("NFC", page.get_textpage().get_text_range()) for page in doc]


def flat(data: bytes) -> str:
    return " ".join(" ".join(pages_text(data)).split())


@pytest.fixture(scope="module")
def receipt() -> bytes:
    extras = ReceiptExtras(
        due_time="16:30", clerk_name="Trần Văn Đức", register_book="03/2026", register_no="0103"
    )
    return render_receipt(sample_state(), SETTINGS, sample_procedure(), extras)


def test_receipt_has_two_copies_with_code_names_and_dates(receipt: bytes) -> None:
    texts = [" ".join(t.split()) for t in pages_text(receipt)]
    assert len(texts) == 2
    assert "Liên 1" in texts[0] and "Liên 2" in texts[1]
    for text in texts:
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert CODE in text and "Nguyễn Thị Hương Giang" in text and "Trần Văn Đức" in text
        assert "09 giờ 05 phút, ngày 18 tháng 11 năm 2026" in text
        assert "16 giờ 30 phút, ngày 18 tháng 11 năm 2026" in text
        assert "Bản sao cần chứng thực" in text and "10.000đ" in text and "bưu chính" in text


def test_an_organisations_receipt_keeps_each_copy_with_its_signatures_on_one_page() -> None:
    state = sample_state()
    org = replace(
        state,
        applicant={
            **state.applicant,
            "kind": "organisation",
            "org_name": "Công ty TNHH Thương mại và Dịch vụ Hoa Sen Hà Nội",
            "tax_code": "0101234567",
            "legal_rep": "Phạm Quốc Bảo",
            "role": "representative",
            "authorisation": "Giấy ủy quyền số 12/UQ ngày 10/11/2026",
            "owner": {"full_name": "Phạm Quốc Bảo", "address": "Số 5 phố Tràng Tiền, phường Hoàn Kiếm"},
        },
        return_method={"kind": "desk", "result_form": "both"},
    )
    hotline = replace(SETTINGS, extra={"hotline": "024 3999 1234"})
    data = render_receipt(org, hotline, sample_procedure(), ReceiptExtras("16:30", "Trần Văn Đức"))
    texts = [" ".join(t.split()) for t in pages_text(data)]
    assert len(texts) == 2  # it ran to 4 pages: every copy's signatures on a page of their own
    for lien, text in zip(("Liên 1", "Liên 2"), texts, strict=True):
        assert lien in text and "Công ty TNHH Thương mại và Dịch vụ Hoa Sen Hà Nội" in text
        assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Trần Văn Đức" in text
        assert "vui lòng mang theo Giấy tiếp nhận" in text and "024 3999 1234" in text


def test_receipt_embeds_the_font_and_is_a4(receipt: bytes) -> None:
    assert b"/FontFile2" in receipt  # TrueType embedded (subset)
    width, height = pdfium.PdfDocument(receipt)[0].get_size()
    assert (round(width), round(height)) == (595, 842)


def test_receipt_qr_code_decodes_to_the_dossier_code(receipt: bytes) -> None:
    image = pdfium.PdfDocument(receipt)[1].render(scale=3).to_pil().convert("L")
    found = [r.text for r in zxingcpp.read_barcodes(np.asarray(image))]
    assert CODE in found


def test_supplement_request_lists_items_and_reason() -> None:
    text = flat(render_supplement_request(sample_state(), SETTINGS, clerk_name="Trần Văn Đức", day=DAY))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản chính Giấy khai sinh" in text and "Thiếu bản chính để đối chiếu" in text and CODE in text


def test_refusal_and_apology() -> None:
    refusal = flat(render_refusal(sample_state(), SETTINGS, day=DAY))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in refusal and "tẩy xóa" in refusal
    apology = flat(render_apology(sample_state(), SETTINGS, day=DAY))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in apology
    assert "ngày 25 tháng 11 năm 2026" in apology and "ngày 18 tháng 11 năm 2026" in apology


def test_control_slip_and_register() -> None:
    slip = flat(render_control_slip(sample_state(), SETTINGS))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in slip and "Đúng hạn" in slip and CODE in slip
    other = replace(sample_state("1.001193", 104), due_date="2026-11-19")
    register = render_register([other, sample_state()], SETTINGS, DAY, book="03/2026")
    width, height = pdfium.PdfDocument(register)[0].get_size()
    assert width > height  # landscape
    text = flat(register)
    assert text.index(CODE) < text.index("000.00.01.H26-261118-0104")
    assert "Đăng ký khai sinh" in text and "19/11/2026" in text


def test_guidance_sheet_lists_documents_fees_and_time() -> None:
    text = flat(render_guidance(sample_procedure(), SETTINGS, DAY))
    assert "PHIẾU HƯỚNG DẪN" in text and "2.000815" in text
    assert "Bản chính giấy tờ, văn bản làm cơ sở" in text
    assert "2.000đ/trang" in text and "200.000đ/bản" in text and "Trong ngày" in text


def test_citizen_text_with_markup_characters_prints_verbatim() -> None:
    state = sample_state()
    state.applicant["full_name"] = "Đỗ **Văn** __Ân__ --x--"
    assert "Đỗ **Văn** __Ân__ --x--" in flat(render_receipt(state, SETTINGS))
