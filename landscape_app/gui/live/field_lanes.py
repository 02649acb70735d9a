"""Whole paths under the dragged start marker: trajectory fields of the mappable lanes.

For every lane the map engine can batch (:data:`~landscape_app.core.maps.MAPPABLE`) a
:class:`FieldLanes` computes, in the background, the lane's trajectory field — its whole path
from each of 64² starts over the landscape's view (:func:`~landscape_app.core.maps.
compute_field`, at most :data:`FIELD_POINTS` points per path, the last exact). It computes them
when the landscape or a lane's settings change (progress in the status bar; the next change
cancels it) and caches them per landscape and lane settings, so going back costs nothing.

While the start marker is dragged, :meth:`FieldLanes.show` draws each field lane's path from
the field start nearest to the marker, in the same frame — thin and dashed: provisional —
and :meth:`FieldLanes.hide` takes them away when the exact preview arrives (or the drag ends).
Lanes the engine cannot batch (L-BFGS, SLSQP, PSO, CMA-ES, SA, dual annealing) have no field
and preview as before.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal

from landscape_app.core.catalogue.map_checks import MAPPABLE
from landscape_app.gui.live.tasks import TaskRunner

#: Points kept per path (the last exact): 64² starts × 300 points × 3 numbers, 30 MB a lane.
FIELD_POINTS = 300
#: How the provisional paths are drawn: thinner than a trail, and dashed.
PROVISIONAL_WIDTH = 1.5
#: Fields kept (the oldest goes first): a few landscapes' worth of four lanes.
CACHE_FIELDS = 12


def _field_job(objective, lanes: list[tuple[tuple, object]], seed: int, steps: int):
    """A background job computing the field of each ``(key, spec)`` in ``lanes``."""
    def job(progress, cancelled):
        from landscape_app.core.maps import compute_field

        fields = {}
        for number, (key, spec) in enumerate(lanes):
            def told(_stage, fraction, number=number):
                progress("field", (number + fraction) / len(lanes))
            fields[key] = compute_field(objective, spec, steps=steps, thin=FIELD_POINTS,
                                        progress=told, cancelled=cancelled, seed=seed)
        return fields
    return job


class FieldLanes(QObject):
    """The trajectory fields of a :class:`~landscape_app.gui.live.controller.RaceController`'s
    session, drawn on a :class:`~landscape_app.gui.views.contour.ContourView`.

    Signals
    -------
    ready()
        New fields arrived (:meth:`complete` may now be true).
    drawn()
        :meth:`show` drew the provisional paths (:meth:`field_path` has them).
    progress(text)
        A status-bar line while fields are computed ("" when done).
    """

    ready = Signal()
    drawn = Signal()
    progress = Signal(str)

    def __init__(self, controller, view, parent: QObject | None = None):
        super().__init__(parent)
        self.controller, self.view = controller, view
        self.cache: dict[tuple, object] = {}
        self.items: dict[int, pg.PlotCurveItem] = {}
        self.shown: dict[int, int] = {}  # lane → index of the field start drawn
        self.tasks = TaskRunner("field", self)
        queued = Qt.ConnectionType.QueuedConnection
        self.tasks.progress.connect(self._progress, queued)
        self.tasks.succeeded.connect(self._done, queued)
        self.tasks.failed.connect(self._failed, queued)

    # -- which lanes have fields ---------------------------------------------------------
    def lane_keys(self) -> dict[int, tuple]:
        """Lane index → cache key, for the session's visible mappable lanes (none off a live
        2D landscape)."""
        model = self.controller.model
        objective = model.landscape.objective if model.live else None
        if objective is None or getattr(objective, "dim", None) != 2:
            return {}
        state = model.state
        return {index: (repr(state.landscape), lane.spec.to_text(), state.seed,
                        state.max_steps)
                for index, lane in enumerate(state.lanes)
                if lane.visible and lane.spec.id in MAPPABLE}

    def complete(self) -> bool:
        """Whether every field lane's field is cached."""
        keys = self.lane_keys()
        return bool(keys) and all(key in self.cache for key in keys.values())

    def refresh(self) -> None:
        """Compute the fields missing for the session on screen (cancelling any under way)."""
        keys = self.lane_keys()
        specs = {key: self.controller.model.state.lanes[index].spec
                 for index, key in keys.items() if key not in self.cache}
        if not specs:
            self.tasks.cancel()
            return
        model = self.controller.model
        self.tasks.submit(_field_job(model.landscape.objective, list(specs.items()),
                                     model.state.seed, model.state.max_steps))

    # -- drawing -------------------------------------------------------------------------
    def show(self, x: float, y: float) -> None:
        """Draw each field lane's path from the field start nearest ``(x, y)``."""
        colors = self.view.colors
        for index, key in self.lane_keys().items():
            field = self.cache.get(key)
            if field is None:
                continue
            start = field.nearest(x, y)
            positions = field.path(start)[0]
            item = self._item(index, colors[index] if index < len(colors) else "#ffffff")
            item.setData(positions[:, 0], positions[:, 1])
            item.setVisible(True)
            self.shown[index] = start
        if self.shown:
            self.drawn.emit()

    def hide(self, *_args) -> None:
        """Take the provisional paths away (the exact preview is on screen)."""
        for item in self.items.values():
            item.setVisible(False)
        self.shown = {}

    def close(self) -> None:
        self.tasks.shutdown()

    def _item(self, index: int, color: str) -> pg.PlotCurveItem:
        item = self.items.get(index)
        if item is None:
            item = pg.PlotCurveItem(connect="finite")
            item.setZValue(9)  # under the trails and heads
            self.view.plot_item.addItem(item)
            self.items[index] = item
        item.setPen(pg.mkPen(color, width=PROVISIONAL_WIDTH, style=Qt.PenStyle.DashLine))
        return item

    def field_path(self, index: int) -> np.ndarray | None:
        """The positions drawn for lane ``index`` (None: none drawn)."""
        item = self.items.get(index)
        if item is None or not item.isVisible():
            return None
        xs, ys = item.getData()
        return np.stack([xs, ys], axis=1)

    # -- the background job --------------------------------------------------------------
    def _progress(self, token: int, _stage: str, fraction: float) -> None:
        if token == self.tasks.token:
            self.progress.emit(f"Trajectory fields for drag previews: {fraction:.0%}")

    def _done(self, token: int, fields: dict) -> None:
        self.cache.update(fields)  # a superseded job's fields are still right for their key
        while len(self.cache) > CACHE_FIELDS:
            self.cache.pop(next(iter(self.cache)))
        if token == self.tasks.token:
            self.progress.emit("")
        self.ready.emit()

    def _failed(self, token: int, message: str) -> None:
        if token == self.tasks.token and "cancel" not in message.lower():
            self.progress.emit(f"Trajectory fields could not be computed: {message}")
