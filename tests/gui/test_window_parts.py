"""The status line the controllers share: a message stays its time, a progress report never
hides a message and clears itself at the end, and nothing is shown once the window closes."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from landscape_app.gui.window_parts import StatusLine


def test_progress_never_hides_a_message_and_clears_itself(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    status = StatusLine(window.statusBar())
    assert [w.text() for w in (status.background, status.device, status.rate, status.fps)] \
        == ["", "device: …", "0 steps/s", "0 frames/s"]
    status.progress("Computing the start map… 10%", 0.1, "Computing the")
    assert window.statusBar().currentMessage() == "Computing the start map… 10%"
    status.progress("Computing the start map… 100%", 1.0, "Computing the")
    assert window.statusBar().currentMessage() == ""
    status.show("Wrote map.png")
    status.progress("Computing the start map… 50%", 0.5, "Computing the")
    assert window.statusBar().currentMessage() == "Wrote map.png"
    status.close()
    assert window.statusBar().currentMessage() == ""
    status.show("a task cancelled by the closing reports")
    assert window.statusBar().currentMessage() == ""
