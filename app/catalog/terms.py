"""The richer parts of a procedure (catalog format 2): per-channel time and fee, fee exemptions, case
groups, legal documents, agencies and where a record came from. All optional, so a format-1 record is
still a valid procedure."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.catalog.text import nfc
from app.domain.vocabulary import UNIT_VI

Channel = Literal["truc_tiep", "truc_tuyen", "buu_chinh"]
TimeUnit = Literal["working_days", "calendar_days", "hours", "months", "same_day", "immediate"]
Amount = Annotated[int, Field(ge=0, le=1_000_000_000)]
Text = Annotated[str, Field(max_length=4000)]


class Strict(BaseModel):
    """Frozen, no unknown keys, every string NFC and stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _to_nfc(cls, value: object) -> object:
        return nfc(value) if isinstance(value, str) else value


class Duration(Strict):
    """A processing time: N working days, N calendar days, N hours, N months, same day or immediate."""

    unit: TimeUnit
    value: int | None = Field(default=None, ge=1, le=1000)
    note: Text = ""

    @model_validator(mode="after")
    def _value_matches_unit(self) -> Duration:
        counted = self.unit not in ("same_day", "immediate")
        if counted != (self.value is not None):
            raise ValueError(f"{self.unit} {'needs' if counted else 'takes no'} `value`")
        return self

    def label_vi(self) -> str:
        if self.unit == "same_day":
            return "Trong ngày"
        if self.unit == "immediate":
            return "Giải quyết ngay"
        return f"{self.value} {UNIT_VI[self.unit]}"


class Exemption(Strict):
    """Who pays nothing or less (hộ nghèo, người có công, người khuyết tật…), and the proof they show."""

    who: str = Field(min_length=2, max_length=300)
    kind: Literal["exempt", "reduced"] = "exempt"
    percent: int | None = Field(default=None, ge=1, le=99)  # reduced: share taken off
    proof: Text = ""  # what the citizen shows, e.g. "Giấy chứng nhận hộ nghèo"
    channel: Channel | None = None  # only when filed this way (e.g. 50% online)
    until: str = Field(default="", pattern=r"^(\d{4}-\d{2}-\d{2})?$")  # time-limited reduction
    basis: Text = ""

    @model_validator(mode="after")
    def _percent_matches_kind(self) -> Exemption:
        if (self.kind == "reduced") != (self.percent is not None):
            raise ValueError("a reduction needs `percent`; an exemption takes none")
        return self


class ChannelTerms(Strict):
    """How one channel works: its time and its fee as the portal states them.

    `fee_amount` None with `fee_text` set means the fee is stated in words only (for example "do Hội
    đồng nhân dân cấp tỉnh quy định"): the clerk confirms the amount at the desk."""

    channel: Channel
    time: Duration | None = None  # None: the portal states none, or it could not be read (see review)
    fee_amount: Amount | None = None
    is_free: bool = False
    fee_unit: str = Field(default="", max_length=100)  # e.g. "/trang", "/bản", "/lần"
    fee_text: Text = ""
    note: Text = ""

    @model_validator(mode="after")
    def _free_has_no_amount(self) -> ChannelTerms:
        if self.is_free and self.fee_amount:
            raise ValueError("a free channel takes no fee_amount")
        return self


class Case(Strict):
    """A case group of the dossier ("Trường hợp …"): its components apply only in that case."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    label: str = Field(min_length=2, max_length=1000)


class LegalDoc(Strict):
    number: str = Field(default="", max_length=120)  # e.g. "123/2015/NĐ-CP"
    title: str = Field(default="", max_length=1000)


class Agencies(Strict):
    executing: str = Field(default="", max_length=1000)  # cơ quan thực hiện
    competent: str = Field(default="", max_length=1000)  # cơ quan có thẩm quyền
    authorised: str = Field(default="", max_length=1000)  # cơ quan được ủy quyền
    coordinating: str = Field(default="", max_length=1000)  # cơ quan phối hợp
    address: str = Field(default="", max_length=1000)  # địa chỉ tiếp nhận hồ sơ


class Source(Strict):
    """Where a record came from and when it was read there."""

    origin: str = Field(default="", max_length=300)  # e.g. "Cổng Dịch vụ công quốc gia"
    url: str = Field(default="", max_length=500)
    retrieved: str = Field(default="", pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    reviewed_by: str = Field(default="", max_length=200)  # who checked a flagged record, if anyone
