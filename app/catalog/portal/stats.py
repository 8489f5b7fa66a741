"""Parse rates per field over a set of record reports (the importer's report table)."""

from __future__ import annotations

from app.catalog.portal.report import RecordReport

FIELDS = (
    ("time_truc_tiep", "thời hạn (trực tiếp)"),
    ("fee_truc_tiep", "phí, lệ phí (trực tiếp)"),
    ("channels", "bảng cách thức thực hiện"),
    ("components", "thành phần hồ sơ"),
    ("agencies", "cơ quan thực hiện / có thẩm quyền"),
    ("legal", "căn cứ pháp lý"),
    ("result", "kết quả (và mã KQ)"),
    ("decision", "số quyết định công bố"),
    ("level", "cấp thực hiện"),
)


def _stated(report: RecordReport, key: str) -> tuple[bool, bool]:
    parsed = key in report.parsed
    failed = any(n.startswith(key + ":") for n in report.not_parsed)
    return parsed or failed, parsed


def rate_rows(reports: list[RecordReport]) -> list[tuple[str, int, int, int]]:
    """(field, records that state it, of which parsed, records that do not state it)."""
    rows = []
    for key, label in FIELDS:
        stated = parsed = 0
        for r in reports:
            s, p = _stated(r, key)
            stated += s
            parsed += p
        rows.append((label, stated, parsed, len(reports) - stated))
    return rows


def rate_table(reports: list[RecordReport]) -> list[str]:
    """The table as text lines (Markdown), plus the component detail counts."""
    lines = ["| trường | có ghi | đọc được | tỉ lệ | không ghi |", "| --- | ---: | ---: | ---: | ---: |"]
    for label, stated, parsed, absent in rate_rows(reports):
        rate = f"{100 * parsed / stated:.1f}%" if stated else "–"
        lines.append(f"| {label} | {stated} | {parsed} | {rate} | {absent} |")
    count = lambda key: sum(r.counts.get(key, 0) for r in reports)  # noqa: E731
    with_cases = sum(1 for r in reports if r.counts.get("cases"))
    bare = sum(1 for r in reports if any("không ghi đơn vị" in n for n in r.not_parsed))
    via = sum(1 for r in reports if any("đơn vị thời gian lấy từ mô tả" in w for w in r.warnings))
    lines.append(
        f"thành phần: {count('components')} dòng; {with_cases} bản ghi có nhóm trường hợp ({count('cases')} "
        f"nhóm); {count('one_of')} thành phần 'một trong'; {count('present_only')} chỉ xuất trình; "
        f"{count('forms')} có mẫu đơn; {count('exemptions')} đối tượng miễn/giảm phí"
    )
    lines.append(
        f"thời hạn chỉ có số, không có đơn vị: {bare} bản ghi (cần người xem, không đoán); "
        f"đơn vị lấy từ mô tả cùng số: {via} bản ghi"
    )
    flagged = [r for r in reports if r.status == "needs_review"]
    lines.append(f"cần người xem: {len(flagged)}/{len(reports)} bản ghi")
    return lines
