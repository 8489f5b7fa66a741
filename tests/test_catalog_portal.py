"""The portal importer on real records (tests/fixtures/portal, see PROVENANCE.md): what it reads, what it
flags for a person, and that it never invents a value."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from app.catalog.model import Procedure
from app.catalog.portal.draft import build_draft, publishable
from app.catalog.portal.record import read_record
from app.catalog.portal.stats import rate_rows

FIXTURES = Path(__file__).parent / "fixtures" / "portal"


def _read(code: str) -> tuple[dict | None, object]:
    raw = json.loads((FIXTURES / f"{code}.json").read_text(encoding="utf-8"))
    return read_record(raw, "2026-06-10", code)


def _proc(code: str) -> Procedure:
    data, report = _read(code)
    assert data is not None and report.status == "ok", report.review  # type: ignore[attr-defined]
    return Procedure.model_validate(data)


def test_permanent_residence_keeps_per_channel_fees_cases_and_forms():
    p = _proc("1.004222")  # Đăng ký thường trú: 20.000đ in person, 10.000đ online, 7 working days
    assert (p.processing.kind, p.processing.days) == ("working_days", 7)
    assert (p.fees[0].kind, p.fees[0].amount, p.fees[0].online_amount) == ("fixed", 20_000, 10_000)
    assert {t.channel for t in p.channels} == {"truc_tiep", "truc_tuyen"}
    assert p.terms("truc_tuyen").time.label_vi() == "7 ngày làm việc"
    assert len(p.cases) == 7 and all(c.case for c in p.components)
    assert any(c.form == "Mẫu CT01" for c in p.components)
    assert p.fees[0].exemptions and "xuất trình" in p.fees[0].exemptions[0].proof
    assert p.result_code == "KQ.G01.000064" and p.decision and p.source.retrieved == "2026-06-10"


def test_certified_copy_fee_is_read_per_page_with_its_cap_and_the_usd_row_is_left_out():
    data, report = _read("2.000815")
    rule = data["fees"][0]
    assert rule["kind"] == "per_page" and rule["cap_per_copy"] == 200_000
    assert [(t["from_page"], t["amount"]) for t in rule["tiers"]] == [(1, 2000), (3, 1000)]
    assert any("hai dòng cho hình thức truc_tiep" in w for w in report.warnings)
    # the portal states no time for it: held for a person, no time made up
    assert data["processing"] is None and report.status == "needs_review"


def test_a_free_label_with_a_council_set_fee_becomes_a_words_fee_with_its_exemptions():
    data, report = _read(
        "1.004873"
    )  # Xác nhận tình trạng hôn nhân ("Trực tiếp3Miễn phí(Mức lệ phí … HĐND …")
    rule = Procedure.model_validate({**data, "processing": {"kind": "working_days", "days": 3}}).fees[0]
    assert any("Miễn phí' nhưng mô tả nói mức thu do HĐND" in w for w in report.warnings)
    assert rule.kind == "words" and "Hội đồng nhân dân" in rule.words and rule.amount == 0
    assert {e.who for e in rule.exemptions} >= {
        "Người thuộc hộ nghèo", "Người có công với cách mạng và thân nhân", "Người khuyết tật"
    }  # fmt: skip


def test_alternatives_present_only_papers_and_hours():
    vehicle = _proc("1.013086")
    alt = next(c for c in vehicle.components if c.one_of)
    assert alt.name.endswith("một trong các giấy tờ sau") and len(alt.one_of) >= 2
    lodging = _proc("2.001159")  # Thông báo lưu trú: 1 giờ
    assert (lodging.processing.kind, lodging.processing.hours) == ("hours", 1)
    birth, _report = _read("1.001193")
    assert any(c["present_only"] for c in birth["components"])
    assert not any(c["present_only"] for c in birth["components"] if "Tờ khai" in c["name"])


def test_a_time_without_unit_is_flagged_never_guessed():
    data, report = _read("1.001193")  # the scrape says "Trực tiếp1Miễn phí": 1 what?
    assert report.status == "needs_review" and data["processing"] is None
    assert any("không ghi đơn vị" in n for n in report.not_parsed)
    assert any("thời hạn" in r for r in report.review)


def test_an_amount_that_disagrees_with_its_description_is_flagged():
    data, report = _read("3.000370")  # "20 VNĐ(20.000 đồng/lần.)"
    assert report.status == "needs_review"
    assert any("20 đồng khác mô tả" in r for r in report.review)
    assert data["fees"][0]["kind"] == "words"  # no amount published until a person confirms it


def test_nfd_records_come_out_nfc():
    nfd = [p for p in FIXTURES.glob("*.json") if not unicodedata.is_normalized("NFC", p.read_text("utf-8"))]
    assert len(nfd) >= 10, "the fixtures hold records (partly) in NFD as the scrape has them"
    for path in nfd:
        data, _ = read_record(json.loads(path.read_text("utf-8")))
        assert data is not None and unicodedata.is_normalized("NFC", json.dumps(data, ensure_ascii=False))


def test_parse_rates_over_the_fixtures():
    draft = build_draft(sorted(FIXTURES.glob("*.json")), retrieved="2026-06-10")
    reports = draft.reports()
    rows = {label: (stated, parsed) for label, stated, parsed, _ in rate_rows(reports)}
    bare = sum(1 for r in reports if any("không ghi đơn vị" in n for n in r.not_parsed))
    stated, parsed = rows["thời hạn (trực tiếp)"]
    assert parsed >= 0.95 * (stated - bare)  # every time stated with a unit is read
    stated, parsed = rows["phí, lệ phí (trực tiếp)"]
    assert parsed >= 0.95 * stated
    assert sum(1 for r in reports if r.counts.get("cases")) >= 5
    stated, parsed = rows["cơ quan thực hiện / có thẩm quyền"]
    assert stated >= 20 and parsed == stated
    assert len(reports) == len(list(FIXTURES.glob("*.json")))  # nothing dropped


def test_reviewed_record_is_published_and_unreviewed_ones_are_held():
    draft = build_draft([FIXTURES / "1.001193.json", FIXTURES / "1.004222.json"], retrieved="2026-06-10")
    ready = publishable(draft)
    assert [p.code for p in ready.procedures] == ["1.004222"] and ready.held[0][0] == "1.001193"
    birth = draft.records[0]
    birth.procedure["processing"] = {"kind": "working_days", "days": 1}
    birth.status, birth.reviewed_by = "reviewed", "Trung tâm PVHCC (kiểm tra thử)"
    ready = publishable(draft)
    published = {p.code: p for p in ready.procedures}
    assert set(published) == {"1.001193", "1.004222"} and not ready.held
    assert published["1.001193"].review == () and published["1.001193"].source.reviewed_by


@pytest.mark.parametrize(
    "raw",
    [
        None,
        ["not", "a", "record"],
        {},
        {"ma_thu_tuc": "1.001193"},
        {"ma_thu_tuc": 1001193, "ten_thu_tuc": ["Đăng ký"], "cach_thuc_thuc_hien": {"a": 1}},
        {"ma_thu_tuc": "1.00x", "ten_thu_tuc": "Thủ tục", "cach_thuc_thuc_hien": "Trực tiếp" * 5000},
        {"ma_thu_tuc": "1.001193", "ten_thu_tuc": "Khai sinh", "linh_vuc": "Hộ tịch",
         "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp9999999 Ngày(((",
         "thanh_phan_ho_so": "Tên giấy tờMẫu đơn, tờ khaiSố lượng1 bản chính0 bản sao" + "x" * 100_000,
         "ket_qua_xu_ly": "Mã: KQ.", "can_cu_phap_ly": "12/2020/NĐ-CP" * 50},
    ],
)  # fmt: skip
def test_missing_or_garbled_fields_give_a_report_line_never_a_crash(raw):
    _data, report = read_record(raw, "", "bad")
    assert report.status == "needs_review" and report.review
    assert report.line().startswith("CẦN XEM")


def test_a_file_of_bad_records_still_builds_a_draft(tmp_path: Path):
    lines = [
        json.dumps({"ma_thu_tuc": "1.004222"}),
        "{not json",
        "[]",
        (FIXTURES / "1.004222.json").read_text(),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + json.dumps(json.loads(lines[3])) + "\n"
    )
    draft = build_draft([path, tmp_path / "missing.json"])
    assert [r.status for r in draft.records] == ["needs_review"] * 3 + ["ok", "needs_review"]
    assert any("JSON lỗi" in r.report.where for r in draft.records)
    assert [p.code for p in publishable(draft).procedures] == ["1.004222"]
