"""`can_cu_phap_ly`, `ket_qua_xu_ly`, `thu_tuc_lien_quan`: legal documents, results and related
procedures, as the portal's tables leave them glued together."""

from __future__ import annotations

import re

from app.catalog.portal.text import cut_page_tail, one_line
from app.catalog.terms import LegalDoc

_HEADER = re.compile(r"^\s*Tên văn bản pháp lý\s*Mã văn bản\s*(Ngày ban hành)?\s*")
_NUMBER = re.compile(
    r"(?:(?:Thông tư|Nghị định|Luật|Quyết định|Nghị quyết|Thông tư liên tịch)\s+(?:số\s+)?)?"
    r"(\d{1,4}/\d{4}/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*|\d{1,5}/(?:QĐ|NQ|CT|KH|TB)-[A-ZĐ0-9]+|\d{1,3}/QH\d{2})"
)
_RESULT_CODE = re.compile(r"Mã\s*:\s*(KQ\.[A-Z0-9.]+?)(?=[A-ZĐÀ-Ỹ][a-zà-ỹ]|$|\s)")
_PROCEDURE_CODE = re.compile(r"\b\d\.\d{6}(?:\.[0-9A-Za-z]+)*\b")


def _is_cell_end(text: str, end: int) -> bool:
    """A document number ends its cell when the next title follows at once (glued, or a capital)."""
    after = text[end : end + 2]
    return not after or after[0].isupper() or (after[0] == " " and after[1:2].isupper())


def parse_legal(text: str) -> tuple[list[LegalDoc], list[str]]:
    """(documents, warnings): each document's title and number, in the portal's order."""
    body = _HEADER.sub("", text, count=1)
    docs: list[LegalDoc] = []
    start = 0
    for m in _NUMBER.finditer(body):
        if not _is_cell_end(body, m.end()):
            continue
        title = one_line(body[start : m.start()].strip(), 1000)
        docs.append(LegalDoc(number=m.group(1), title=title or m.group(0)))
        start = m.end()
    warnings = []
    tail = body[start:].strip()
    if tail:
        warnings.append(f"căn cứ pháp lý: phần cuối không có số hiệu: '{one_line(tail, 80)}'")
        docs.append(LegalDoc(title=one_line(tail, 1000)))
    return docs, warnings


def parse_results(text: str) -> tuple[list[str], list[str]]:
    """(result names, KQ codes) from "Giấy khai sinhMã: KQ.G15.000031…"."""
    body = cut_page_tail(text)
    names, codes, start = [], [], 0
    for m in _RESULT_CODE.finditer(body):
        name = body[start : m.start()].strip(" ;,.")
        if name:
            names.append(one_line(name, 300))
        codes.append(m.group(1).rstrip("."))
        start = m.end()
    rest = body[start:].strip(" ;,.")
    if rest:
        names.append(one_line(rest, 300))
    return names, codes


def parse_related(text: str) -> list[str]:
    """Related procedures: their codes where given, else the lines as written."""
    codes = _PROCEDURE_CODE.findall(text)
    if codes:
        return list(dict.fromkeys(codes))
    return [one_line(line, 300) for line in re.split(r"[\n;]+", text) if len(line.strip()) > 3][:20]
