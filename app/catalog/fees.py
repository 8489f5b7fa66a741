"""Fees of a dossier from the procedure's fee rules (amounts in VND; the rules are catalog data)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from app.catalog.model import FeeRule, Procedure
from app.domain.errors import ValidationError
from app.domain.vocabulary import vnd as vnd  # one amount format, defined in the vocabulary


@dataclass(frozen=True)
class FeeLine:
    """One line of the `fees` payload: {code, label, amount, basis}."""

    code: str
    label: str
    amount: int
    basis: str  # how it was computed, in Vietnamese, e.g. "3 trang x 2 bản; tối đa 200.000đ/bản"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _page_price(rule: FeeRule, page: int) -> int:
    return next(t.amount for t in reversed(rule.tiers) if t.from_page <= page)


def _per_page(rule: FeeRule, pages: int, copies: int) -> tuple[int, str]:
    per_copy = sum(_page_price(rule, p) for p in range(1, pages + 1))
    capped = rule.cap_per_copy is not None and per_copy > rule.cap_per_copy
    if capped and rule.cap_per_copy is not None:
        per_copy = rule.cap_per_copy
    basis = f"{pages} trang x {copies} bản = {vnd(per_copy)}/bản" + (" (mức tối đa)" if capped else "")
    return per_copy * copies, basis


def _line(rule: FeeRule, pages: int, copies: int, online: bool, postal: bool = False) -> FeeLine:
    legal = f"; {rule.basis}" if rule.basis else ""
    if rule.kind == "words":  # the catalog states the fee only in words: the clerk enters the amount
        return FeeLine(
            rule.code, rule.label, 0, f"{rule.words[:300]} (danh mục chưa có số tiền: nhập mức thu){legal}"
        )
    if postal and rule.postal_amount is not None and rule.kind in ("fixed", "per_copy"):
        unit = rule.postal_amount
        total_ = unit * copies if rule.kind == "per_copy" else unit
        return FeeLine(rule.code, rule.label, total_, f"{vnd(unit)} (nộp qua bưu chính){legal}")
    if rule.kind == "free":
        return FeeLine(rule.code, rule.label, 0, "Miễn" + legal)
    if rule.kind == "per_page":
        amount, basis = _per_page(rule, pages, copies)
        return FeeLine(rule.code, rule.label, amount, basis + legal)
    unit = rule.online_amount if online and rule.online_amount is not None else rule.amount
    channel = " (nộp trực tuyến)" if online and rule.online_amount is not None else ""
    if rule.kind == "per_copy":
        return FeeLine(rule.code, rule.label, unit * copies, f"{copies} bản x {vnd(unit)}{channel}{legal}")
    return FeeLine(rule.code, rule.label, unit, f"{vnd(unit)}/hồ sơ{channel}{legal}")


def _exempted(line: FeeLine, rule: FeeRule, who: str) -> FeeLine:
    """The line for a citizen the rule exempts (amount 0) or reduces (percent off), saying who and why."""
    found = next((e for e in rule.exemptions if e.who == who), None)
    if found is None:
        return line
    proof = f"; giấy tờ: {found.proof[:200]}" if found.proof else ""
    if found.kind == "reduced" and found.percent is not None:
        amount = line.amount * (100 - found.percent) // 100
        return FeeLine(
            line.code, line.label, amount, f"Giảm {found.percent}% cho {found.who}{proof}; {line.basis}"
        )
    return FeeLine(line.code, line.label, 0, f"Miễn cho {found.who}{proof}")


def compute_fees(
    procedure: Procedure,
    pages_per_copy: int,
    copies: int,
    online: bool = False,
    *,
    postal: bool = False,
    exempt: str | None = None,
) -> list[FeeLine]:
    """One FeeLine per fee rule of the procedure (a free rule gives a 0 line, so the slip says "Miễn").
    `postal`: filed by post (its price if the catalog has one); `exempt`: the `who` of an exemption the
    citizen proves (the rules that list it give 0, or the reduced amount)."""
    if not 0 <= pages_per_copy <= 10_000 or not 1 <= copies <= 1_000:
        raise ValidationError(
            f"fee input out of range: pages_per_copy={pages_per_copy} copies={copies}",
            "Số trang phải từ 0 đến 10.000 và số bản từ 1 đến 1.000.",
        )
    lines = [(rule, _line(rule, pages_per_copy, copies, online, postal)) for rule in procedure.fees]
    return [_exempted(line, rule, exempt) if exempt else line for rule, line in lines]


def total(lines: list[FeeLine]) -> int:
    return sum(line.amount for line in lines)
