"""Print a form: 01 (receipt), 02, 03, 04 of a dossier, or a procedure's guidance sheet, as an A4 PDF.

The PDF is written next to its final name and renamed, so a half-written file never appears.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app import forms
from app.catalog import get_procedure
from app.config import Settings
from app.domain.events import EventType
from app.domain.state import DossierState
from app.services.queries import get_dossier
from app.storage import Database
from app.storage.events import load_events
from ui.ops.base import IsCancelled, Progress, check_cancelled
from ui.ops.store import open_store

FormCode = Literal["01", "02", "03", "04"]
FORM_CODES: tuple[FormCode, ...] = ("01", "02", "03", "04")


@dataclass(frozen=True)
class DossierForm:
    form: FormCode
    dossier_id: str
    out: Path
    settings: Settings
    clerk_name: str = ""

    def __post_init__(self) -> None:
        if self.form not in FORM_CODES:
            raise ValueError(f"unknown form {self.form}")
        object.__setattr__(self, "settings", copy.deepcopy(self.settings))


@dataclass(frozen=True)
class GuidanceSheet:
    procedure_code: str
    out: Path
    settings: Settings

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", copy.deepcopy(self.settings))


def run(home: Path, job: DossierForm, progress: Progress, is_cancelled: IsCancelled) -> Path:
    """The dossier's form as a PDF at `job.out`."""
    db = open_store(home)
    try:
        state = get_dossier(db, job.dossier_id)
        check_cancelled(is_cancelled, f"form {job.form}")
        data = render(db, state, job)
    finally:
        db.close()
    write_atomic(job.out, data)
    progress(1, 1)
    return job.out


def render(db: Database, state: DossierState, job: DossierForm) -> bytes:
    settings, name = job.settings, job.clerk_name
    if job.form == "01":
        received = next(e for e in load_events(db, state.id) if e.type is EventType.RECEIVED)
        proc = get_procedure(db.conn, state.procedure["code"], state.procedure.get("version"))
        extras = forms.ReceiptExtras(
            due_time=str(received.payload.get("due_time") or "16:00"), clerk_name=name
        )
        return forms.render_receipt(state, settings, proc, extras)
    if job.form == "02":
        return forms.render_supplement_request(state, settings, clerk_name=name)
    if job.form == "03":
        return forms.render_refusal(state, settings, clerk_name=name)
    return forms.render_apology(state, settings, signer_name=name)


def run_guidance(home: Path, job: GuidanceSheet, progress: Progress, is_cancelled: IsCancelled) -> Path:
    """A procedure's guidance sheet (hướng dẫn) as a PDF at `job.out`."""
    db = open_store(home)
    try:
        data = forms.render_guidance(get_procedure(db.conn, job.procedure_code), job.settings)
    finally:
        db.close()
    write_atomic(job.out, data)
    progress(1, 1)
    return job.out


def write_atomic(out: Path, data: bytes) -> None:
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
