"""The window's look: a dark Fusion theme, one stylesheet and pyqtgraph's colours to match.

A dark background suits heatmaps (the colormap carries the information, the chrome recedes)
and a projector in a classroom. Every colour used by the widgets is named here once.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from landscape_app.core.result import Status

WINDOW = "#1b1d23"
PANEL = "#22252d"
BASE = "#17191e"
RAISED = "#2b2f39"
BORDER = "#363b47"
TEXT = "#e3e6ec"
MUTED = "#9aa1ae"
ACCENT = "#4f9dde"
ERROR = "#ff6b6b"
OK = "#5fd38d"
#: Qt's largest widget size, i.e. no maximum (QWIDGETSIZE_MAX, which PySide6 does not export).
QWIDGETSIZE_MAX = 16_777_215
PLOT_BACKGROUND = "#15171c"
PLOT_FOREGROUND = "#b8bec9"

#: Colours of the race statuses in the table.
STATUS_COLORS = {
    Status.RUNNING: ACCENT,
    Status.CONVERGED: OK,
    Status.FINISHED: MUTED,
    Status.DIVERGED: ERROR,
    Status.FAILED: ERROR,
}

STYLESHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QDockWidget {{ color: {TEXT}; font-weight: 600; }}
QDockWidget::title {{ background: {PANEL}; padding: 6px 8px; border-bottom: 1px solid {BORDER}; }}
QToolBar {{ background: {PANEL}; border: none; border-bottom: 1px solid {BORDER};
           spacing: 6px; padding: 4px 8px; }}
QToolBar QToolButton {{ padding: 4px 8px; border-radius: 4px; }}
QToolButton:hover, QPushButton:hover {{ background: {RAISED}; }}
QToolButton:checked {{ background: {ACCENT}; color: white; }}
QToolButton#add-optimizer {{ background: {RAISED}; border: 1px solid {BORDER};
                            border-radius: 4px; padding: 5px 12px; }}
QToolButton#add-optimizer::menu-indicator {{ image: none; width: 0; }}
QPushButton {{ background: {RAISED}; border: 1px solid {BORDER}; border-radius: 4px;
              padding: 4px 12px; }}
QPushButton:default {{ border-color: {ACCENT}; }}
QPushButton:disabled, QToolButton:disabled {{ color: #5d6370; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QPlainTextEdit {{
    background: {BASE}; border: 1px solid {BORDER}; border-radius: 3px; padding: 3px 5px;
    selection-background-color: {ACCENT}; }}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus {{ border-color: {ACCENT}; }}
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR}; }}
QLabel[role="error"] {{ color: {ERROR}; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="heading"] {{ color: {TEXT}; font-weight: 600; }}
QLabel[role="formula"] {{ color: {TEXT}; font-family: "DejaVu Sans Mono", monospace; }}
QFrame[role="card"] {{ background: {PANEL}; border: 1px solid {BORDER}; border-radius: 6px; }}
QGroupBox {{ border: 1px solid {BORDER}; border-radius: 6px; margin-top: 14px; padding-top: 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; color: {MUTED}; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; top: -1px; }}
QTabBar::tab {{ background: {PANEL}; color: {MUTED}; padding: 5px 11px; border: 1px solid {BORDER};
               border-bottom: none; border-top-left-radius: 4px; border-top-right-radius: 4px; }}
QTabBar::tab:selected {{ background: {WINDOW}; color: {TEXT}; }}
QTableView {{ background: {BASE}; gridline-color: {BORDER}; border: 1px solid {BORDER};
             alternate-background-color: #1c1f25; }}
QHeaderView::section {{ background: {PANEL}; color: {MUTED}; border: none;
                       border-bottom: 1px solid {BORDER}; padding: 4px 6px; }}
QStatusBar {{ background: {PANEL}; color: {MUTED}; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ color: {MUTED}; padding: 0 8px; }}
QScrollArea {{ border: none; }}
QProgressBar {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 3px;
               text-align: center; height: 14px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 2px; }}
QSplitter::handle {{ background: {BORDER}; }}
QToolTip {{ background: {RAISED}; color: {TEXT}; border: 1px solid {BORDER}; }}
QFrame#note-panel {{ background: {PANEL}; border: 1px solid {BORDER};
                    border-left: 3px solid {ACCENT}; border-radius: 4px; }}
QFrame#note-caption {{ background: {PANEL}; border-top: 2px solid {ACCENT}; }}
QFrame#note-panel QLabel, QFrame#note-caption QLabel {{ background: transparent; border: none; }}
QLabel#note-title {{ color: {TEXT}; font-weight: 600; }}
QLabel#note-text {{ color: {TEXT}; }}
QLabel#note-hint {{ color: {MUTED}; }}
"""


def presentation_stylesheet(point_size: float) -> str:
    """The window's extra stylesheet in presentation mode: every text at ``point_size``, the
    caption's title and step indicator larger and its key hints a little smaller (still read
    from the back row). (A stylesheet, not ``setFont``: under an
    application stylesheet Qt does not pass a parent's font on to its children.)"""
    return (f"* {{ font-size: {point_size:.1f}pt; }}\n"
            f"QFrame#note-caption QLabel#note-title {{ font-size: {1.2 * point_size:.1f}pt; }}\n"
            f"QFrame#note-caption QLabel#note-step {{ font-size: {1.2 * point_size:.1f}pt; "
            f"font-weight: 600; color: {ACCENT}; }}\n"
            f"QFrame#note-caption QLabel#note-hint {{ font-size: {0.85 * point_size:.1f}pt; }}\n")


def dark_palette() -> QPalette:
    """The Fusion palette in the theme's colours (what the stylesheet does not cover)."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BASE,
        QPalette.ColorRole.AlternateBase: PANEL,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: RAISED,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.ToolTipBase: RAISED,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: MUTED,
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#5d6370"))
    return palette


def apply_theme(app: QApplication, point_size: float = 10.0) -> None:
    """Give ``app`` the dark theme and pyqtgraph the matching colours."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    font = QFont("DejaVu Sans")
    font.setPointSizeF(point_size)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
    configure_pyqtgraph()


def configure_pyqtgraph() -> None:
    """pyqtgraph colours and rendering options (also used headless by the export)."""
    pg.setConfigOptions(background=PLOT_BACKGROUND, foreground=PLOT_FOREGROUND, antialias=True)
