"""The guidance sheet of real procedures: per-channel time and fee, exemptions with proof, case groups,
alternatives, present-only papers, blank forms, and the point's address, hours and hotline."""

from __future__ import annotations

from datetime import date

import pytest

from app.catalog import read_catalog
from app.catalog.io import CATALOG_DIR
from app.config import Settings
from app.forms.guidance import render_guidance
from tests.test_forms import flat

SETTINGS = Settings(
    point_name="Điểm Phục vụ hành chính công Hoàn Kiếm",
    point_address="Số 1 phố Mẫu, Hoàn Kiếm",
    point_hours="Thứ Hai–Thứ Sáu 8:00–17:00",
    point_hotline="1900 0000",
)


@pytest.fixture(scope="module")
def procs():
    return {p.code: p for p in read_catalog(CATALOG_DIR / "procedures.json").procedures}


def test_sheet_prints_channels_exemptions_cases_and_the_point(procs):
    text = flat(render_guidance(procs["1.004222"], SETTINGS, date(2026, 12, 1)))
    assert "Số 1 phố Mẫu, Hoàn Kiếm" in text and "Thứ Hai–Thứ Sáu 8:00–17:00" in text and "1900 0000" in text
    assert "Trực tuyến 7 ngày làm việc 10.000đ" in text and "Trực tiếp 7 ngày làm việc 20.000đ" in text
    assert "Miễn, giảm phí, lệ phí" in text and "giấy tờ chứng minh" in text
    assert text.count("Trường hợp:") == len(procs["1.004222"].cases) and "Mẫu CT01" in text
    assert "mã KQ.G01.000064" in text and "đọc ngày 10/06/2026" in text


def test_sheet_prints_alternatives_and_present_only_papers(procs):
    vehicle = flat(render_guidance(procs["1.013086"], SETTINGS))
    assert "Một trong các giấy tờ:" in vehicle
    marriage = flat(render_guidance(procs["1.004873"], SETTINGS))
    assert "Xuất trình bản chính" in marriage and "Người thuộc hộ nghèo" in marriage
    assert "Hội đồng nhân dân" in marriage and "15.000đ" not in marriage
