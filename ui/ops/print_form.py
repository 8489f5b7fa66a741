"""Print a form: 01 (receipt) to 06 of a dossier (app.services.dossier_forms), the register (07) of a
period, or a procedure's guidance sheet, as an A4 PDF.

The PDF is written sealed (app.storage.scratch) next to its final name and renamed, so a half-written
file never appears and no form is clear on disk; ui.printing decrypts it in memory.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from app import forms
from app.catalog import get_procedure
from app.config import Settings
from app.domain.state import DossierState
from app.form_templates import GUIDANCE, installed_template
from app.services.dossier_forms import render_form
from app.services.queries import get_dossier
from app.services.register import render_period
from app.storage import Database, scratch
from ui.ops.base import IsCancelled, Progress, check_cancelled
from ui.ops.store import open_store

FormCode = Literal["01", "02", "03", "04", "05", "06"]
FORM_CODES: tuple[FormCode, ...] = ("01", "02", "03", "04", "05", "06")


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
        data = render(db, state, job, home)
    finally:
        db.close()
    write_atomic(job.out, data, home)
    progress(1, 1)
    return job.out


def render(db: Database, state: DossierState, job: DossierForm, home: Path | None = None) -> bytes:
    return render_form(db, state, job.form, job.settings, job.clerk_name, home)


@dataclass(frozen=True)
class RegisterSheet:
    """Form 07 (sổ theo dõi hồ sơ) for the days `first`..`last`, both included."""

    first: date
    last: date
    out: Path
    settings: Settings

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", copy.deepcopy(self.settings))


def run_register(home: Path, job: RegisterSheet, progress: Progress, is_cancelled: IsCancelled) -> Path:
    """The register of a period as a PDF at `job.out` (one row per dossier received in it)."""
    db = open_store(home)
    try:
        check_cancelled(is_cancelled, "register")
        data = render_period(db, job.settings, job.first, job.last, "pdf", home=home)
    finally:
        db.close()
    write_atomic(job.out, data, home)
    progress(1, 1)
    return job.out


def run_guidance(home: Path, job: GuidanceSheet, progress: Progress, is_cancelled: IsCancelled) -> Path:
    """A procedure's guidance sheet (hướng dẫn) as a PDF at `job.out`."""
    db = open_store(home)
    try:
        procedure = get_procedure(db.conn, job.procedure_code)
        template = installed_template(home, GUIDANCE)  # the centre's wording, from its effective date
        data = forms.render_guidance(procedure, job.settings, template=template)
    finally:
        db.close()
    write_atomic(job.out, data, home)
    progress(1, 1)
    return job.out


def write_atomic(out: Path, data: bytes, home: Path) -> None:
    """A form for printing: sealed under the store key (app.storage.scratch), never clear on disk."""
    scratch.write(home, out, data)
