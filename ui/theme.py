"""One look for the whole desk: Noto Sans (Vietnamese glyphs) and a single light stylesheet."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

ACCENT = "#0b5cad"
DANGER = "#c62828"
WARNING = "#b26a00"
OK = "#2e7d32"

STYLESHEET = f"""
* {{ font-family: "Noto Sans", "DejaVu Sans"; font-size: 10pt; color: #1f2933; }}
QMainWindow, QDialog, #ViewPage {{ background: #f4f6f9; }}
#Sidebar {{ background: #12263f; border: none; }}
#Sidebar::item {{ color: #d6e2f0; padding: 11px 18px; border-left: 4px solid transparent; }}
#Sidebar::item:selected {{ background: #1d3a5f; color: white; border-left: 4px solid #4ea1ff; }}
#Sidebar::item:hover {{ background: #1a3354; }}
#Brand {{ background: #12263f; color: white; font-size: 13pt; font-weight: bold; padding: 16px 18px 4px 18px; }}
#BrandSub {{ background: #12263f; color: #9fb6d1; font-size: 9pt; padding: 0 18px 14px 18px; }}
#Header {{ background: white; border-bottom: 1px solid #dde3ea; }}
#HeaderTitle {{ font-size: 15pt; font-weight: bold; color: #12263f; }}
#HeaderUser {{ color: #52606d; }}
#Card {{ background: white; border: 1px solid #dde3ea; border-radius: 8px; }}
#CardValue {{ font-size: 24pt; font-weight: bold; color: #12263f; }}
#CardValueDanger {{ font-size: 24pt; font-weight: bold; color: {DANGER}; }}
#CardLabel {{ color: #52606d; }}
#SectionTitle {{ font-size: 11pt; font-weight: bold; color: #12263f; }}
#Hint {{ color: #616e7c; }}
#Error {{ color: {DANGER}; font-weight: bold; }}
#Warning {{ color: {WARNING}; }}
#Unencrypted {{ background: {DANGER}; color: white; font-weight: bold; border-radius: 6px; padding: 6px 10px; }}
#Banner {{ background: #fdecea; color: {DANGER}; border: 1px solid #f5c2c0; border-radius: 6px; padding: 8px; }}
#InfoBanner {{ background: #e8f1fb; color: #12263f; border: 1px solid #bcd6f3; border-radius: 6px; padding: 8px; }}
QPushButton {{ background: white; border: 1px solid #c5ced8; border-radius: 6px; padding: 6px 14px; }}
QPushButton:hover {{ background: #eef3f8; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton:disabled {{ color: #9aa5b1; background: #f1f3f5; }}
QPushButton#Primary {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; font-weight: bold; }}
QPushButton#Primary:hover {{ background: #0a4f95; }}
QPushButton#Primary:disabled {{ background: #9bb7d6; border-color: #9bb7d6; }}
QPushButton#Danger {{ color: {DANGER}; border-color: #e6a5a3; }}
QLineEdit, QComboBox, QSpinBox, QDateEdit, QPlainTextEdit, QTextEdit {{
    background: white; border: 1px solid #c5ced8; border-radius: 5px; padding: 5px 7px; }}
QSpinBox, QDateEdit {{ padding-right: 22px; }}
QSpinBox::up-button, QSpinBox::down-button, QDateEdit::up-button, QDateEdit::down-button {{
    width: 20px; border-left: 1px solid #dde3ea; background: #f4f6f9; }}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QPlainTextEdit:focus {{ border: 2px solid {ACCENT}; }}
QLineEdit[invalid="true"] {{ border: 2px solid {DANGER}; background: #fff6f5; }}
QTableView, QListWidget, QTreeWidget {{ background: white; border: 1px solid #dde3ea; border-radius: 6px;
    gridline-color: #edf0f3; selection-background-color: #d4e6fa; selection-color: #12263f; }}
QHeaderView::section {{ background: #eef2f6; border: none; border-bottom: 1px solid #dde3ea;
    padding: 6px; font-weight: bold; color: #3e4c59; }}
QTabWidget::pane {{ border: 1px solid #dde3ea; background: white; border-radius: 6px; }}
QTabBar::tab {{ padding: 7px 14px; background: #e9eef3; border-top-left-radius: 6px; border-top-right-radius: 6px; }}
QTabBar::tab:selected {{ background: white; font-weight: bold; }}
QGroupBox {{ background: white; border: 1px solid #dde3ea; border-radius: 8px; margin-top: 14px; padding: 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; font-weight: bold; color: #12263f; }}
QStatusBar {{ background: white; border-top: 1px solid #dde3ea; }}
QProgressBar {{ border: 1px solid #c5ced8; border-radius: 4px; text-align: center; background: white; height: 14px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}
#StepBar QLabel {{ padding: 6px 10px; border-radius: 12px; color: #616e7c; }}
#StepBar QLabel[current="true"] {{ background: {ACCENT}; color: white; font-weight: bold; }}
#StepBar QLabel[done="true"] {{ color: {OK}; }}
"""


def apply_theme(app: QApplication) -> None:
    """Use Noto Sans when present (it has every Vietnamese glyph), else DejaVu Sans."""
    families = set(QFontDatabase.families())
    family = next((f for f in ("Noto Sans", "DejaVu Sans") if f in families), app.font().family())
    font = QFont(family, 10)
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(STYLESHEET)
