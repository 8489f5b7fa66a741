"""The papers a citizen brings back after form 02: imported (or scanned to files) and processed as at
intake (page checks and OCR), added to the dossier, the time counted again, a new slip (01) printed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from ui.context import DeskContext
from ui.workers import pages
from ui.workers.jobs import Job

FILE_FILTER = "Ảnh hoặc PDF (*.png *.jpg *.jpeg *.tif *.tiff *.pdf)"


def ask_files(parent: QWidget, missing: list[str]) -> tuple[list[Path], str] | None:
    """The files of the papers brought back, and which paper they are."""
    names, _ = QFileDialog.getOpenFileNames(parent, "Chọn tệp giấy tờ công dân bổ sung", "", FILE_FILTER)
    if not names:
        return None
    name, ok = QInputDialog.getItem(
        parent, "Giấy tờ bổ sung", "Tên giấy tờ", missing or ["Giấy tờ bổ sung"], 0, True
    )
    return ([Path(n) for n in names], name) if ok and name.strip() else None


def start_import(
    ctx: DeskContext,
    paths: list[Path],
    on_pages: Callable[[list[dict[str, Any]], str], None],
    on_failed: Callable[[BaseException], None],
) -> Job:
    """Process the files as at intake (scanner pipeline, OCR) in a job; `on_pages(metas, text)` after."""
    metas: list[dict[str, Any]] = []
    texts: list[str] = []

    def on_item(item: dict[str, Any]) -> None:
        metas.append(dict(item["meta"]))
        texts.append(str(item.get("text") or ""))

    job = Job("Nhập giấy tờ bổ sung", pages.import_pages_job, ctx.home, paths, emits_items=True)
    return ctx.runner.start(
        job, on_item=on_item, on_failed=on_failed, on_done=lambda _r: on_pages(metas, "\n".join(texts))
    )


def document_of(name: str, metas: list[dict[str, Any]], text: str) -> dict[str, Any]:
    """The document as app.services.intake.add_documents takes it."""
    return {"component": "", "name": name, "copy_kind": "copy", "pages": metas, "ocr_text": text}
