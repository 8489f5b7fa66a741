"""What a draft would change for the points: procedures added, changed (fees, times, components) or
not in the draft, against the catalog they have now."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.catalog.model import FeeRule, Procedure


@dataclass
class Change:
    code: str
    name: str
    what: list[str] = field(default_factory=list)


@dataclass
class CatalogDiff:
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_draft: list[Change] = field(default_factory=list)  # the desks keep them (no withdrawal yet)

    def lines(self) -> list[str]:
        out = [f"+ {c.code} {c.name}" for c in self.added]
        for c in self.changed:
            out.append(f"~ {c.code} {c.name}")
            out.extend(f"    {w}" for w in c.what)
        out.extend(
            f"? {c.code} {c.name} (không có trong bản nháp; các điểm vẫn giữ)" for c in self.not_in_draft
        )
        out.append(
            f"thêm {len(self.added)}, thay đổi {len(self.changed)}, giữ nguyên {len(self.unchanged)}, "
            f"không có trong bản nháp {len(self.not_in_draft)}"
        )
        return out


def _fee(rules: tuple[FeeRule, ...]) -> str:
    parts = []
    for r in rules:
        if r.kind == "free":
            parts.append("miễn")
        elif r.kind == "words":
            parts.append(f"bằng lời: {r.words[:60]}")
        elif r.kind == "per_page":
            parts.append("theo trang: " + ", ".join(f"từ trang {t.from_page} {t.amount}đ" for t in r.tiers))
        else:
            online = f" (trực tuyến {r.online_amount}đ)" if r.online_amount is not None else ""
            parts.append(f"{r.amount}đ{'/bản' if r.kind == 'per_copy' else ''}{online}")
    return "; ".join(parts) or "không ghi"


def _what(old: Procedure, new: Procedure) -> list[str]:
    what = []
    if old.name != new.name:
        what.append(f"tên: {old.name[:60]} → {new.name[:60]}")
    if old.processing.label_vi() != new.processing.label_vi():
        what.append(f"thời hạn: {old.processing.label_vi()} → {new.processing.label_vi()}")
    elif old.processing != new.processing:
        what.append(f"ghi chú thời hạn: {old.processing.note[:50]} → {new.processing.note[:50]}")
    if _fee(old.fees) != _fee(new.fees):
        what.append(f"phí: {_fee(old.fees)} → {_fee(new.fees)}")
    old_names, new_names = {c.name for c in old.components}, {c.name for c in new.components}
    if old_names != new_names:
        what.append(f"thành phần: +{len(new_names - old_names)} −{len(old_names - new_names)}")
    if old.agency != new.agency:
        what.append(f"cơ quan: {old.agency[:50]} → {new.agency[:50]}")
    return what or ["nội dung khác (căn cứ, kết quả, mô tả…)"]


def diff(current: list[Procedure], draft: list[Procedure]) -> CatalogDiff:
    now = {p.code: p for p in current}
    out = CatalogDiff()
    for proc in draft:
        old = now.pop(proc.code, None)
        if old is None:
            out.added.append(Change(proc.code, proc.name[:80]))
        elif old.model_dump(exclude={"version"}) == proc.model_dump(exclude={"version"}):
            out.unchanged.append(proc.code)
        else:
            out.changed.append(Change(proc.code, proc.name[:80], _what(old, proc)))
    out.not_in_draft = [Change(p.code, p.name[:80]) for p in now.values()]
    return out
