"""The Maps menu: the start map over the 2D view, the hyperparameter-map tab, and their export.

==========================  ==============================================================
Start map (Ctrl+M)          every start of the 2D view run at once by the mapped lane's
                            optimizer; click a cell to race from that start; zoom or pan
                            the view to recompute the region shown (coarse, then fine)
Hyperparameter map          a tab with two of the lane's hyperparameters on the axes; click
                            a cell to give the lane those values; zoom to dive in
Map optimizer ▸             which lane is mapped
Hyperparameter axes ▸       which two hyperparameters (log axes for learning rates)
Colour by ▸ / Opacity ▸     basin, final loss, steps to tolerance, status, sharpness (λ_max
                            of the loss Hessian at each cell's final point); layer opacity
Cancel map (Esc)            stop the computation (what is drawn stays)
Export map image…           the map with axes and legend, to PNG or SVG
==========================  ==============================================================

The rules (what is computed when) are the Qt-free model's
(:meth:`~landscape_app.engine.session_model.SessionModel.set_map` and its neighbours); this
class only turns menu choices into :class:`~landscape_app.state.map_settings.MapSettings` edits and
draws what the controller reports.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from landscape_app.core.catalogue.kinds import LandscapeKind, MapKind
from landscape_app.gui.keyboard import window_action
from landscape_app.gui.views.map_key import MapKey, plot_inset
from landscape_app.gui.views.map_layer import HINT, ZOOM_SETTLE_MS, HyperMapView, MapLayer
from landscape_app.gui.window_parts import MapParts
from landscape_app.state.map_settings import COLOR_BY, MapSettings, default_axis, sweepable_names

COLOR_TITLES = {"basin": "Basin reached", "loss": "Final loss", "steps": "Steps to tolerance",
                "status": "Status", "sharpness": "Sharpness λ_max at the end"}
OPACITIES = (0.25, 0.5, 0.75, 1.0)
#: The hyperparameter map's notice when its computation stopped before a first picture.
STOPPED = "The hyperparameter map was not computed (cancelled or failed)"


class MapActions(QObject):
    """The Maps menu of a :class:`~landscape_app.gui.main_window.MainWindow` and what it
    draws: :attr:`layer` over the 2D view and :attr:`view`, the hyperparameter-map tab.
    It works with the window's :class:`~landscape_app.gui.window_parts.MapParts`."""

    def __init__(self, parts: MapParts, menu: QMenu):
        super().__init__(parts.window)
        self.parts = parts
        self.controller = parts.controller
        contour = parts.contour
        self.layer = MapLayer(contour.plot_item)
        # The start map's key, in the corner the hover readout and the colour bar leave free.
        self.key = MapKey(contour, "bottom-left", lambda: plot_inset(contour))
        self.view = HyperMapView()
        self.tab_index = parts.view_tabs.addTab(self.view, "Hyperparameter map")
        self._syncing = False
        self.starts_action = self._check(menu, "&Start map", "Ctrl+M", self._toggle_starts)
        self.sweep_action = self._check(menu, "&Hyperparameter map", "Ctrl+Shift+M",
                                        self._toggle_sweep)
        self.lane_menu = menu.addMenu("Map &optimizer")
        self.lane_menu.aboutToShow.connect(self._fill_lane_menu)
        self.axis_menus = (menu.addMenu("Hyperparameter &x axis"),
                           menu.addMenu("Hyperparameter &y axis"))
        for index, axis_menu in enumerate(self.axis_menus):
            axis_menu.aboutToShow.connect(lambda index=index: self._fill_axis_menu(index))
        self.color_menu = menu.addMenu("&Colour by")
        self.color_actions = self._group(self.color_menu, COLOR_BY,
                                         lambda key: COLOR_TITLES[key], self._color_chosen)
        self.opacity_actions = self._group(menu.addMenu("O&pacity"), OPACITIES,
                                           lambda o: f"{o:.0%}", self._opacity_chosen)
        menu.addSeparator()
        self.cancel_action = window_action(parts.window, "Cancel &map computation", None,
                                           self.controller.cancel_maps)
        menu.addAction(self.cancel_action)
        self.export_action = window_action(parts.window, "&Export map image…", None,
                                           self.export)
        menu.addAction(self.export_action)
        self.animation_action = window_action(parts.window, "Export map &animation…", None,
                                              self.export_animation)
        menu.addAction(self.animation_action)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(ZOOM_SETTLE_MS)
        self._settle.timeout.connect(self._view_zoomed)
        contour.plot_item.vb.sigRangeChangedManually.connect(
            lambda *_: self._settle.start())
        self.view.cellClicked.connect(self.set_lane_values)
        self.view.zoomed.connect(
            lambda a, b, c, d: self.controller.zoom_sweep((a, b), (c, d)))
        self.controller.mapsChanged.connect(self.redraw)
        self.controller.stateChanged.connect(self._sync)
        self.controller.mapProgress.connect(self._progress)
        self.redraw()

    # -- building -------------------------------------------------------------------------
    def _check(self, menu, text, shortcut, slot) -> QAction:
        action = window_action(self.parts.window, text, shortcut, lambda: None)
        action.setCheckable(True)
        action.toggled.connect(lambda on: None if self._syncing else slot(on))
        menu.addAction(action)
        return action

    def _group(self, menu, keys, title, slot) -> dict:
        group = QActionGroup(menu)
        actions = {}
        for key in keys:
            action = menu.addAction(title(key))
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _=False, key=key: slot(key))
            actions[key] = action
        return actions

    # -- the settings -----------------------------------------------------------------------
    @property
    def settings(self) -> MapSettings | None:
        return self.controller.state.map

    def _edit(self, **fields) -> None:
        settings = self.settings or MapSettings(starts=False)
        self.controller.set_map(replace(settings, **fields))

    def _network(self) -> bool:
        return self.controller.state.landscape.kind == LandscapeKind.NETWORK

    def _toggle_starts(self, on: bool) -> None:
        if on and self._network():
            self.parts.status.show("A network has no start map: use the hyperparameter map")
            self._sync()
            return
        self._edit(starts=on)
        if on:
            self.parts.view_tabs.setCurrentIndex(0)

    def _toggle_sweep(self, on: bool) -> None:
        if not on:
            self._edit(sweep=None)
            return
        state = self.controller.state
        lane = self.settings.lane if self.settings is not None else 0
        if lane >= len(state.lanes):
            self.parts.status.show("Add an optimizer to map its hyperparameters")
            self._sync()
            return
        spec = state.lanes[lane].spec
        names = sweepable_names(spec, self._network())
        if len(names) < 2:
            self.parts.status.show(f"{spec.id} has fewer than two hyperparameters to map")
            self._sync()
            return
        second = "momentum" if "momentum" in names[1:] else names[1]
        sweep = (default_axis(spec, names[0]), default_axis(spec, second))
        self._edit(sweep=sweep, starts=self.settings is not None and self.settings.starts)
        self.parts.view_tabs.setCurrentIndex(self.tab_index)

    def _color_chosen(self, key: str) -> None:
        self._edit(color_by=key) if self.settings is not None else self._sync()

    def _opacity_chosen(self, opacity: float) -> None:
        self._edit(opacity=opacity) if self.settings is not None else self._sync()

    def _fill_lane_menu(self) -> None:
        self.lane_menu.clear()
        current = self.settings.lane if self.settings is not None else 0
        for index, lane in enumerate(self.controller.state.lanes):
            action = self.lane_menu.addAction(f"{index + 1}  {lane.label}")
            action.setCheckable(True)
            action.setChecked(index == current)
            action.triggered.connect(lambda _=False, index=index: self.choose_lane(index))

    def choose_lane(self, index: int) -> None:
        """Map lane ``index``; a hyperparameter map keeps its axes when the lane has them."""
        settings = self.settings
        if settings is None:
            return self._edit(lane=index)
        sweep = settings.sweep
        spec = self.controller.state.lanes[index].spec
        if sweep is not None:
            names = sweepable_names(spec, self._network())
            if not all(axis.name in names for axis in sweep):
                sweep = (default_axis(spec, names[0]), default_axis(spec, names[1])) \
                    if len(names) >= 2 else None
        self._edit(lane=index, sweep=sweep)

    def _fill_axis_menu(self, index: int) -> None:
        menu = self.axis_menus[index]
        menu.clear()
        settings = self.settings
        state = self.controller.state
        if settings is None or settings.sweep is None or settings.lane >= len(state.lanes):
            menu.addAction("(turn the hyperparameter map on first)").setEnabled(False)
            return
        spec = state.lanes[settings.lane].spec
        other = settings.sweep[1 - index].name
        for name in sweepable_names(spec, self._network()):
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == settings.sweep[index].name)
            action.setEnabled(name != other)
            action.triggered.connect(lambda _=False, name=name: self.choose_axis(index, name))

    def choose_axis(self, index: int, name: str) -> None:
        """Put hyperparameter ``name`` on axis ``index`` (0: x, 1: y) of the map."""
        settings = self.settings
        spec = self.controller.state.lanes[settings.lane].spec
        axes = list(settings.sweep)
        axes[index] = default_axis(spec, name)
        self._edit(sweep=tuple(axes))

    # -- reacting ---------------------------------------------------------------------------
    def _sync(self) -> None:
        """Menu checks and the crosshair follow the session on screen."""
        settings = self.settings
        self._syncing = True
        try:
            self.starts_action.setChecked(settings is not None and settings.starts)
            self.sweep_action.setChecked(settings is not None and settings.sweep is not None)
            shown = settings or MapSettings()
            self.color_actions[shown.color_by].setChecked(True)
            nearest = min(OPACITIES, key=lambda o: abs(o - shown.opacity))
            self.opacity_actions[nearest].setChecked(True)
        finally:
            self._syncing = False
        self._show_lanes()

    def _show_lanes(self) -> None:
        settings, state = self.settings, self.controller.state
        if settings is None or settings.sweep is None:
            self.view.set_lanes(None, [])
            return
        names = [axis.name for axis in settings.sweep]
        current, others = None, []
        for index, lane in enumerate(state.lanes):
            values = lane_values(lane.spec)
            if not all(name in values for name in names):
                continue
            pair = (values[names[0]], values[names[1]])
            if index == settings.lane:
                current = pair
            else:
                others.append((*pair, lane.color))
        self.view.set_lanes(current, others)

    def redraw(self) -> None:
        """Draw the maps the model holds (or clear what it no longer has)."""
        settings, maps = self.settings, self.controller.model.maps
        starts = maps.get(MapKind.STARTS)
        if settings is not None and settings.starts and starts is not None:
            self.layer.show(starts, settings.color_by, settings.opacity)
            self.key.show_key(starts, settings.color_by,
                              f"Start map: {COLOR_TITLES[settings.color_by].lower()}")
        else:
            self.layer.clear()
            self.key.clear()
        sweep = maps.get(MapKind.SWEEP)
        if settings is not None and settings.sweep is not None:
            self.view.set_axes(settings.sweep if sweep is None else _axes_of(sweep))
            if sweep is not None:
                self.view.show_map(sweep, settings.color_by)
            else:
                self.view.clear_map()
                self.view.show_notice(computing_notice(0.0))
        else:
            self.view.clear_map()
            self.view.show_notice(HINT)
        self._sync()

    def _progress(self, kind: MapKind, fraction: float) -> None:
        if kind == MapKind.SWEEP and not self.view.layer.shown and self.settings is not None \
                and self.settings.sweep is not None:  # the status bar may be hidden
            self.view.show_notice(computing_notice(fraction)
                                  if self.controller.model.map_pending(kind) else STOPPED)
        self.parts.status.progress(f"Computing the {MapKind(kind).title}… {fraction:.0%} "
                                  "(Maps ▸ Cancel to stop)", fraction, "Computing the")

    def _view_zoomed(self) -> None:
        settings = self.settings
        if settings is None or not settings.starts:
            return
        (x0, x1), (y0, y1) = self.parts.contour.plot_item.vb.viewRange()
        self.controller.zoom_starts((x0, x1, y0, y1))

    # -- clicks -----------------------------------------------------------------------------
    def start_chosen(self, x: float, y: float) -> bool:
        """A click on the 2D view: on a start-map cell, race from that cell's start (True);
        elsewhere the caller moves the start as usual (False)."""
        cell = self.layer.cell_at(x, y)
        if cell is None:
            return False
        result = self.layer.result
        start = float(result.axis0[cell[0]]), float(result.axis1[cell[1]])
        self.parts.contour.set_start(*start)
        self.controller.set_start(*start)
        if self.controller.model.blocked is None:
            self.parts.play.setChecked(True)
        return True

    def set_lane_values(self, value0: float, value1: float) -> None:
        """Give the mapped lane the clicked cell's two hyperparameter values (through the
        lane's card, as if typed in its form)."""
        settings = self.settings
        cards = self.parts.optimizer_panel.cards
        if settings is None or settings.sweep is None or settings.lane >= len(cards):
            return
        names = [axis.name for axis in settings.sweep]
        if any(name in ("lr_first", "lr_last") for name in names):
            self.parts.status.show("A lane has one learning rate for every layer: per-layer "
                                      "learning rates can be mapped but not set")
            return
        if cards[settings.lane].set_values(dict(zip(names, (value0, value1), strict=True))):
            self.parts.status.show(f"{cards[settings.lane].lane.label}: {names[0]} = "
                                      f"{value0:g}, {names[1]} = {value1:g}", 5000)

    def show_tab_of(self, state) -> None:
        """A session built on a hyperparameter map opens on the map's tab; one without it
        leaves that tab for the 2D view (where a start map is drawn)."""
        tabs = self.parts.view_tabs
        if state.map is not None and state.map.sweep is not None:
            tabs.setCurrentIndex(self.tab_index)
        elif tabs.currentIndex() == self.tab_index:
            tabs.setCurrentIndex(0)

    # -- export -----------------------------------------------------------------------------
    def _shown_kind(self) -> MapKind:
        """The map on screen: the hyperparameter map on its tab, else the start map."""
        return (MapKind.SWEEP if self.parts.view_tabs.currentIndex() == self.tab_index
                else MapKind.STARTS)

    def export_animation(self) -> None:
        """Export the map shown over its steps (computed again, with every frame's losses)."""
        from landscape_app.engine.map_export import NO_MAP, exported_kind
        from landscape_app.export.writers import file_filter
        from landscape_app.gui.file_dialogs import ask_save_path

        if self.settings is None:
            self.parts.status.show(NO_MAP)
            return
        kind = exported_kind(self.controller.model.maps, self._shown_kind())
        path = ask_save_path(self.parts.window, "Export map animation", file_filter(),
                             f"{kind or 'outcome'}-map.gif")
        if path:
            self.parts.exports.export_map_animation(path, kind)

    def export(self) -> None:
        """Save the map shown (the hyperparameter map on its tab, else the start map)."""
        from landscape_app.engine.map_export import NO_MAP, exported_kind, write_window_map
        from landscape_app.gui.file_dialogs import ask_save_path, show_problem

        maps = self.controller.model.maps
        kind = exported_kind(maps, self._shown_kind())
        if kind is None:
            self.parts.status.show(NO_MAP)
            return
        path = ask_save_path(self.parts.window, "Export map image",
                             "PNG image (*.png);;SVG image (*.svg)", f"{kind}-map.png")
        if not path:
            return
        try:
            written = write_window_map(maps, kind, path, self.settings.color_by)
        except Exception as error:  # noqa: BLE001 - a message, never a crash
            show_problem(self.parts.window, "The map could not be exported", str(error))
            return
        self.parts.status.show(f"Wrote {written}", 5000)


def computing_notice(fraction: float) -> str:
    """The hyperparameter map's notice while its first picture is computed."""
    return f"Computing the hyperparameter map… {fraction:.0%}"


def lane_values(spec) -> dict:
    """Every hyperparameter of a lane's optimizer, defaults included (torch-free)."""
    from landscape_app.core.catalogue.optimizer_specs import settle_values

    return settle_values(spec.id, spec.params)


def _axes_of(result):
    from landscape_app.core.maps import SweepAxis

    return tuple(SweepAxis(name, float(values[0]), float(values[-1]), log)
                 for name, values, log in zip(result.axis_names, (result.axis0, result.axis1),
                                              result.axis_log, strict=True))
