"""Small building blocks shared by the views: the page frame, cards, banners."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.context import DeskContext
from ui.messages import user_message


class ViewPage(QWidget):
    """A main view: a title, a message banner, and its content. `refresh()` runs when it is shown."""

    title = ""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("ViewPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.root = QVBoxLayout(self)
        self.root.setContentsMargins(22, 18, 22, 18)
        self.root.setSpacing(12)
        self.banner = QLabel()
        self.banner.setObjectName("Banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.root.addWidget(self.banner)

    def refresh(self) -> None:
        """Reload what the view shows (short indexed reads only)."""

    def show_error(self, exc_or_text: BaseException | str) -> None:
        text = exc_or_text if isinstance(exc_or_text, str) else user_message(exc_or_text)
        self.banner.setObjectName("Banner")
        self._show_banner(text)

    def show_info(self, text: str) -> None:
        self.banner.setObjectName("InfoBanner")
        self._show_banner(text)

    def _show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()

    def clear_message(self) -> None:
        self.banner.hide()
        self.banner.clear()


def card(label: str, value: str = "0", danger: bool = False) -> tuple[QFrame, QLabel]:
    """A dashboard card; returns the frame and its value label."""
    frame = QFrame()
    frame.setObjectName("Card")
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(16, 12, 16, 12)
    val = QLabel(value)
    val.setObjectName("CardValueDanger" if danger else "CardValue")
    lab = QLabel(label)
    lab.setObjectName("CardLabel")
    lab.setWordWrap(True)
    lay.addWidget(val)
    lay.addWidget(lab)
    return frame, val


def section(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setObjectName("SectionTitle")
    return lab


def hint(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setObjectName("Hint")
    lab.setWordWrap(True)
    return lab


def row(*widgets: QWidget, stretch_last: bool = False) -> QHBoxLayout:
    lay = QHBoxLayout()
    for w in widgets:
        lay.addWidget(w)
    if not stretch_last:
        lay.addStretch(1)
    return lay


def tab_chain(*widgets: QWidget) -> None:
    """Tab moves through `widgets` in this order (the visual order, whatever the creation order)."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


def show_keys(root: QWidget) -> None:
    """Every button's key (its shortcut, else Alt + its mnemonic letter) in its tooltip."""
    from PySide6.QtWidgets import QPushButton

    for button in root.findChildren(QPushButton):
        key = button.shortcut().toString()
        text = button.text()
        if not key and "&" in text.replace("&&", ""):
            key = "Alt+" + text[text.index("&") + 1].upper()
        tip = button.toolTip()
        if key and key not in tip and key not in text:
            base = tip or text.replace("&", "").rstrip("…")
            button.setToolTip(f"{base} ({key})")
