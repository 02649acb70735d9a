"""The session's title and teaching note: a panel beside the view, or a caption under it.

Scenes carry a short teaching note (what to watch for). :class:`NotePanel` shows it above the
loss curves in the normal window; presentation mode shows a second one, built as a caption,
across the bottom of the screen, with a line of key hints. Fonts come from the stylesheets
(:mod:`landscape_app.gui.style`): the title bold, larger in the caption.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class NotePanel(QFrame):
    """A title and a word-wrapped note, hidden until the window shows it. ``caption=True``
    makes the presentation caption (with a muted ``hint`` line under the note)."""

    def __init__(self, caption: bool = False, hint: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = caption
        self.setObjectName("note-caption" if caption else "note-panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*((14, 8, 14, 10) if caption else (10, 8, 10, 8)))
        layout.setSpacing(4)
        self.title = QLabel()
        self.title.setObjectName("note-title")
        self.text = QLabel()
        self.text.setObjectName("note-text")
        for label in (self.title, self.text):  # notes are the user's text, never markup
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        self.hint = QLabel(hint)
        self.hint.setObjectName("note-hint")
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        if not caption:
            layout.addStretch(1)
        self.setVisible(False)

    def show_note(self, title: str, note: str) -> None:
        """Show ``title`` and ``note`` (the window decides whether the panel is shown: see
        :attr:`has_note`)."""
        self.title.setText(title.strip())
        self.title.setVisible(bool(title.strip()))
        self.text.setText(note.strip())
        self.text.setVisible(bool(note.strip()))

    @property
    def has_note(self) -> bool:
        """Whether there is a note to show (a panel without one stays hidden)."""
        return bool(self.text.text())
