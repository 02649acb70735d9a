"""Maps ▸ Compare optimizers…: every lane tuned over its sweep, from many starts, in the
background; the result on the Compare tab (:mod:`landscape_app.gui.views.compare_view`).

==============================  ==========================================================
Compare optimizers…             the dialog, then the comparison in the background (progress
                                in the status bar); the Compare tab shows it when done
Cancel comparison               stop it (what the tab shows stays)
click a success point           give that lane that setting (as if typed in its card)
Export image… (on the tab)      both plots to PNG or SVG
==============================  ==========================================================

What is compared, and how lanes that cannot be are named, is
:mod:`landscape_app.engine.compare_jobs`'s; the result is kept with the session
(:attr:`SessionState.compare <landscape_app.state.model.SessionState>`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget

from landscape_app.core.errors import LandscapeError
from landscape_app.gui.compare_dialog import CompareDialog
from landscape_app.gui.keyboard import window_action
from landscape_app.gui.views.compare_view import ComparePanel
from landscape_app.state.compare_record import CompareSettings, default_settings

if TYPE_CHECKING:
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.panels.optimizer_panel import OptimizerPanel
    from landscape_app.gui.window_parts import StatusLine

PROGRESS = "Comparing optimizers"


class CompareActions(QObject):
    """The Compare entries of the Maps menu, its tab in ``view_tabs`` and its background
    job; a clicked setting goes to its lane's card in ``optimizer_panel``."""

    def __init__(self, window: QMainWindow, menu: QMenu, controller: RaceController,
                 view_tabs: QTabWidget, optimizer_panel: OptimizerPanel, status: StatusLine):
        super().__init__(window)
        self.window = window  # the dialogs' parent, the shortcuts' owner
        self.controller, self.view_tabs, self.status = controller, view_tabs, status
        self.optimizer_panel = optimizer_panel
        self.runner = self.controller.compare_tasks
        self.panel = ComparePanel()
        self.tab_index = view_tabs.addTab(self.panel, "Compare")
        self.dialog: CompareDialog | None = None
        self._job = None  # the job waited for (None: none), and its token
        self._job_token = 0
        menu.addSeparator()
        self.compare_action = window_action(window, "&Compare optimizers…", None, self.ask)
        menu.addAction(self.compare_action)
        self.cancel_action = window_action(window, "Cancel compa&rison", None, self.cancel)
        menu.addAction(self.cancel_action)
        queued = Qt.ConnectionType.QueuedConnection
        self.runner.progress.connect(self._progress, queued)
        self.runner.succeeded.connect(self._done, queued)
        self.runner.failed.connect(self._failed, queued)
        self.panel.settingChosen.connect(self.set_lane_setting)
        self.panel.exportRequested.connect(self.export)
        self.controller.stateChanged.connect(self._sync)
        self._sync()

    @property
    def running(self) -> bool:
        """Whether a comparison is being computed."""
        return self._job is not None

    # -- running ----------------------------------------------------------------------------
    def ask(self) -> None:
        """Open the dialog (window-modal); Compare runs what it says."""
        state = self.controller.state
        last = state.compare.settings if state.compare is not None else None
        network = state.landscape.kind == "network"
        settings = last or default_settings(state.max_steps, network)
        dialog = CompareDialog(self.window, settings, network)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.run(dialog.settings()))
        self.dialog = dialog
        dialog.open()

    def run(self, settings: CompareSettings) -> None:
        """Compare the session's lanes with ``settings`` in the background."""
        from landscape_app.engine.compare_jobs import plan_compare

        model = self.controller.model
        try:
            job = plan_compare(model.state, model.landscape if model.live else None, settings)
        except LandscapeError as error:
            self.status.show(f"Cannot compare: {error}", 10_000)
            return
        self._job = job
        token = self.runner.submit(job.run)
        self._job_token = token
        self.status.progress(f"{PROGRESS}… 0% (Maps ▸ Cancel comparison to stop)", 0.0,
                                  PROGRESS)

    def cancel(self) -> None:
        """Stop the comparison being computed (the tab keeps what it shows)."""
        if self._job is None:
            return
        self._job = None
        self.runner.cancel()
        self.status.progress("", 1.0, PROGRESS)
        self.status.show("Comparison cancelled", 5000)

    def _current(self, token: int) -> bool:
        return self._job is not None and token == self._job_token

    def _progress(self, token: int, _stage: str, fraction: float) -> None:
        if self._current(token):
            self.status.progress(f"{PROGRESS}… {fraction:.0%} (Maps ▸ Cancel comparison "
                                      "to stop)", min(fraction, 0.99), PROGRESS)

    def _done(self, token: int, result) -> None:
        if not self._current(token):
            return
        from landscape_app.engine.compare_jobs import record_of

        record = record_of(self._job, result)
        self._job = None
        self.status.progress("", 1.0, PROGRESS)
        self.controller.set_compare(record)
        self.view_tabs.setCurrentIndex(self.tab_index)
        self.status.show(f"Compared {len(record.lanes)} optimizer(s) in "
                                  f"{record.seconds:.1f} s", 5000)

    def _failed(self, token: int, message: str) -> None:
        if not self._current(token):
            return
        self._job = None
        self.status.progress("", 1.0, PROGRESS)
        self.status.show(f"The comparison could not run: {message}", 10_000)

    def _sync(self) -> None:
        """The tab shows the session's comparison (a session opened brings its own)."""
        state = self.controller.state
        record = state.compare
        if record is not self.panel.record:
            self.panel.show_record(record)
        if record is not None:
            self.panel.show_current([self._setting_now(state, compared)
                                     for compared in record.lanes])

    @staticmethod
    def _setting_now(state, compared) -> float | None:
        """The compared lane's swept setting as the lane has it now (None: that lane is gone
        or is another optimizer)."""
        from landscape_app.gui.map_actions import lane_values

        if compared.lane >= len(state.lanes):
            return None
        spec = state.lanes[compared.lane].spec
        if spec.id != compared.optimizer.split(":")[0]:
            return None
        value = lane_values(spec).get(compared.sweep)
        return float(value) if isinstance(value, int | float) else None

    # -- the panel --------------------------------------------------------------------------
    def set_lane_setting(self, index: int, value: float) -> None:
        """Give the lane of the record's ``index``-th curve the clicked setting, through its
        card (as if typed in its form; the race resets as after an edit)."""
        compared = self.panel.record.lanes[index]
        cards = self.optimizer_panel.cards
        if self._setting_now(self.controller.state, compared) is None:
            self.status.show(f"{compared.label} is no longer lane "
                                      f"{compared.lane + 1}: compare again", 8000)
            return
        card = cards[compared.lane]
        if card.set_values({compared.sweep: value}):
            self.status.show(f"{card.lane.label}: {compared.sweep} = {value:g}", 5000)

    def export(self) -> None:
        """Both plots of the tab to PNG or SVG."""
        from landscape_app.gui.file_dialogs import ask_save_path, show_problem

        if self.panel.record is None:
            self.status.show("Nothing to export yet: Maps ▸ Compare optimizers…")
            return
        path = ask_save_path(self.window, "Export comparison",
                             "PNG image (*.png);;SVG image (*.svg)", "compare.png")
        if not path:
            return
        try:
            self.panel.export(path)
        except Exception as error:  # noqa: BLE001 - a message, never a crash
            show_problem(self.window, "The comparison could not be exported", str(error))
            return
        self.status.show(f"Wrote {path}", 5000)
