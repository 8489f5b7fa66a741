"""While a dossier is being saved the review step is locked: the pages being saved stay as shown."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from app.services.queries import get_dossier
from tests.ui.conftest import press, wait_job
from tests.ui.test_ops import APPLICANT, _page
from ui.ops import save_dossier
from ui.views.receive import APPLICANT as APPLICANT_STEP
from ui.views.receive import DOCUMENTS, DONE, REVIEW


def _gate_the_save(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """The real save, held at its start until the test lets it go."""
    started, release = threading.Event(), threading.Event()
    real = save_dossier.run

    def held(home, job, progress, is_cancelled):
        started.set()
        assert release.wait(60), "the test never released the save"
        return real(home, job, progress, is_cancelled)

    monkeypatch.setattr(save_dossier, "run", held)
    return started, release


def _at_review(view, home) -> None:
    view.procedure_step.choose("1.001193")
    view.go_to(APPLICANT_STEP)
    view.applicant_step.set_applicant(APPLICANT)
    assert view.next_step()
    for comp in view.draft.components:
        if comp.mandatory:
            comp.pages.append(_page(home, comp.name))
    while view.stack.currentIndex() < REVIEW:
        assert view.next_step()


def test_the_review_step_cannot_change_pages_while_a_save_runs(qtbot, desk, monkeypatch):
    ctx, window = desk
    started, release = _gate_the_save(monkeypatch)
    view = window.show_view("receive")
    _at_review(view, ctx.home)
    pages = [list(c.pages) for c in view.draft.components]
    job = view.save()
    qtbot.waitUntil(started.is_set, timeout=30_000)
    try:
        assert view.is_locked()
        assert not view.back_button.isEnabled() and not view.save_button.isEnabled()
        assert not view.documents_step.isEnabled()  # scan, import, rotate, delete, move: all off
        press(view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # the Back shortcut
        assert not view.go_to(DOCUMENTS)
        assert view.stack.currentIndex() == REVIEW
        assert view.save() is None  # never a second save of the same draft
        assert not view.discard() and view.stack.currentIndex() == REVIEW
        assert [list(c.pages) for c in view.draft.components] == pages
    finally:
        release.set()
    wait_job(qtbot, ctx, job)
    assert view.stack.currentIndex() == DONE and not view.is_locked()
    assert view.back_button.isEnabled() and view.documents_step.isEnabled()
    state = get_dossier(ctx.db, view.result.id)
    assert sum(len(d["pages"]) for d in state.documents) == sum(len(p) for p in pages)


def test_a_failed_save_unlocks_and_keeps_the_draft(qtbot, desk, monkeypatch):
    ctx, window = desk
    view = window.show_view("receive")
    _at_review(view, ctx.home)
    for comp in view.draft.components:  # a page whose file is gone: the service refuses it
        for page in comp.pages:
            page.meta = {**page.meta, "sha256": "0" * 64}
    wait_job(qtbot, ctx, view.save())
    assert not view.is_locked() and view.stack.currentIndex() == REVIEW
    assert view.back_button.isEnabled() and view.save_button.isEnabled()
    assert "Không tìm thấy tệp" in view.banner.text()
    assert view.draft.page_count() > 0
    assert ctx.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
