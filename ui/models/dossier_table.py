"""`DossierTableModel`: the Hồ sơ list over the `dossiers` projection, fast at 100,000 rows.

Rows arrive in pages through `fetchMore` (keyset pagination: the next page is sought after the last
row's ordering key, at the same cost at row 50,000 as at row 500), so opening the
list or changing a filter reads one page, whatever the number of dossiers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ui.theme import DANGER

logger = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
# (filter key, search text, after-cursor, limit) -> rows (dicts with the COLUMNS keys + "id", "cursor", "overdue")
Fetch = Callable[[str, str, Any, int], list[dict[str, Any]]]

COLUMNS = [
    ("code", "Mã hồ sơ"),
    ("procedure_name", "Thủ tục"),
    ("applicant_name", "Người nộp"),
    ("received_date", "Ngày nhận"),
    ("due_date", "Hẹn trả"),
    ("status_label", "Tình trạng"),
]


class DossierTableModel(QAbstractTableModel):
    PAGE = 200

    def __init__(self, fetch: Fetch, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._rows: list[dict[str, Any]] = []
        self._filter = "all"
        self._query = ""
        self._has_more = True

    # ----- query -----
    def set_query(self, filter_key: str, query: str) -> None:
        """Show the first page for a new filter/search."""
        self.beginResetModel()
        self._filter, self._query = filter_key, query
        self._rows = []
        self._has_more = True
        self._load_page()
        self.endResetModel()

    def reload(self) -> None:
        self.set_query(self._filter, self._query)

    def _load_page(self) -> list[dict[str, Any]]:
        after = self._rows[-1]["cursor"] if self._rows else None
        page = self._fetch(self._filter, self._query, after, self.PAGE)
        self._has_more = len(page) == self.PAGE
        self._rows.extend(page)
        return page

    def row_data(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    # ----- Qt model -----
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._has_more:
            return
        after = self._rows[-1]["cursor"] if self._rows else None
        try:
            page = self._fetch(self._filter, self._query, after, self.PAGE)
        except Exception:  # a failed read must not break scrolling; the log has the reason
            logger.exception("loading more dossiers failed")
            self._has_more = False
            return
        self._has_more = len(page) == self.PAGE
        if page:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row.get(key)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole and row.get("overdue"):
            return QColor(DANGER)
        if role == Qt.ItemDataRole.UserRole:
            return row.get("id")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None
