"""Every form's fixed texts come from its template: forms 02–06, the register (07), the guidance sheet.

The shipped template prints exactly what the desk printed before the texts were templated (the
pages in docs/forms, rendered by the same pdftoppm); a published wording reaches the printed PDF."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.form_templates import (
    DEFAULT_TEXTS,
    GUIDANCE,
    SHIPPED_VERSION,
    installed_template,
    parse_template,
    shipped_template,
    template_json,
    template_path,
)
from app.forms import render_control_slip, render_guidance, render_register, render_supplement_request
from app.forms.samples import SETTINGS, sample_procedure, sample_state
from tests.test_forms_citizen_text import FORBIDDEN

DOCS_FORMS = Path(__file__).resolve().parents[1] / "docs" / "forms"
DAY = date(2026, 11, 18)
# the pages the desk printed before their texts were templated (docs/forms, made by app.forms.samples)
BEFORE = [
    "02-yeu-cau-bo-sung",
    "03-tu-choi",
    "04-xin-loi-de-nghi-gia-han",
    "05-thong-bao-dung",
    "06-phieu-kiem-soat",
    "07-so-theo-doi",
    "huong-dan-2.000815",
    "huong-dan-1.001193",
]


def text_of(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def pages(pdf: Path, out: Path) -> list[bytes]:
    """The pages of `pdf` as gray pixels (PGM at 72 dpi)."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "72", "-gray", str(pdf), str(out / "p")], check=True)
    return [p.read_bytes() for p in sorted(out.glob("p*.pgm"))]


def publish(form: str, texts: dict[str, str], footer: str = "") -> dict[str, object]:
    doc: dict[str, object] = {
        "form": form,
        "version": "2026.4",
        "effective_date": "2026-01-01",
        "texts": texts,
    }
    return {**doc, "footer": footer} if footer else doc


@pytest.mark.parametrize("form", sorted(DEFAULT_TEXTS))
def test_every_shipped_text_could_be_published_as_it_is(form: str) -> None:
    """The shipped wording passes the rules a published one must pass (no English, no placeholder,
    within its length), so the centre can start from it."""
    template = parse_template(json.dumps(publish(form, DEFAULT_TEXTS[form])))
    assert dict(template.texts) == DEFAULT_TEXTS[form]


def test_the_shipped_templates_print_pixel_for_pixel_what_the_desk_printed_before(tmp_path: Path) -> None:
    """The pages made as docs/forms was made (`python -m app.forms.samples`, the shipped catalog, not
    the tests' hand-written one) are the same pixels as the pages in docs/forms."""
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_SHIPPED_CATALOG"}
    now_dir = tmp_path / "now"
    subprocess.run([sys.executable, "-m", "app.forms.samples", str(now_dir)], env=env, check=True,
                   capture_output=True, cwd=DOCS_FORMS.parents[1])  # fmt: skip
    for name in BEFORE:
        before = pages(DOCS_FORMS / f"{name}.pdf", tmp_path / "before" / name)
        now = pages(now_dir / f"{name}.pdf", tmp_path / "after" / name)
        assert before and now == before, name


def test_a_published_form_02_and_06_wording_is_printed(tmp_path: Path) -> None:
    state = sample_state("1.001193", 1)
    t02 = parse_template(
        json.dumps(
            publish(
                "02",
                {
                    "request": "Hồ sơ của Ông/Bà còn thiếu các giấy tờ dưới đây:",
                    "col_item": "Tên giấy tờ còn thiếu",
                    "reason_label": "Căn cứ",
                    "sign_clerk": "CÔNG CHỨC HƯỚNG DẪN",
                },
                footer="Mọi thắc mắc xin gọi đường dây nóng của Trung tâm.",
            )
        )
    )
    text = text_of(
        render_supplement_request(state, SETTINGS, items=["Bản sao"], reason="Thiếu", template=t02)
    )
    for printed in ("Hồ sơ của Ông/Bà còn thiếu các giấy tờ dưới đây:", "Tên giấy tờ còn thiếu", "Căn cứ:",
                    "CÔNG CHỨC HƯỚNG DẪN", "Mọi thắc mắc xin gọi", "Mẫu 02 · phiên bản 2026.4"):  # fmt: skip
        assert printed in text, printed
    assert "cần bổ sung, hoàn thiện các nội dung sau" not in text and "NGƯỜI HƯỚNG DẪN" not in text
    assert not FORBIDDEN.search(text)
    t06 = parse_template(
        json.dumps(publish("06", {"col_units": "Đơn vị giao và nhận", "outcome_late": "Trễ hạn"}))
    )
    text = text_of(render_control_slip(state, SETTINGS, template=t06))
    assert "Đơn vị giao và nhận" in text and "Trễ hạn" in text and "Quá hạn" not in text
    assert "Tên cơ quan, bộ phận giao - nhận" not in text


def test_a_published_register_wording_is_printed_with_its_version(tmp_path: Path) -> None:
    states = [replace(sample_state("2.000815", 3), register={"book": "2026", "no": 200103})]
    shipped = text_of(render_register(states, SETTINGS, DAY, book="2026"))
    assert "Ký nhận" in shipped and "Quyển số 2026" in shipped and "phiên bản" not in shipped
    path = template_path(tmp_path, "07")
    path.parent.mkdir()
    texts = {"title": "SỔ THEO DÕI TIẾP NHẬN HỒ SƠ", "col_signed": "Chữ ký người nhận", "book_label": "Quyển"}
    path.write_text(json.dumps(publish("07", texts, "Sổ lưu tại Điểm Phục vụ."), ensure_ascii=False), "utf-8")
    template = installed_template(tmp_path, "07")
    text = text_of(render_register(states, SETTINGS, DAY, book="2026", template=template))
    for printed in ("SỔ THEO DÕI TIẾP NHẬN HỒ SƠ", "Chữ ký người nhận", "Quyển 2026", "Sổ lưu tại Điểm Phục vụ.",
                    "Mẫu 07 · phiên bản 2026.4"):  # fmt: skip
        assert printed in text, printed
    assert "Ký nhận" not in text and "Quyển số" not in text and not FORBIDDEN.search(text)


def test_a_published_guidance_wording_is_printed_with_its_version(tmp_path: Path) -> None:
    procedure = sample_procedure()
    shipped = text_of(render_guidance(procedure, SETTINGS, DAY))
    assert "1. Trình tự thực hiện" in shipped and "phiên bản 2025.1" not in shipped
    template = parse_template(
        json.dumps(
            publish(
                GUIDANCE,
                {"steps_heading": "1. Các bước thực hiện", "legal_heading": "5. Văn bản quy phạm pháp luật"},
                footer="Phiếu này do Trung tâm Phục vụ hành chính công ban hành.",
            )
        )
    )
    text = text_of(render_guidance(procedure, SETTINGS, DAY, template=template))
    for printed in ("1. Các bước thực hiện", "5. Văn bản quy phạm pháp luật", "do Trung tâm Phục vụ hành chính",
                    "Phiếu hướng dẫn · phiên bản 2026.4"):  # fmt: skip
        assert printed in text, printed
    assert (
        "1. Trình tự thực hiện" not in text and "5. Căn cứ pháp lý" not in text and not FORBIDDEN.search(text)
    )


@pytest.mark.parametrize(
    ("form", "texts", "said"),
    [
        ("07", {"col_fees": "Phí, lệ phí " * 8}, "dài quá 60 ký tự"),
        ("07", {"colour": "đỏ"}, "mẫu 07 không có nội dung colour"),
        (GUIDANCE, {"steps_heading": "1. Steps for the citizen"}, "từ tiếng Anh “for”"),
        (GUIDANCE, {"result_where": "hoặc qua {postal}"}, "ký hiệu giữ chỗ"),
        ("05", {"closing": "TODO"}, "từ tiếng Anh “TODO”"),
    ],
)
def test_the_new_texts_are_checked_like_the_others(form: str, texts: dict[str, str], said: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_template(json.dumps(publish(form, texts)))
    assert said in err.value.user_message


def test_a_toml_template_is_the_same_as_its_json() -> None:
    toml = (
        'form = "07"\nversion = "2026.4"\neffective_date = "2026-01-01"\n'
        'footer = "Sổ lưu tại Điểm Phục vụ."\n[texts]\ncol_signed = "Chữ ký người nhận"\n'
    )
    as_json = json.dumps(publish("07", {"col_signed": "Chữ ký người nhận"}, "Sổ lưu tại Điểm Phục vụ."))
    assert parse_template(template_json(toml, "mau-07.toml")) == parse_template(
        template_json(as_json, "m.json")
    )
    with pytest.raises(ValidationError) as err:
        template_json('form = "07"\n[texts\n', "mau-07.toml")
    assert "TOML" in err.value.user_message
    assert shipped_template("07").version == SHIPPED_VERSION
