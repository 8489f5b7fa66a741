"""The procedure catalog as the Thủ tục page and the receive wizard show it."""

from __future__ import annotations

from typing import TypedDict

from app.catalog import FeeRule, get_procedure, list_procedures, search
from app.domain.vocabulary import copy_kind_vi, vnd
from ui.context import DeskContext


class ComponentView(TypedDict):
    id: str
    name: str
    copy_kind: str
    copy_label: str
    count: int
    mandatory: bool
    case: str  # the case group it belongs to ("" = every case)
    one_of: list[str]  # alternatives: any one of these papers satisfies it
    present_only: bool  # shown for checking (xuất trình), not handed in


class ProcedureView(TypedDict):
    code: str
    version: int
    name: str
    field: str
    agency: str
    result: str
    time_text: str
    fee_lines: list[str]
    components: list[ComponentView]
    cases: list[tuple[str, str]]  # (id, label) of the procedure's case groups


def search_procedures(ctx: DeskContext, query: str, limit: int = 50) -> list[tuple[str, str]]:
    """(code, name) of the procedures matching `query` (all, in order, when it is empty)."""
    if not query:
        return [(p.code, p.name) for p in list_procedures(ctx.db.conn)[:limit]]
    return [(h.code, h.name) for h in search(ctx.db.conn, query, limit)]


def fee_line(f: FeeRule) -> str:
    """One fee rule in words: "Lệ phí: 10.000đ/bản (trực tuyến 5.000đ)"."""
    if f.kind == "free":
        return f"{f.label}: miễn"
    if f.kind == "words":
        return f"{f.label}: {f.words[:200]}"
    if f.kind == "per_page":
        tiers = "; ".join(f"từ trang {t.from_page}: {vnd(t.amount)}/trang" for t in f.tiers)
        cap = f", tối đa {vnd(f.cap_per_copy)}/bản" if f.cap_per_copy else ""
        return f"{f.label}: {tiers}{cap}"
    unit = "/bản" if f.kind == "per_copy" else "/hồ sơ"
    online = f" (trực tuyến {vnd(f.online_amount)})" if f.online_amount is not None else ""
    return f"{f.label}: {vnd(f.amount)}{unit}{online}"


def procedure_detail(ctx: DeskContext, code: str) -> ProcedureView:
    p = get_procedure(ctx.db.conn, code)
    return {
        "code": p.code,
        "version": p.version,
        "name": p.name,
        "field": p.field,
        "agency": p.agency,
        "result": p.result,
        "time_text": p.processing.label_vi(),
        "fee_lines": [fee_line(f) for f in p.fees],
        "components": [
            {
                "id": c.id,
                "name": c.name,
                "copy_kind": c.copy_kind,
                "copy_label": copy_kind_vi(c.copy_kind),
                "count": c.count,
                "mandatory": c.mandatory,
                "case": c.case,
                "one_of": list(c.one_of),
                "present_only": c.present_only,
            }
            for c in p.components
        ],
        "cases": [(c.id, c.label) for c in p.cases],
    }
