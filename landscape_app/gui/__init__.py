"""The window: the only ring that imports PySide6 or pyqtgraph."""
