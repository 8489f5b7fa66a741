"""One portal record (a JSON object as public scrapers of dichvucong.gov.vn write it) → a catalog
procedure and its report. Nothing is guessed: what cannot be read is reported, and a record that needs a
person is marked for review with the reasons, never dropped and never filled with invented values."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from app.catalog.model import CODE_PATTERN, Procedure
from app.catalog.portal.channels import ChannelRow, parse_channels
from app.catalog.portal.components import parse_components
from app.catalog.portal.fee_rule import fee_rule
from app.catalog.portal.legal import parse_legal, parse_related, parse_results
from app.catalog.portal.report import RecordReport
from app.catalog.portal.text import field, one_line

ORIGIN = "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)"
NO_AGENCY = "Không ghi trên Cổng Dịch vụ công"
_LEVELS = (("Cấp xã", "xa"), ("Cấp tỉnh", "tinh"), ("Cấp bộ", "trung_uong"))
_PERIOD = {"working_days": "days", "calendar_days": "days", "hours": "hours"}


def _processing(rows: list[ChannelRow], report: RecordReport) -> dict[str, Any] | None:
    """The appointment rule: the in-person time, else the first channel that states one."""
    direct = [r for r in rows if r.channel == "truc_tiep"]
    for row in direct + [r for r in rows if r.channel != "truc_tiep"]:
        d = row.time.duration
        if d is None:
            continue
        if row.channel != "truc_tiep":
            report.warnings.append(f"hạn hẹn trả lấy theo hình thức {row.channel} (trực tiếp không ghi)")
        if d.unit not in _PERIOD or (d.value or 0) > (720 if d.unit == "hours" else 365):
            report.review.append(f"thời hạn {d.label_vi()}: bàn tiếp nhận chưa tính được ngày hẹn")
            return None
        return {"kind": d.unit, _PERIOD[d.unit]: d.value}
    report.review.append("không có thời hạn giải quyết đọc được: cần người nhập")
    return None


def _time_stats(rows: list[ChannelRow], report: RecordReport) -> None:
    direct = [r for r in rows if r.channel == "truc_tiep"]
    if not direct:
        report.absent.append("time_truc_tiep")
    elif direct[0].time.duration is not None:
        report.parsed.append("time_truc_tiep")
    elif direct[0].time.stated:
        report.not_parsed.append(f"time_truc_tiep: {direct[0].time.problem}")
    else:
        report.absent.append("time_truc_tiep")
    for row in rows:
        if row.time.problem:
            report.warnings.append(f"{row.channel}: {row.time.problem}")


def _components(
    raw: dict[str, Any], report: RecordReport
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    text = field(raw, "thanh_phan_ho_so", 60_000)
    if not text:
        report.absent.append("components")
        report.review.append("không có thành phần hồ sơ")
        return [], []
    table = parse_components(text)
    report.warnings.extend(table.warnings)
    cases = [{"id": f"th{i:02d}", "label": label[:1000]} for i, label in enumerate(table.cases, 1)]
    case_id = {c["label"]: c["id"] for c in cases}
    comps = []
    for i, row in enumerate(table.rows, 1):
        if len(row.name) < 2:
            report.warnings.append(f"bỏ một dòng thành phần không có tên (dòng {i})")
            continue
        comps.append({
            "id": f"tp{i:02d}", "name": row.name, "copy_kind": row.kind,
            "count": max(1, min(99, row.originals or row.copies)), "mandatory": not row.conditional,
            "note": row.note, "case": case_id.get(row.case[:1000], ""), "one_of": row.one_of,
            "present_only": row.present_only, "originals": min(row.originals, 99),
            "copies": min(row.copies, 99), "form": row.form[:300],
        })  # fmt: skip
    used = {c["case"] for c in comps}
    for case in [c for c in cases if c["id"] not in used]:  # a case title with no row of its own
        report.notes.append(case["label"])
    cases = [c for c in cases if c["id"] in used]
    if comps:
        report.parsed.append("components")
        report.counts["components"] = len(comps)
        report.counts["cases"] = len(cases)
        report.counts["one_of"] = sum(1 for c in comps if c["one_of"])
        report.counts["present_only"] = sum(1 for c in comps if c["present_only"])
        report.counts["forms"] = sum(1 for c in comps if c["form"])
    else:
        report.not_parsed.append("components: không tách được dòng nào")
        report.review.append("không tách được thành phần hồ sơ")
    report.notes.extend(table.notes[:30])
    return comps, cases


def _agencies(raw: dict[str, Any], report: RecordReport) -> tuple[str, dict[str, str]]:
    agencies = {
        "executing": field(raw, "co_quan_thuc_hien", 1000),
        "competent": field(raw, "co_quan_co_tham_quyen", 1000),
        "authorised": field(raw, "co_quan_duoc_uy_quyen", 1000),
        "coordinating": field(raw, "co_quan_phoi_hop", 1000),
        "address": field(raw, "dia_chi_tiep_nhan", 1000),
    }
    main = agencies["competent"] or agencies["executing"]
    if main:
        report.parsed.append("agencies")
    else:
        report.absent.append("agencies")
        report.warnings.append("cơ quan thực hiện và cơ quan có thẩm quyền đều không ghi")
    return one_line(main, 300) or NO_AGENCY, agencies


def _level(raw: dict[str, Any], report: RecordReport) -> str:
    text = field(raw, "cap_thuc_hien", 200)
    found = [code for word, code in _LEVELS if word.lower() in text.lower()]
    if not found:
        report.warnings.append(f"cấp thực hiện '{one_line(text, 40)}' không nhận ra: ghi là cấp xã")
        return "xa"
    if len(found) > 1:
        report.warnings.append(f"nhiều cấp thực hiện ({text}): ghi là {found[0]}")
    report.parsed.append("level")
    return found[0]


def _steps(raw: dict[str, Any]) -> list[str]:
    text = field(raw, "trinh_tu_thuc_hien", 30_000)
    parts = re.split(r"\n+|(?<=[.;:])\s*(?=(?:- |\+ |Bước \d))", text)
    return [one_line(p.strip(" -+"), 600) for p in parts if len(p.strip(" -+")) > 3][:15]


def _fill(raw: dict[str, Any], report: RecordReport, retrieved: str) -> dict[str, Any]:
    table = parse_channels(field(raw, "cach_thuc_thuc_hien", 30_000))
    report.warnings.extend(table.warnings)
    if table.rows:
        report.parsed.append("channels")
    else:
        report.absent.append("channels")
    _time_stats(table.rows, report)
    processing = _processing(table.rows, report)
    fees, channels = fee_rule(table.rows, report)
    components, cases = _components(raw, report)
    agency, agencies = _agencies(raw, report)
    legal, legal_warnings = parse_legal(field(raw, "can_cu_phap_ly", 30_000))
    report.warnings.extend(legal_warnings)
    (report.parsed if legal else report.absent).append("legal")
    names, codes = parse_results(field(raw, "ket_qua_xu_ly", 10_000))
    (report.parsed if names else report.absent).append("result")
    if not names:
        report.review.append("không có kết quả thực hiện")
    decision = field(raw, "so_quyet_dinh", 200)
    (report.parsed if decision else report.absent).append("decision")
    url = field(raw, "detail_url", 500)
    return {
        "version": 1, "name": one_line(field(raw, "ten_thu_tuc", 2000), 400),
        "field": one_line(field(raw, "linh_vuc", 300), 100), "level": _level(raw, report),
        "agency": agency, "processing": processing, "fees": fees, "components": components,
        "result": one_line("; ".join(names), 400), "result_code": codes[0] if codes else "",
        "steps": _steps(raw), "legal": [d.model_dump() for d in legal],
        "legal_basis": [d.title if d.number in d.title else f"{d.title} ({d.number})" for d in legal][:30],
        "channels": channels, "cases": cases, "agencies": agencies, "decision": decision,
        "related": parse_related(field(raw, "thu_tuc_lien_quan", 5000)),
        "conditions": field(raw, "yeu_cau_dieu_kien", 8000),
        "subjects": one_line(field(raw, "doi_tuong_thuc_hien", 2000), 1000),
        "note": one_line("Lưu ý về hồ sơ: " + " ".join(report.notes), 4000) if report.notes else "",
        "source": {"origin": ORIGIN, "url": url if url.startswith("https://dichvucong.gov.vn/") else "",
                   "retrieved": retrieved},
    }  # fmt: skip


def read_record(
    raw: object, retrieved: str = "", where: str = ""
) -> tuple[dict[str, Any] | None, RecordReport]:
    """(procedure as a dict, or None when it cannot be one; its report). Never raises on bad input."""
    report = RecordReport(where=where)
    if not isinstance(raw, dict):
        report.review.append(f"bản ghi không phải đối tượng JSON ({type(raw).__name__})")
        return None, report.close()
    code = field(raw, "ma_thu_tuc", 80)
    report.code, report.name = code, one_line(field(raw, "ten_thu_tuc", 400), 120)
    if not re.match(CODE_PATTERN, code):
        report.review.append(f"mã thủ tục '{one_line(code, 40)}' không hợp lệ")
    if not report.name:
        report.review.append("không có tên thủ tục")
    try:
        proc = {"code": code, **_fill(raw, report, retrieved)}
    except Exception as exc:  # a record we cannot read is reported, never a crash of the whole import
        report.review.append(f"lỗi khi đọc bản ghi: {type(exc).__name__}: {one_line(str(exc), 200)}")
        return None, report.close()
    if len(proc["field"]) < 2:
        report.review.append("không có lĩnh vực")
    proc["review"] = list(report.review)
    if not report.review:
        try:
            Procedure.model_validate(proc)
        except ValidationError as exc:
            first = exc.errors()[0]
            where_ = ".".join(str(p) for p in first["loc"])
            report.review.append(f"không hợp lệ theo mô hình danh mục: {where_}: {first['msg']}")
            proc["review"] = list(report.review)
    return proc, report.close()
