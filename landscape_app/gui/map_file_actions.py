"""File ▸ Open map…: show an outcome map NPZ (``landscape-app map --out``, built-in or of a
model file) in a tab of its own, drawn as a computed hyperparameter map is.

Reading is :func:`~landscape_app.core.files.map_npz.read_map_npz` and
:func:`~landscape_app.core.files.map_npz.outcome_of` (data only: a map of a model file never
imports the model file). The tab ("Map: NAME") is a
:class:`~landscape_app.gui.views.map_layer.HyperMapView` with the file's axes, coloured by
final loss for a model file's map and by status for a built-in sweep (basin for a start
map); hovering a cell reads its values, loss and status. The race, the session and the
Maps menu's own maps are left as they are.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget

from landscape_app.core.errors import LandscapeError
from landscape_app.gui.file_dialogs import OpenFileEntry, refuse
from landscape_app.gui.window_parts import StatusLine

MAP_FILTER = "Outcome maps (*.npz);;All files (*)"


def color_of(result) -> str:
    """What an opened map is coloured by: loss (a model file's), status (a built-in sweep),
    basin (a start map)."""
    if result.kind == "starts":
        return "basin"
    return "loss" if "model_file" in result.settings else "status"


class MapFileActions(OpenFileEntry):
    """The Open map… entry of a window's File menu and the tab of ``view_tabs`` it fills;
    :attr:`view` is None until a map is opened."""

    def __init__(self, window: QMainWindow, menu: QMenu, view_tabs: QTabWidget,
                 status: StatusLine):
        super().__init__(window, menu, status, "Open &map…", None,
                         "Show an outcome map NPZ (landscape-app map --out), built-in or of "
                         "your own model, in a tab", "Open a map", MAP_FILTER)
        self.view_tabs = view_tabs
        self.view = None
        self.tab_index = None
        self.result = None

    def open_path(self, path: str | os.PathLike) -> bool:
        """Show the map at ``path`` in its tab; False (and a message) if refused."""
        from landscape_app.core.files.map_npz import outcome_of, read_map_npz

        try:
            result = outcome_of(read_map_npz(path))
        except LandscapeError as error:
            self.problem = refuse(self.window, self.status, "The map was not opened.", str(error))
            return False
        self.show(result, Path(path).name)
        return True

    def show(self, result, name: str) -> None:
        from landscape_app.core.maps import SweepAxis
        from landscape_app.gui.views.map_layer import HyperMapView

        tabs = self.view_tabs
        if self.view is None:
            self.view = HyperMapView()
            self.view.set_lanes(None, [])  # a file's map has no lane: no crosshair, no dots
            self.tab_index = tabs.addTab(self.view, "")
        tabs.setTabText(self.tab_index, f"Map: {name}")
        self.result = result
        self.view.set_axes(tuple(
            SweepAxis(axis_name, float(values[0]), float(values[-1]), log)
            for axis_name, values, log in zip(result.axis_names, (result.axis0, result.axis1),
                                              result.axis_log, strict=True)))
        self.view.show_map(result, color_of(result))
        tabs.setCurrentIndex(self.tab_index)
        counts = ", ".join(f"{count} {status}" for status, count in result.counts().items()
                           if count)
        self.status.show(
            f"{name}: {result.settings.get('optimizer', '')} on "
            f"{result.settings.get('target', '')}, {result.shape[1]}x{result.shape[0]} cells "
            f"x {result.steps} steps ({counts})", 12000)
        self.opened.emit(name)
