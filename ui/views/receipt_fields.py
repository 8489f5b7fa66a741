"""The biên lai fields the fee step and the Thu phí dialog share: which kind, and a hand-written
one's form (mẫu số), series (ký hiệu) and number."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QSpinBox

from app.services.receipts import KIND_VI


@dataclass(frozen=True)
class ReceiptFields:
    kind: QComboBox
    form: QLineEdit
    series: QLineEdit
    number: QSpinBox
    numbers: QHBoxLayout  # form, series and number side by side


def receipt_fields() -> ReceiptFields:
    kind = QComboBox()
    for code, label in KIND_VI.items():
        kind.addItem(label, code)
    form = QLineEdit(placeholderText="Mẫu số")
    series = QLineEdit(placeholderText="Ký hiệu")
    number = QSpinBox(minimum=0, maximum=9_999_999)
    numbers = QHBoxLayout()
    for w in (form, series, number):
        numbers.addWidget(w)
    return ReceiptFields(kind, form, series, number, numbers)
