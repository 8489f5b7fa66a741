"""The procedure catalog as data: pydantic models that validate every catalog file.

Amounts are VND integers. Every text field is stored in NFC. A value the centre has not confirmed
carries the word UNCONFIRMED in its `note`, so the clerk's screen and the guidance sheet can say so.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.catalog.text import nfc
from app.domain.vocabulary import COPY_KIND_VI as COPY_KIND_VI

CATALOG_FORMAT: Literal[1] = 1
CODE_PATTERN = r"^[0-9]\.[0-9]{6}(\.[0-9A-Za-z]+)*$"

CopyKind = Literal["original", "certified", "copy"]
Level = Literal["xa", "tinh", "trung_uong", "lien_thong"]
LEVEL_VI: dict[str, str] = {
    "xa": "Cấp xã",
    "tinh": "Cấp tỉnh",
    "trung_uong": "Cấp trung ương",
    "lien_thong": "Liên thông",
}
Amount = Annotated[int, Field(ge=0, le=1_000_000_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _to_nfc(cls, value: object) -> object:
        return nfc(value) if isinstance(value, str) else value


class Component(_Strict):
    """One required paper (thành phần hồ sơ)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    name: str = Field(min_length=2, max_length=400)
    copy_kind: CopyKind
    count: int = Field(default=1, ge=1, le=99)
    mandatory: bool = True
    note: str = ""


class ProcessingTime(_Strict):
    """N working days, the same day, or immediately (trong ngày / ngay)."""

    kind: Literal["working_days", "same_day", "immediate"]
    days: int | None = Field(default=None, ge=1, le=365)
    note: str = ""

    @model_validator(mode="after")
    def _days_match_kind(self) -> ProcessingTime:
        if self.kind == "working_days" and self.days is None:
            raise ValueError("working_days needs `days`")
        if self.kind != "working_days" and self.days is not None:
            raise ValueError(f"{self.kind} takes no `days`")
        return self

    def label_vi(self) -> str:
        if self.kind == "working_days":
            return f"{self.days} ngày làm việc"
        return "Trong ngày" if self.kind == "same_day" else "Giải quyết ngay"


class PageTier(_Strict):
    """From page `from_page` on (1-based), each page costs `amount`."""

    from_page: int = Field(ge=1, le=10_000)
    amount: Amount


class FeeRule(_Strict):
    """One fee or charge (phí / lệ phí) of a procedure."""

    code: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    label: str = Field(min_length=2, max_length=200)
    kind: Literal["fixed", "per_page", "per_copy", "free"]
    amount: Amount = 0  # fixed: per dossier; per_copy: per copy
    online_amount: Amount | None = None  # price when filed online, if different
    tiers: tuple[PageTier, ...] = ()  # per_page only
    cap_per_copy: Amount | None = None  # per_page only
    basis: str = ""  # legal basis, e.g. "Thông tư 226/2016/TT-BTC"
    note: str = ""

    @model_validator(mode="after")
    def _shape_matches_kind(self) -> FeeRule:
        if self.kind == "per_page":
            if not self.tiers or self.tiers[0].from_page != 1:
                raise ValueError("per_page needs tiers starting at from_page 1")
            pages = [t.from_page for t in self.tiers]
            if pages != sorted(set(pages)):
                raise ValueError("tiers must have increasing from_page")
        elif self.tiers or self.cap_per_copy is not None:
            raise ValueError(f"{self.kind} takes no tiers or cap_per_copy")
        if self.kind == "free" and (self.amount or self.online_amount):
            raise ValueError("free takes no amount")
        return self


class Procedure(_Strict):
    """One administrative procedure (thủ tục hành chính) in one version."""

    code: str = Field(pattern=CODE_PATTERN, max_length=60)
    version: int = Field(ge=1)
    name: str = Field(min_length=3, max_length=400)
    field: str = Field(min_length=2, max_length=100)  # lĩnh vực, e.g. "Hộ tịch"
    field_code: str = ""  # e.g. "G15-TP07"
    level: Level = "xa"
    agency: str = Field(min_length=2, max_length=300)  # cơ quan có thẩm quyền
    processing: ProcessingTime
    fees: tuple[FeeRule, ...] = ()
    components: tuple[Component, ...] = Field(min_length=1)
    result: str = Field(min_length=2, max_length=400)
    steps: tuple[str, ...] = ()  # what the citizen does, for the guidance sheet
    legal_basis: tuple[str, ...] = ()
    note: str = ""

    @model_validator(mode="after")
    def _unique_ids(self) -> Procedure:
        for what, ids in (
            ("component", [c.id for c in self.components]),
            ("fee", [f.code for f in self.fees]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} id(s): {', '.join(dupes)}")
        return self

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    def checklist(self) -> list[dict[str, object]]:
        """The `checklist` of a `received` payload, nothing ticked yet."""
        return [
            {"component": c.id, "name": c.name, "copy_kind": c.copy_kind, "count": c.count,
             "mandatory": c.mandatory, "provided": False}
            for c in self.components
        ]  # fmt: skip

    def snapshot(self) -> dict[str, object]:
        """The `procedure` part of a `received` payload."""
        return {"code": self.code, "version": self.version, "name": self.name, "field": self.field}


class CatalogFile(_Strict):
    """A catalog file as the centre publishes it."""

    format: Literal[1] = CATALOG_FORMAT
    source: str = ""
    published: str = ""  # YYYY-MM-DD
    procedures: tuple[Procedure, ...]

    @model_validator(mode="after")
    def _unique_codes(self) -> CatalogFile:
        counts = Counter((p.code, p.version) for p in self.procedures)
        dupes = sorted(f"{c} v{v}" for (c, v), n in counts.items() if n > 1)
        if dupes:
            raise ValueError(f"duplicate procedure(s): {', '.join(dupes)}")
        return self
