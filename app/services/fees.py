"""The fee rules of a dossier: the cash desk's quote, a clerk's adjustment with its reason, the receipt's lines.

`app.catalog.fees.compute_fees` prices the pages from the procedure's rules. `quote_procedure` is the one
quote the desk makes, before saving (the receive flow's fee step) and after (the Thu phí dialog): copies
per component, pages from the components that count, the channel, an exemption with its proof.
`receive_fees` decides what a new dossier's `received` event carries; `adjust_fees` turns a clerk's new
total into lines.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.catalog import Procedure, compute_fees
from app.domain.errors import ValidationError
from app.domain.vocabulary import CHANNEL_VI

ADJUSTMENT_CODE = "dieu_chinh"
ADJUSTED_TOTAL_CODE = "tong"


@dataclass(frozen=True)
class FeeAdjustment:
    """The fee lines a clerk's changed total gives, and the reason the service requires with them."""

    lines: tuple[Mapping[str, Any], ...]
    reason: str


def adjust_fees(
    computed: Sequence[Mapping[str, Any]], wanted_total: int, reason: str
) -> FeeAdjustment | None:
    """None when the total is the catalog's; else the catalog lines plus an "Điều chỉnh" line, or, for a
    reduction, one line with the new total (the service takes non-negative lines only)."""
    computed_total = sum(int(line["amount"]) for line in computed)
    if wanted_total == computed_total:
        return None
    diff = wanted_total - computed_total
    if diff < 0:
        total_line = {
            "code": ADJUSTED_TOTAL_CODE,
            "label": "Phí, lệ phí (đã điều chỉnh)",
            "amount": wanted_total,
            "basis": reason,
        }
        return FeeAdjustment((total_line,), reason)
    extra = {"code": ADJUSTMENT_CODE, "label": "Điều chỉnh", "amount": diff, "basis": reason}
    return FeeAdjustment((*(dict(line) for line in computed), extra), reason)


def receive_fees(
    proc: Procedure, request: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], int]:
    """The fee lines and total of a new dossier: the cash desk's quote (when the request carries a
    `fee_request`) or the catalog's for every page, or the request's lines with a reason."""
    if request.get("fee_request"):
        computed = quote_procedure(proc, documents, FeeRequest.from_dict(request["fee_request"])).lines
    else:
        computed = [
            line.to_dict()
            for line in compute_fees(
                proc,
                sum(len(d.get("pages") or []) for d in documents),
                int(request.get("copies") or 1),
                bool(request.get("online")) or request.get("channel") == "truc_tuyen",
                postal=request.get("channel") == "buu_chinh",
                exempt=str(request.get("exemption") or "")[:300] or None,
            )
        ]
    lines = [dict(x) for x in request.get("fees") or computed]
    for line in lines:
        if not isinstance(line.get("amount"), int) or line["amount"] < 0:
            raise ValidationError(
                "fee amount must be a non-negative integer", "Số tiền phí, lệ phí không hợp lệ."
            )
    total = sum(int(line["amount"]) for line in lines)
    if total != sum(int(c["amount"]) for c in computed) and not request.get("fee_override_reason"):
        raise ValidationError(
            "fees differ from the catalog without a reason", "Phí khác biểu phí quy định: hãy ghi lý do."
        )
    return lines, total


CHANNELS = tuple(CHANNEL_VI)  # truc_tiep, truc_tuyen, buu_chinh (labels in app.domain.vocabulary)


@dataclass(frozen=True)
class Exemption:
    """Fees waived, with the reason and the proof seen (e.g. "Giấy xác nhận hộ nghèo số 12/GXN").

    `who`: an exemption the procedure's rules list (its rules then give 0 or the reduced amount);
    "" for one the clerk words (every line, or `fee_codes`, goes to 0)."""

    reason: str
    proof: str
    fee_codes: tuple[str, ...] = ()  # empty: every fee line
    who: str = ""

    def problems(self) -> list[str]:
        out = []
        if len(self.reason.strip()) < 5:
            out.append("Hãy ghi rõ lý do miễn, giảm (ít nhất 5 ký tự).")
        if len(self.proof.strip()) < 3:
            out.append("Hãy ghi giấy tờ chứng minh được miễn, giảm.")
        return out


@dataclass(frozen=True)
class FeeRequest:
    """What the clerk sets for a quote. `component_copies` ((component, copies), ...): the copies of each
    component whose pages a per-page fee counts (0: not counted); when given it replaces `components`
    and each component is priced as its own document (the cap is per copy of one paper). `copies`: the
    copies the citizen asks for, which a per-copy fee counts (e.g. 3 bản sao trích lục x 8.000đ) and a
    per-page fee too when no `component_copies` are given; a per-dossier fee is charged once."""

    copies: int = 1
    pages: int | None = None  # None: counted from the components that count
    components: tuple[str, ...] | None = None  # which components' pages count (None: the rule's default)
    channel: str = "truc_tiep"
    exemption: Exemption | None = None
    component_copies: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The request as the `received` event records it (the quote can be made again from it)."""
        out: dict[str, Any] = {"copies": self.copies, "channel": self.channel}
        if self.component_copies:
            out["component_copies"] = [[c, n] for c, n in self.component_copies]
        if self.components is not None:
            out["components"] = list(self.components)
        if self.pages is not None:
            out["pages"] = self.pages
        if self.exemption:
            ex = self.exemption
            out["exemption"] = {"reason": ex.reason.strip(), "proof": ex.proof.strip(), "who": ex.who,
                                "fee_codes": list(ex.fee_codes)}  # fmt: skip
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> FeeRequest:
        """The request back from `to_dict` (ValidationError for a malformed one)."""
        try:
            ex = raw.get("exemption")
            return cls(
                copies=int(raw.get("copies") or 1),
                pages=None if raw.get("pages") is None else int(raw["pages"]),
                components=None if raw.get("components") is None else tuple(map(str, raw["components"])),
                channel=str(raw.get("channel") or "truc_tiep"),
                exemption=Exemption(str(ex.get("reason") or ""), str(ex.get("proof") or ""),
                                    tuple(map(str, ex.get("fee_codes") or ())), str(ex.get("who") or ""))
                if ex else None,
                component_copies=tuple((str(c), int(n)) for c, n in raw.get("component_copies") or ()),
            )  # fmt: skip
        except (AttributeError, TypeError, ValueError) as exc:
            raise ValidationError(f"bad fee request: {exc}", "Yêu cầu tính phí không hợp lệ.") from exc


@dataclass(frozen=True)
class FeeQuote:
    lines: list[dict[str, Any]]
    total: int
    copies: int
    pages: int
    channel: str


def counted_components(proc: Procedure, chosen: Collection[str] | None = None) -> set[str]:
    """The components whose pages a per-page fee counts: the clerk's choice, else the originals handed in
    to be copied or certified (the catalog has no per-rule list yet)."""
    known = {c.id for c in proc.components}
    if chosen is not None:
        unknown = set(chosen) - known
        if unknown:
            raise ValidationError(
                f"unknown fee components {sorted(unknown)}", "Thành phần tính trang không có trong thủ tục."
            )
        return set(chosen)
    return {c.id for c in proc.components if c.copy_kind == "original"}


def counted_pages(documents: Sequence[Mapping[str, Any]], components: Collection[str]) -> int:
    """Pages of one copy: the scanned pages of the documents of the counted components."""
    return sum(len(d.get("pages") or []) for d in documents if d.get("component") in components)


def _exempt(lines: list[dict[str, Any]], ex: Exemption) -> list[dict[str, Any]]:
    codes = set(ex.fee_codes) or {line["code"] for line in lines}
    note = f"Miễn: {ex.reason.strip()}; giấy tờ: {ex.proof.strip()}"
    return [{**line, "amount": 0, "basis": note, "exempted_from": line["amount"]} if line["code"] in codes else line
            for line in lines]  # fmt: skip


def _check(req: FeeRequest) -> None:
    problems = [] if req.channel in CHANNELS else ["Kênh nộp hồ sơ không hợp lệ."]
    if req.exemption:
        problems += req.exemption.problems()
    if any(not 0 <= n <= 1000 for _c, n in req.component_copies):
        problems.append("Số bản của mỗi thành phần phải từ 0 đến 1.000.")
    if problems:
        raise ValidationError(f"bad fee request: {len(problems)} problem(s)", problems[0], problems=problems)


def quote_procedure(proc: Procedure, documents: Sequence[Mapping[str, Any]], req: FeeRequest) -> FeeQuote:
    """The fee lines for a request (catalog rules, copies, counted pages, channel, exemption): pure, so the
    receive flow quotes a dossier not saved yet exactly as the cash desk quotes a saved one."""
    _check(req)
    parts = [(c, n) for c, n in req.component_copies if n > 0]
    counted_components(proc, [c for c, _n in req.component_copies])  # unknown components are refused
    copies = req.copies  # never the largest component's copies: those count pages, not copies issued
    pages = req.pages
    if pages is None:
        chosen = [c for c, _n in parts] if req.component_copies else req.components
        pages = counted_pages(documents, counted_components(proc, chosen))
    online, postal = req.channel == "truc_tuyen", req.channel == "buu_chinh"  # postal: as at receipt
    who = req.exemption.who if req.exemption and req.exemption.who else None

    def price(pages_: int, copies_: int) -> list[dict[str, Any]]:
        return [x.to_dict() for x in compute_fees(proc, pages_, copies_, online, postal=postal, exempt=who)]

    lines = price(pages, copies)
    if req.component_copies and req.pages is None:
        names = {c.id: _short(c.name) for c in proc.components}
        per_part = [(names[c], price(counted_pages(documents, {c}), n)) for c, n in parts]
        for i, rule in enumerate(proc.fees):
            if rule.kind == "per_page" and not lines[i]["basis"].startswith("Miễn"):
                lines[i] = {**lines[i], "amount": sum(int(p[i]["amount"]) for _n, p in per_part),
                            "basis": _parts_basis(rule.basis, [(n, p[i]["basis"]) for n, p in per_part])}  # fmt: skip
    if req.exemption and not req.exemption.who:
        lines = _exempt(lines, req.exemption)
    elif req.exemption:
        seen = f"; đã xem: {req.exemption.proof.strip()[:120]}"
        lines = [{**x, "basis": x["basis"] + seen} if x["basis"].startswith(("Miễn cho", "Giảm")) else x
                 for x in lines]  # fmt: skip
    return FeeQuote(lines, sum(int(x["amount"]) for x in lines), copies, pages, req.channel)


def _short(name: str, width: int = 40) -> str:
    return name if len(name) <= width else name[:width].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _parts_basis(legal: str, parts: list[tuple[str, str]]) -> str:
    """ "<paper>: 3 trang x 2 bản = …; <paper>: …; <legal basis>", the legal basis said once."""
    tail = f"; {legal}" if legal else ""
    said = [f"{name}: {basis.removesuffix(tail)}" for name, basis in parts]
    return "; ".join(said) + tail if said else "Không có trang tính phí"
