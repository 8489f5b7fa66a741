"""What every step of the receive wizard shares: the desk's context, the draft, a column layout."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.context import DeskContext
from ui.views.receive.draft import ReceiveDraft


class DraftStep(QWidget):
    """A wizard step that reads and fills in the draft; `lay` is its column, without margins."""

    def __init__(self, ctx: DeskContext, draft: ReceiveDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.draft = draft
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(0, 0, 0, 0)
