"""The procedure catalog as data: pydantic models that validate every catalog file.

Amounts are VND integers. Every text field is stored in NFC. A value the centre has not confirmed
carries the word UNCONFIRMED in its `note`, so the clerk's screen and the guidance sheet can say so.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from pydantic import Field, model_validator

from app.catalog.terms import Agencies, Case, ChannelTerms, Exemption, LegalDoc, Source, Strict
from app.domain.vocabulary import COPY_KIND_VI as COPY_KIND_VI
from app.domain.vocabulary import LEVEL_VI as LEVEL_VI

CATALOG_FORMAT: Literal[2] = 2  # format 1 files (no channels, cases, exemptions…) are still read
CODE_PATTERN = r"^[0-9]\.[0-9]{6}(\.[0-9A-Za-z]+)*$"

CopyKind = Literal["original", "certified", "copy"]
Level = Literal["xa", "tinh", "trung_uong", "lien_thong"]
Amount = Annotated[int, Field(ge=0, le=1_000_000_000)]


_Strict = Strict


class Component(_Strict):
    """One required paper (thành phần hồ sơ)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    name: str = Field(min_length=2, max_length=400)
    copy_kind: CopyKind
    count: int = Field(default=1, ge=1, le=99)
    mandatory: bool = True
    note: str = Field(default="", max_length=4000)
    # format 2
    case: str = Field(default="", max_length=40)  # a Case id of the procedure; "" = every case
    one_of: tuple[str, ...] = ()  # alternatives: any one of these papers satisfies the component
    present_only: bool = False  # shown for checking (xuất trình), not handed in; scanned only if wanted
    originals: int = Field(default=0, ge=0, le=99)  # bản chính
    copies: int = Field(default=0, ge=0, le=99)  # bản sao
    form: str = Field(default="", max_length=300)  # blank form to fill: "Mẫu CT01", "Tờ khai DC02"…


class ProcessingTime(_Strict):
    """The time the appointment is computed from: N working days, N calendar days, N hours, the same day,
    or immediately (trong ngày / ngay). `days` holds N for the day kinds, `hours` for hours."""

    kind: Literal["working_days", "calendar_days", "hours", "same_day", "immediate"]
    days: int | None = Field(default=None, ge=1, le=365)
    hours: int | None = Field(default=None, ge=1, le=720)
    note: str = Field(default="", max_length=4000)

    @model_validator(mode="after")
    def _days_match_kind(self) -> ProcessingTime:
        wants_days = self.kind in ("working_days", "calendar_days")
        if wants_days != (self.days is not None):
            raise ValueError(f"{self.kind} {'needs' if wants_days else 'takes no'} `days`")
        if (self.kind == "hours") != (self.hours is not None):
            raise ValueError(f"{self.kind} {'needs' if self.kind == 'hours' else 'takes no'} `hours`")
        return self

    @property
    def count(self) -> int | None:
        """N of the period (days or hours), None for same day / immediate."""
        return self.hours if self.kind == "hours" else self.days

    def label_vi(self) -> str:
        if self.kind == "working_days":
            return f"{self.days} ngày làm việc"
        if self.kind == "calendar_days":
            return f"{self.days} ngày"
        if self.kind == "hours":
            return f"{self.hours} giờ"
        return "Trong ngày" if self.kind == "same_day" else "Giải quyết ngay"


class PageTier(_Strict):
    """From page `from_page` on (1-based), each page costs `amount`."""

    from_page: int = Field(ge=1, le=10_000)
    amount: Amount


class FeeRule(_Strict):
    """One fee or charge (phí / lệ phí) of a procedure."""

    code: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    label: str = Field(min_length=2, max_length=200)
    kind: Literal["fixed", "per_page", "per_copy", "free", "words"]  # words: amount stated only in words
    amount: Amount = 0  # fixed: per dossier; per_copy: per copy
    online_amount: Amount | None = None  # price when filed online, if different
    postal_amount: Amount | None = None  # price when filed by post, if different
    tiers: tuple[PageTier, ...] = ()  # per_page only
    cap_per_copy: Amount | None = None  # per_page only
    basis: str = Field(default="", max_length=1000)  # legal basis, e.g. "Thông tư 226/2016/TT-BTC"
    note: str = Field(default="", max_length=4000)
    words: str = Field(default="", max_length=4000)  # the fee as the source states it, in words
    exemptions: tuple[Exemption, ...] = ()

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
        if self.kind in ("free", "words") and (self.amount or self.online_amount or self.postal_amount):
            raise ValueError(f"{self.kind} takes no amount")
        if self.kind == "words" and not self.words:
            raise ValueError("words needs `words`")
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
    note: str = Field(default="", max_length=4000)
    # format 2: what the national portal's records hold
    channels: tuple[ChannelTerms, ...] = ()  # time and fee per channel, as the source states them
    cases: tuple[Case, ...] = ()
    result_code: str = Field(default="", max_length=60)  # e.g. "KQ.G15.000031"
    legal: tuple[LegalDoc, ...] = ()
    agencies: Agencies | None = None
    decision: str = Field(default="", max_length=200)  # số quyết định công bố, e.g. "163/QĐ-BTP"
    related: tuple[str, ...] = ()  # related procedures (codes or names)
    conditions: str = Field(default="", max_length=8000)  # yêu cầu, điều kiện
    subjects: str = Field(default="", max_length=1000)  # đối tượng thực hiện
    source: Source | None = None
    review: tuple[str, ...] = ()  # what a person still has to check (Vietnamese), empty when clean

    @model_validator(mode="after")
    def _unique_ids(self) -> Procedure:
        for what, ids in (
            ("component", [c.id for c in self.components]),
            ("fee", [f.code for f in self.fees]),
            ("case", [c.id for c in self.cases]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} id(s): {', '.join(dupes)}")
        known = {c.id for c in self.cases}
        stray = sorted({c.case for c in self.components if c.case and c.case not in known})
        if stray:
            raise ValueError(f"component(s) name unknown case(s): {', '.join(stray)}")
        return self

    def terms(self, channel: str) -> ChannelTerms | None:
        """The time and fee of one channel, if the record states them."""
        return next((t for t in self.channels if t.channel == channel), None)

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    def checklist(self) -> list[dict[str, object]]:
        """The `checklist` of a `received` payload, nothing ticked yet."""
        return [
            {"component": c.id, "name": c.name, "copy_kind": c.copy_kind, "count": c.count,
             "mandatory": c.mandatory, "provided": False}
            | ({"case": c.case} if c.case else {})
            | ({"one_of": list(c.one_of)} if c.one_of else {})
            | ({"present_only": True} if c.present_only else {})
            for c in self.components
        ]  # fmt: skip

    def snapshot(self) -> dict[str, object]:
        """The `procedure` part of a `received` payload."""
        return {"code": self.code, "version": self.version, "name": self.name, "field": self.field}


class CatalogFile(_Strict):
    """A catalog file as the centre publishes it."""

    format: Literal[1, 2] = CATALOG_FORMAT
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
