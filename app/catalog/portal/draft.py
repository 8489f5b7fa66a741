"""A draft catalog at the centre: every imported record with its report, the ones that need a person
marked (never dropped), and the step from a reviewed draft to a publishable catalog file.

A draft is JSON: {"format": "motcua-catalog-draft", "version": 1, "created", "retrieved", "sources",
"records": [{"status": "ok" | "needs_review" | "reviewed", "reviewed_by", "report", "procedure"}]}.
A person reviews a record by editing its `procedure` and setting `status` to "reviewed" and
`reviewed_by`; `publishable()` validates every ok/reviewed record and holds back the rest.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError

from app.catalog.model import CatalogFile, Procedure
from app.catalog.portal.record import read_record
from app.catalog.portal.report import RecordReport, Status
from app.domain.errors import CatalogError

logger = logging.getLogger(__name__)
DRAFT_FORMAT: Literal["motcua-catalog-draft"] = "motcua-catalog-draft"
MAX_INPUT_BYTES = 256 * 1024 * 1024


class DraftRecord(BaseModel):
    status: Status
    reviewed_by: str = Field(default="", max_length=200)
    report: RecordReport
    procedure: dict[str, Any] | None = None


class Draft(BaseModel):
    format: Literal["motcua-catalog-draft"] = DRAFT_FORMAT
    version: Literal[1] = 1
    created: str = ""
    retrieved: str = ""
    sources: list[str] = Field(default_factory=list)
    records: list[DraftRecord] = Field(default_factory=list)

    def reports(self) -> list[RecordReport]:
        return [r.report for r in self.records]


def _records_in(path: Path) -> list[tuple[object, str]]:
    """The raw records of one input file: a JSON object, a JSON list, or JSON lines."""
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise CatalogError(f"portal file {path}: {size} bytes exceeds the limit", "Tệp quá lớn.")
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        out: list[tuple[object, str]] = []
        for i, line in enumerate(lines, 1):
            try:
                out.append((json.loads(line), f"{path.name}:{i}"))
            except json.JSONDecodeError as exc:
                out.append((None, f"{path.name}:{i} (JSON lỗi: {exc.msg})"))
        return out
    items = doc if isinstance(doc, list) else [doc]
    return [
        (item, f"{path.name}[{i}]" if isinstance(doc, list) else path.name) for i, item in enumerate(items)
    ]


def build_draft(paths: list[Path], retrieved: str = "", created: str = "") -> Draft:
    """Read every record of every file into a draft; a bad record becomes a report line, not a crash."""
    draft = Draft(created=created, retrieved=retrieved, sources=[p.name for p in paths])
    for path in paths:
        try:
            records = _records_in(path)
        except (OSError, CatalogError) as exc:
            report = RecordReport(where=path.name, review=[f"không đọc được tệp: {exc}"]).close()
            draft.records.append(DraftRecord(status="needs_review", report=report))
            continue
        for raw, where in records:
            proc, report = read_record(raw, retrieved, where)
            draft.records.append(DraftRecord(status=report.status, report=report, procedure=proc))
    logger.info("portal draft: %d record(s) from %d file(s)", len(draft.records), len(paths))
    return draft


def read_draft(path: Path) -> Draft:
    try:
        return Draft.model_validate_json(path.read_bytes())
    except (OSError, PydanticValidationError) as exc:
        raise CatalogError(
            f"draft {path}: not a catalog draft: {exc}", "Tệp bản nháp danh mục không hợp lệ."
        ) from exc


def write_draft(path: Path, draft: Draft) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(draft.model_dump_json(indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


REVIEW_KEYS = {"reviewed_by", "basis"}


def apply_reviews(draft: Draft, reviews: dict[str, Any]) -> list[str]:
    """A person's corrections, {code: {"reviewed_by", "basis", field: value…}}: the fields replace the
    draft's, the record becomes "reviewed" and its source names the reviewer and the basis."""
    done = []
    for rec in draft.records:
        review = reviews.get(rec.report.code)
        if not isinstance(review, dict) or rec.procedure is None or not review.get("reviewed_by"):
            continue
        rec.procedure.update({k: v for k, v in review.items() if k not in REVIEW_KEYS})
        basis = str(review.get("basis", ""))[:1000]
        rec.procedure["note"] = " ".join(filter(None, [f"Rà soát: {basis}", rec.procedure.get("note", "")]))[
            :4000
        ]
        rec.status, rec.reviewed_by = "reviewed", str(review["reviewed_by"])[:200]
        done.append(rec.report.code)
    return done


@dataclass
class Publishable:
    procedures: list[Procedure] = field(default_factory=list)
    held: list[tuple[str, str]] = field(default_factory=list)  # (code, reason) not published


def publishable(draft: Draft) -> Publishable:
    """Every ok or reviewed record as a validated procedure; the others held back with the reason."""
    out = Publishable()
    seen: set[str] = set()
    for rec in draft.records:
        code = rec.report.code or rec.report.where
        if rec.status == "needs_review" or rec.procedure is None:
            out.held.append((code, "; ".join(rec.report.review[:2]) or "chưa xem xét"))
            continue
        data = dict(rec.procedure)
        if rec.status == "reviewed":
            data["review"] = []
            data["source"] = {**(data.get("source") or {}), "reviewed_by": rec.reviewed_by}
        try:
            proc = Procedure.model_validate(data)
        except PydanticValidationError as exc:
            out.held.append((code, f"không hợp lệ: {exc.errors()[0]['msg']}"))
            continue
        if proc.code in seen:
            out.held.append((code, "trùng mã với một bản ghi trước trong bản nháp"))
            continue
        seen.add(proc.code)
        out.procedures.append(proc)
    return out


def with_versions(procedures: list[Procedure], current: dict[str, Procedure]) -> list[Procedure]:
    """Each procedure at the next version after the current one if its content changed (else the same)."""
    out = []
    for proc in procedures:
        old = current.get(proc.code)
        if old is None:
            out.append(proc.model_copy(update={"version": max(proc.version, 1)}))
        elif _content(old) == _content(proc):
            out.append(old)
        else:
            out.append(proc.model_copy(update={"version": old.version + 1}))
    return out


def _content(proc: Procedure) -> str:
    data = proc.model_dump(mode="json")
    data.pop("version")
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def to_catalog(procedures: list[Procedure], source: str, published: str) -> CatalogFile:
    return CatalogFile(source=source, published=published, procedures=tuple(procedures))
