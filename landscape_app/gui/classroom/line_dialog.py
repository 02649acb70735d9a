"""The curve of ``surface --interpolate`` (the loss along (1 − t) θ_A + t θ_B), shown when
File ▸ Open surface… is given such an NPZ: a plot of the loss against t, with A (t = 0) and
B (t = 1) marked and named, and how the buffers were set."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout


class LineDialog(QDialog):
    """A window-modal-free dialog holding the interpolation's curve (:attr:`curve`) and the
    marks of A and B (:attr:`marks`, :attr:`names`)."""

    def __init__(self, parent, line: dict, path: str):
        super().__init__(parent)
        self.setWindowTitle(f"{path} (read-only)")
        layout = QVBoxLayout(self)
        self.caption = QLabel(f"{line['title']}\n{line['buffers']}")
        layout.addWidget(self.caption)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "t")
        self.plot.setLabel("left", "loss")
        t, loss = line["t"], line["loss"]
        self.curve = self.plot.plot(t, loss, pen=pg.mkPen("#4ea1ff", width=2),
                                    connect="finite")
        ends = [value for value in (0.0, 1.0) if t[0] <= value <= t[-1]]
        at = [float(np.interp(value, t, loss)) for value in ends]
        self.marks = self.plot.plot(ends, at, pen=None, symbol="o", symbolSize=10,
                                    symbolBrush="#f0c040")
        self.names = []
        for value, y, label in zip(ends, at, line["labels"], strict=False):
            text = pg.TextItem(f"{'AB'[int(value)]}: {label}", anchor=(0.5, 1.2))
            text.setPos(value, y)
            self.plot.addItem(text)
            self.names.append(text)
        layout.addWidget(self.plot)
        self.resize(640, 420)
