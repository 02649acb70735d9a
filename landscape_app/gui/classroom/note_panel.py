"""The session's title and teaching note: a panel beside the view, or a caption under it.

Scenes carry a short teaching note (what to watch for). :class:`NotePanel` shows it above the
loss curves in the normal window; presentation mode shows a second one, built as a caption,
across the bottom of the screen, with a line of key hints. Fonts come from the stylesheets
(:mod:`landscape_app.gui.style`): the title bold, larger in the caption.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget


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
        #: The caption's step indicator ("step 52 of 300") while a scrubbed step is shown.
        self.step = QLabel()
        self.step.setObjectName("note-step")
        self.step.setVisible(False)
        layout.addWidget(self.step)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        self.hint = QLabel(hint)
        self.hint.setObjectName("note-hint")
        self.hint.setWordWrap(True)  # never wider than a 4:3 projector
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

    def show_step(self, text: str) -> None:
        """Show ``text`` as the step indicator above the title (empty: hide it)."""
        self.step.setText(text)
        self.step.setVisible(bool(text))

    @property
    def has_note(self) -> bool:
        """Whether there is a note to show (a panel without one stays hidden)."""
        return bool(self.text.text())


class NoteScroll(QScrollArea):
    """The note panel in a frame that scrolls vertically when the note is long.

    Its preferred height is the note's height at the present width, at most :attr:`share`
    of its parent's height, so the loss curves below it always keep the rest (the note never
    lies over them); it is shown and hidden with the panel.
    """

    def __init__(self, panel: NotePanel, share: float = 0.45, parent: QWidget | None = None):
        super().__init__(parent)
        self.panel = panel
        self.share = share
        #: The most height it takes (pixels; None: :attr:`share` of its parent's). The room
        #: sets it to what the column leaves above the loss curves' least height.
        self._limit: int | None = None
        #: Take the whole :attr:`limit`, however short the note (under the table, beside the
        #: taller loss curves: the card reaches the band's bottom instead of leaving a hole).
        self._fill = False
        self.setWidget(panel)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setVisible(False)
        panel.setVisible(False)  # setWidget showed it
        panel.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if watched is self.panel and kind in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            self.setVisible(kind == QEvent.Type.ShowToParent)
        elif watched is self.parentWidget() and kind == QEvent.Type.Resize:
            self.updateGeometry()
        return False

    def follow_parent(self) -> None:
        """Keep the height cap in step with the parent's height (call once it has one)."""
        self.parentWidget().installEventFilter(self)

    @property
    def limit(self) -> int | None:
        return self._limit

    @limit.setter
    def limit(self, value: int | None) -> None:
        if value != self._limit:
            self._limit = value
            self.updateGeometry()

    @property
    def fill(self) -> bool:
        return self._fill

    @fill.setter
    def fill(self, value: bool) -> None:
        if value != self._fill:
            self._fill = value
            self.updateGeometry()

    def _cap(self) -> int:
        if self._limit is not None:
            return self._limit
        parent = self.parentWidget()
        return max(60, round(self.share * parent.height())) if parent is not None else 400

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        width = max(self.viewport().width(), 120)
        height = self.panel.heightForWidth(width)
        if height < 0:
            height = self.panel.sizeHint().height()
        if self._fill and self._limit is not None:
            height = self._limit
        return QSize(super().sizeHint().width(), min(height, self._cap()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(0, min(self.sizeHint().height(), 60))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()
