"""Phiếu hướng dẫn: the guidance sheet of one procedure, as the clerk hands it to a citizen: the point's
address, hours and hotline; the steps; time and fee for each way of filing; who is exempted and with
which proof; the papers, by case, with alternatives, present-only papers and blank forms; the result;
the legal basis and where the record came from."""

from __future__ import annotations

from datetime import date

from app.catalog.fees import vnd
from app.catalog.model import Component, FeeRule, Procedure
from app.catalog.terms import ChannelTerms
from app.config import Settings
from app.domain.vocabulary import CHANNEL_VI, COPY_KIND_VI, LEVEL_VI, vn_today
from app.form_templates import GUIDANCE, FormTemplate, shipped_template
from app.forms.base import FormPDF
from app.forms.citizen import public_note

DEFAULT_STEPS = (
    "Chuẩn bị hồ sơ theo danh mục thành phần hồ sơ dưới đây.",
    "Nộp hồ sơ tại Điểm Phục vụ hành chính công, qua bưu chính hoặc trực tuyến.",
    "Nhận Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
    "Nhận kết quả tại Điểm hoặc qua dịch vụ bưu chính công ích.",
)
MAX_STEPS = 6


def _cut(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def fee_text(rule: FeeRule) -> str:
    """A fee rule in words for the citizen."""
    if rule.kind == "free":
        text = "Miễn"
    elif rule.kind == "words":
        text = _cut(rule.words, 300)
    elif rule.kind == "per_page":
        tiers = "; ".join(f"từ trang {t.from_page}: {vnd(t.amount)}/trang" for t in rule.tiers)
        cap = f"; tối đa {vnd(rule.cap_per_copy)}/bản" if rule.cap_per_copy is not None else ""
        text = tiers + cap
    elif rule.kind == "per_copy":
        text = f"{vnd(rule.amount)}/bản"
    else:
        text = f"{vnd(rule.amount)}/hồ sơ"
    if rule.online_amount is not None:
        text += f" (nộp trực tuyến: {vnd(rule.online_amount)})"
    if rule.postal_amount is not None:
        text += f" (qua bưu chính: {vnd(rule.postal_amount)})"
    return text


def _channel_fee(t: ChannelTerms, p: Procedure) -> str:
    if t.is_free:
        return "Miễn phí"
    if t.fee_amount is not None:
        return vnd(t.fee_amount) + (t.fee_unit if t.fee_unit.startswith("/") else "")
    if t.fee_text:
        return _cut(t.fee_text, 160)
    return fee_text(p.fees[0]) if p.fees else "Không ghi"


def _point_lines(pdf: FormPDF, settings: Settings, t: FormTemplate) -> None:
    bits = [("address_label", settings.point_address), ("hours_label", settings.point_hours),
            ("hotline_label", settings.point_hotline)]  # fmt: skip
    for key, value in bits:
        if value:
            pdf.rich((f"{t.text(key)}: ", ""), (value, "B"), size=11)


def _terms(pdf: FormPDF, p: Procedure, t: FormTemplate) -> None:
    pdf.para(t.text("terms_heading"), style="B")
    time_note = public_note(p.processing.note)
    if not p.channels:
        pdf.para(p.processing.label_vi() + (f" ({time_note})" if time_note else ""))
        for rule in p.fees:
            fee_note = public_note(rule.note)
            pdf.rich(
                (f"- {rule.label}: ", ""),
                (fee_text(rule), "B"),
                (f" ({fee_note})" if fee_note else "", "I"),
            )
        if not p.fees:
            pdf.para("- Không thu phí, lệ phí.")
        return
    rows = [[CHANNEL_VI[t.channel], t.time.label_vi() if t.time else p.processing.label_vi(), _channel_fee(t, p)]
            for t in p.channels]  # fmt: skip
    pdf.grid(["Hình thức nộp", "Thời hạn", "Phí, lệ phí"], rows, (48, 40, 87), size=10)
    pdf.para(f"Ngày hẹn trả tính theo: {p.processing.label_vi()}"
             + (f" ({_cut(time_note, 200)})" if time_note else ""), size=10)  # fmt: skip


def _exemptions(pdf: FormPDF, p: Procedure, t: FormTemplate) -> None:
    found = [e for rule in p.fees for e in rule.exemptions]
    if not found:
        return
    pdf.para(t.text("exemptions_heading"), style="B", size=11)
    for e in found:
        what = "Miễn" if e.kind == "exempt" else f"Giảm {e.percent}%"
        until = f" (đến {e.until[8:]}/{e.until[5:7]}/{e.until[:4]})" if e.until else ""
        proof = f" — giấy tờ chứng minh: {_cut(e.proof, 220)}" if e.proof else ""
        pdf.rich((f"- {what}{until}: ", ""), (e.who, "B"), (proof, "I"), size=10)


def _component_row(i: int, c: Component) -> list[str]:
    name = c.name + (
        f"\nMột trong các giấy tờ: {'; '.join(_cut(o, 120) for o in c.one_of[:6])}" if c.one_of else ""
    )
    if c.form:
        name += f"\n{c.form}" if c.form.startswith(("Mẫu", "Tờ khai")) else f"\nMẫu: {c.form}"
    name += f"\n({_cut(note, 200)})" if (note := public_note(c.note)) else ""
    kind = (
        ("Xuất trình " + COPY_KIND_VI[c.copy_kind].lower()) if c.present_only else COPY_KIND_VI[c.copy_kind]
    )
    if c.originals or c.copies:
        count = ", ".join(
            x
            for x in (f"{c.originals} chính" if c.originals else "", f"{c.copies} sao" if c.copies else "")
            if x
        )
    else:
        count = str(c.count)
    return [str(i), name, kind, count, "Có" if c.mandatory else "Nếu có"]


def _components(pdf: FormPDF, p: Procedure, t: FormTemplate) -> None:
    pdf.para(t.text("components_heading"), style="B")
    groups = [("", "")] + [(c.id, c.label) for c in p.cases]
    n = 0
    for case_id, label in groups:
        comps = [c for c in p.components if c.case == case_id]
        if not comps:
            continue
        if p.cases:
            pdf.para(
                f"Trường hợp: {_cut(label, 300)}" if case_id else "Áp dụng cho mọi trường hợp",
                style="BI",
                size=11,
            )
        rows = []
        for c in comps:
            n += 1
            rows.append(_component_row(n, c))
        pdf.grid(["TT", "Giấy tờ", "Hình thức", "SL", "Bắt buộc"], rows, (10, 95, 33, 17, 20), size=9.5)


def render_guidance(
    procedure: Procedure, settings: Settings, day: date | None = None, template: FormTemplate | None = None
) -> bytes:
    """The guidance sheet (phiếu hướng dẫn) of a procedure, as the clerk hands it to a citizen, in the
    wording of the centre's `template`; a published one also prints its footer and version."""
    p = procedure
    t = template or shipped_template(GUIDANCE)
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Phiếu hướng dẫn {p.code}",
        heading=t.text("title"),
        subtitle=f"{t.text('procedure_label')}: {p.name} (mã {p.code}, phiên bản {p.version})",
        place_date=day or vn_today(),
        template=None if t.is_shipped else t,
    )
    _point_lines(pdf, settings, t)
    pdf.rich(
        (f"{t.text('field_label')}: ", ""),
        (p.field, "B"),
        (f"    {t.text('level_label')}: ", ""),
        (LEVEL_VI[p.level], "B"),
    )
    pdf.rich((f"{t.text('agency_label')}: ", ""), (p.agency, "B"))
    pdf.para(t.text("steps_heading"), style="B")
    steps = p.steps or DEFAULT_STEPS
    for i, step in enumerate(steps[:MAX_STEPS], start=1):
        pdf.para(f"  {i}) {_cut(step, 300)}", size=11)
    if len(steps) > MAX_STEPS:
        pdf.para(f"  (còn {len(steps) - MAX_STEPS} bước: xem trên Cổng Dịch vụ công)", style="I", size=10)
    _terms(pdf, p, t)
    _exemptions(pdf, p, t)
    _components(pdf, p, t)
    if p.conditions:
        pdf.para(t.text("conditions_heading"), style="B", size=11)
        pdf.para(_cut(p.conditions, 700), size=10)
    pdf.para(t.text("result_heading"), style="B")
    code = f" (mã {p.result_code})" if p.result_code else ""
    pdf.para(f"{p.result}{code}. Nhận tại {settings.point_name} {t.text('result_where')}")
    legal = [d.number or _cut(d.title, 80) for d in p.legal] or list(p.legal_basis)
    legal = [b for b in (public_note(x) for x in legal) if b]
    if legal:
        pdf.para(t.text("legal_heading"), style="B")
        pdf.para("; ".join(legal[:20]) + ".", size=10)
    if note := public_note(p.note):
        pdf.para(f"Ghi chú: {_cut(note, 600)}", style="I", size=9.5)
    if p.source is not None:
        seen = (
            f", đọc ngày {p.source.retrieved[8:]}/{p.source.retrieved[5:7]}/{p.source.retrieved[:4]}"
            if p.source.retrieved
            else ""
        )
        pdf.para(f"Nguồn: {p.source.origin}{seen}" + (f"; {p.source.reviewed_by}" if p.source.reviewed_by else ""),
                 style="I", size=9)  # fmt: skip
    return pdf.bytes()
