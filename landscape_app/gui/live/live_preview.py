"""Drag and see: the window's side of :mod:`landscape_app.engine.preview`.

While the start point or a lane's slider is dragged, :meth:`LivePreview.preview` asks the
:class:`~landscape_app.engine.preview.PreviewRunner` for the race with that setting; every
result that arrives (in the UI thread, queued) and is not stale is loaded into the race worker
as a race that has already run (:class:`~landscape_app.engine.preview.ShownStepper`), so the
trails, heads, table, loss curves and overlays all show it, and a lane that diverged shows its
cross where it left. Nothing is stepped in the UI thread.

When the drag ends the window commits the setting to the session (the model's usual edit) and
calls :meth:`LivePreview.commit`: the preview of the committed settings stays on screen (it is
exactly the session's race run to the end), and play restarts it as an animation.

Previews belong to the session on screen: any other edit that rebuilds the race
(:attr:`~landscape_app.gui.live.controller.RaceController.lanesReset`) makes every preview in
flight stale (:meth:`drop`).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Qt, Signal

from landscape_app.engine.preview import PreviewResult, PreviewRunner, ShownStepper


class LivePreview(QObject):
    """Previews for a :class:`~landscape_app.gui.live.controller.RaceController`.

    Signals
    -------
    delivered(result)
        Relays the runner's results into the UI thread (queued).
    shown(result)
        A preview was loaded into the worker (:attr:`shown_result`).
    """

    delivered = Signal(object)
    shown = Signal(object)

    def __init__(self, controller, use_process: bool = True):
        super().__init__(controller)
        self.controller = controller
        self.worker = controller.worker
        self.shown_result: PreviewResult | None = None
        self.shown_generation = -1
        self._floor = 0  # results of older serials are stale
        self._committing = False
        self.delivered.connect(self._delivered, Qt.ConnectionType.QueuedConnection)
        self.runner = PreviewRunner(self.delivered.emit, use_process=use_process)

    @property
    def on_screen(self) -> bool:
        """Whether the race in the worker is a preview (play then restarts the real race)."""
        return self.shown_generation == self.worker.generation

    def preview(self, start=None, lanes=None) -> bool:
        """Compute the session's race with this ``start`` and/or these ``lanes``; False when
        the session has nothing to preview (no live landscape)."""
        model = self.controller.model
        factory = model.preview_factory(start, lanes)
        if factory is None:
            return False
        self.worker.pause()
        self._committing = False
        self.runner.request(factory, model.preview_key(start, lanes))
        return True

    def commit(self) -> None:
        """The dragged setting is now the session's: keep its preview on screen."""
        model = self.controller.model
        key = model.race_key()
        if key is None:
            return
        shown = self.shown_result
        if shown is not None and shown.complete and not shown.error and shown.key == key:
            self._load(shown)
            return
        self._committing = True
        self.runner.request(model.preview_factory(), key)  # the session's race, computed ahead

    def drop(self) -> None:
        """Make every preview in flight stale (the session's race was rebuilt)."""
        self._floor = self.runner.cancel()
        self._committing = False

    def close(self) -> None:
        self.runner.close()

    def _delivered(self, result: PreviewResult) -> None:
        if result.serial < self._floor:
            return
        latest = self.shown_result
        if latest is not None and result.serial < latest.serial and self.on_screen:
            return  # an older request's chunk arriving after a newer one's
        if self._committing and result.key != self.controller.model.race_key():
            return
        if result.error:
            self.controller.message.emit(f"The preview could not be computed: {result.error}")
            return
        self._load(result)

    def _load(self, result: PreviewResult) -> None:
        self.shown_result = result
        self.shown_generation = self.worker.load(partial(ShownStepper, result))
        self.shown.emit(result)
