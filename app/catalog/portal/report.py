"""The importer's report on one record: what was read, what was stated but not read, what the record
does not state, warnings, and why a person must review it (if they must)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["ok", "needs_review", "reviewed"]


class RecordReport(BaseModel):
    where: str = ""  # file and index the record came from
    code: str = ""
    name: str = ""
    status: Status = "ok"
    parsed: list[str] = Field(default_factory=list)
    not_parsed: list[str] = Field(default_factory=list)  # "field: reason"
    absent: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    review: list[str] = Field(default_factory=list)  # reasons a person must look before publishing
    notes: list[str] = Field(default_factory=list)  # the component tables' notes (count-0 rows)
    counts: dict[str, int] = Field(default_factory=dict)

    def close(self) -> RecordReport:
        """Set the status from the review reasons; drop repeated lines."""
        for name in ("parsed", "not_parsed", "absent", "warnings", "review"):
            setattr(self, name, list(dict.fromkeys(getattr(self, name))))
        self.status = "needs_review" if self.review else "ok"
        return self

    def line(self) -> str:
        """One line for the console: status, code, what is missing, the first reasons."""
        head = f"{'CẦN XEM' if self.status == 'needs_review' else 'OK     '} {self.code or '?':<12} {self.name[:60]}"
        bits = [f"lý do: {'; '.join(self.review[:3])}"] if self.review else []
        if self.not_parsed:
            bits.append(f"chưa đọc được: {'; '.join(self.not_parsed[:3])}")
        if self.warnings:
            bits.append(f"{len(self.warnings)} cảnh báo")
        return head + (" | " + " | ".join(bits) if bits else "")
