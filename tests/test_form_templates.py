"""The centre's form templates: strictly validated, the shipped wording by default, the version printed."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.form_templates import (
    SHIPPED_VERSION,
    installed_template,
    parse_template,
    shipped_template,
    template_path,
)
from app.forms import ReceiptExtras, render_receipt
from app.forms.samples import SETTINGS, sample_state
from tests.test_forms_citizen_text import FORBIDDEN

GOOD = {
    "form": "01",
    "version": "2026.1",
    "effective_date": "2026-01-01",
    "texts": {
        "bring_back": "Xin mang theo Giấy tiếp nhận này khi đến nhận kết quả (Trung tâm Phục vụ hành chính công)."
    },
    "blocks": ["bring_back", "register", "payment"],
    "footer": "Tra cứu tình trạng hồ sơ tại Cổng dịch vụ công thành phố Hà Nội.",
}


def text_of(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "mau-01.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(out.split())


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"colour": "đỏ"}, "có mục không được hỗ trợ"),
        ({"form": "09"}, "số mẫu phải là một trong"),
        ({"version": "v2"}, "phiên bản phải có dạng"),
        ({"effective_date": "15/9/2026"}, "ngày áp dụng"),
        ({"texts": {"signature_box": "Ký tên"}}, "không có nội dung signature_box"),
        ({"texts": {"title": "GIẤY " * 40}}, "dài quá 120 ký tự"),
        ({"texts": {"bring_back": "Vui lòng mang theo {receipt_no}"}}, "ký hiệu giữ chỗ"),
        ({"texts": {"bring_back": "Vui lòng mang theo ......"}}, "ký hiệu giữ chỗ"),
        ({"texts": {"sign_clerk": "NGƯỜI TIẾP NHẬN (signature)"}}, "từ tiếng Anh “signature”"),
        ({"footer": "TODO: thêm số đường dây nóng"}, "từ tiếng Anh “TODO”"),
        ({"blocks": ["register", "payment"]}, "thứ tự các phần phải gồm đúng"),
        ({"texts": {"title": ""}}, "không để trống"),
    ],
)
def test_a_template_breaking_a_rule_is_refused_in_vietnamese(change: dict, said: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_template(json.dumps({**GOOD, **change}))
    assert said in err.value.user_message and err.value.user_message.startswith("Mẫu phiếu không hợp lệ")


def test_the_shipped_template_prints_the_shipped_wording_and_its_version(tmp_path: Path) -> None:
    assert installed_template(tmp_path, "01") == shipped_template("01")  # nothing published yet
    text = text_of(render_receipt(sample_state("1.001193", 1), SETTINGS, None, ReceiptExtras()), tmp_path)
    assert "vui lòng mang theo Giấy tiếp nhận này" in text and f"Mẫu 01 · phiên bản {SHIPPED_VERSION}" in text


def test_an_installed_template_rewords_reorders_and_signs_form_01_from_its_day(tmp_path: Path) -> None:
    path = template_path(tmp_path, "01")
    path.parent.mkdir()
    path.write_text(
        json.dumps({**GOOD, "effective_date": "2026-12-15"}, ensure_ascii=False), encoding="utf-8"
    )
    assert installed_template(tmp_path, "01", date(2026, 12, 14)).version == SHIPPED_VERSION  # not yet
    template = installed_template(tmp_path, "01", date(2026, 12, 15))
    assert template.version == "2026.1"
    data = render_receipt(
        sample_state("1.001193", 1), SETTINGS, None, ReceiptExtras(register_no="0007"), template
    )
    text = text_of(data, tmp_path)
    assert GOOD["texts"]["bring_back"] in text and GOOD["footer"] in text
    assert "Mẫu 01 · phiên bản 2026.1" in text and "vui lòng mang theo Giấy tiếp nhận này" not in text
    assert text.index("Xin mang theo") < text.index("Vào Sổ theo dõi hồ sơ")  # the centre's order
    assert not FORBIDDEN.search(text)  # the citizen-text rule holds over a templated form


def test_a_broken_installed_template_is_not_used(tmp_path: Path) -> None:
    path = template_path(tmp_path, "01")
    path.parent.mkdir()
    path.write_text(json.dumps({**GOOD, "texts": {"title": "TODO"}}), encoding="utf-8")
    assert installed_template(tmp_path, "01") == shipped_template("01")


def test_forms_02_to_06_carry_their_version_and_take_a_published_title(tmp_path: Path) -> None:
    from app.forms import render_apology, render_control_slip, render_refusal, render_supplement_request
    from app.forms.stop import render_stop_notice

    state = sample_state("1.001193", 1)
    shipped = {
        "02": render_supplement_request(
            state, SETTINGS, items=["Bản sao"], reason="Thiếu", day=date(2026, 11, 18)
        ),
        "03": render_refusal(state, SETTINGS, reason="Không thuộc thẩm quyền", day=date(2026, 11, 18)),
        "04": render_apology(state, SETTINGS, signer_name="Lê Thị Mai", day=date(2026, 11, 18)),
        "05": render_stop_notice(state, SETTINGS, reason="Người nộp đề nghị dừng", signer_name="Lê Thị Mai"),
        "06": render_control_slip(state, SETTINGS),
    }
    for form, data in shipped.items():
        assert f"Mẫu {form} · phiên bản {SHIPPED_VERSION}" in text_of(data, tmp_path), form
    title = "PHIẾU ĐỀ NGHỊ BỔ SUNG GIẤY TỜ"
    template = parse_template(
        json.dumps(
            {"form": "02", "version": "2026.3", "effective_date": "2026-01-01", "texts": {"title": title}}
        )
    )
    text = text_of(render_supplement_request(state, SETTINGS, items=["Bản sao"], template=template), tmp_path)
    assert title in text and "Mẫu 02 · phiên bản 2026.3" in text and "HOÀN THIỆN HỒ SƠ" not in text
