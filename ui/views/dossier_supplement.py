"""The papers a citizen brings back after form 02: scanned from the desk's scanner or imported from
files and processed as at intake (clean-up and OCR through `ui.ops.digitize`, then one searchable PDF
per document as at the save), added to the dossier, the time counted again, a new slip (01) printed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ui.context import DeskContext
from ui.ops.save_dossier import BroughtBack, PageLayer, brought_back_document
from ui.views.receive.draft import DraftPage
from ui.workers import pages
from ui.workers.jobs import Job


def page_of(item: dict[str, Any]) -> DraftPage:
    """A page item of the digitize pipeline as the intake step keeps it."""
    return DraftPage(
        meta=dict(item["meta"]),
        text=str(item.get("text") or ""),
        source=str(item.get("source") or ""),
        text_pdf=item.get("text_pdf"),
        is_photo=bool(item.get("is_photo")),
    )


def start_import(
    ctx: DeskContext,
    paths: list[Path],
    on_pages: Callable[[list[DraftPage]], None],
    on_failed: Callable[[BaseException], None],
) -> Job:
    """Process the files as at intake (scanner pipeline, OCR) in a job; `on_pages(pages)` after."""
    read: list[DraftPage] = []
    job = Job("Nhập giấy tờ bổ sung", pages.import_pages_job, ctx.home, paths, emits_items=True)
    return ctx.runner.start(
        job,
        on_item=lambda item: read.append(page_of(item)),
        on_failed=on_failed,
        on_done=lambda _r: on_pages(read),
    )


def papers_of(name: str, read: list[DraftPage]) -> BroughtBack:
    """A frozen copy for the PDF job: what the clerk keeps doing on the screen never reaches it."""
    return BroughtBack(
        name=name,
        metas=tuple(dict(p.meta) for p in read),
        layers=tuple(PageLayer(p.text_pdf, p.is_photo) for p in read),
        text="\n".join(p.text for p in read if p.text),
    )


def start_document(
    ctx: DeskContext,
    name: str,
    read: list[DraftPage],
    on_document: Callable[[dict[str, Any]], None],
    on_failed: Callable[[BaseException], None],
) -> Job:
    """Build the document's searchable PDF in a job; `on_document(document)` for add_documents."""
    job = Job("Tạo tệp PDF giấy tờ bổ sung", brought_back_document, ctx.home, papers_of(name, read))
    return ctx.runner.start(job, on_done=on_document, on_failed=on_failed)
