"""The hyperparameter map in front of the class (issue 22): presenting enlarges its axes like
the other views', and a new map shows its own axes at once, with its progress, while it is
computed. Before: the map's ticks and titles kept the normal size in presentation mode, and
after quadratic-stable-lr (lr 0.001 … 1) the Scenes menu's seed-fractal-edge (lr 1e-8 … 1e-4)
kept the old axes until its map was done (about 20 s)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QMenu

from landscape_app.gui.views.axis_fonts import base_pixel_size

pytestmark = pytest.mark.gui


def key(qtbot, widget, code, modifier=Qt.KeyboardModifier.NoModifier):
    widget.window().activateWindow()
    qtbot.keyClick(widget, code, modifier)


def tick_pixels(view) -> list[int]:
    return [QFontInfo(view.plot_item.getAxis(side).style["tickFont"]
                      or QApplication.font()).pixelSize() for side in ("left", "bottom")]


def title_sizes(view) -> list[str]:
    return [view.plot_item.getAxis(side).labelStyle.get("font-size")
            for side in ("left", "bottom")]


def test_presenting_enlarges_the_map_axes_like_the_landscapes(window, qtbot):
    view, tabs = window.maps.view, window.views.view_tabs
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.tabRect(window.maps.tab_index).center())
    assert tabs.currentWidget() is view
    key(qtbot, window.views.table, Qt.Key.Key_F11)
    assert window.presentation.active
    enlarged = tick_pixels(window.views.contour)
    assert enlarged[0] > 1.5 * base_pixel_size()
    assert tick_pixels(view) == enlarged
    assert title_sizes(view) == title_sizes(window.views.contour)
    assert QFontInfo(view.notice.textItem.font()).pixelSize() == enlarged[0]
    assert view.cross_x.pen.widthF() == pytest.approx(2 * window.presentation.size_factor)
    key(qtbot, window.views.contour, Qt.Key.Key_Escape)
    assert not window.presentation.active
    assert tick_pixels(view) == [QFontInfo(QApplication.font()).pixelSize()] * 2
    assert title_sizes(view) == title_sizes(window.views.contour)


def choose_from_menu(qtbot, window, menu_key, action) -> None:
    """Open a menu of the menu bar with Alt+``menu_key`` and choose ``action`` with the arrow
    keys and Return (real key events to the open menu)."""
    key(qtbot, window, menu_key, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5_000)
    menu = QApplication.activePopupWidget()
    for _ in range(len(menu.actions())):
        if menu.activeAction() is action:
            break
        qtbot.keyClick(menu, Qt.Key.Key_Down)
    assert menu.activeAction() is action
    qtbot.keyClick(menu, Qt.Key.Key_Return)


def test_a_new_map_shows_its_axes_and_progress_while_it_is_computed(window, qtbot):
    maps, model = window.maps, window.controller.model
    view = maps.view
    assert window.scenes.load("quadratic-stable-lr")  # its map (lr 0.001 … 1) being computed
    assert model.map_pending("sweep")
    assert view.plot_item.vb.viewRange()[0] == pytest.approx([-3.0, 0.0])
    choose_from_menu(qtbot, window, Qt.Key.Key_S, window.scenes.scene_actions["seed-fractal-edge"])
    qtbot.waitUntil(lambda: window.controller.state.title.startswith("The edge"), timeout=10_000)
    assert model.map_pending("sweep")  # the new map is computed (about 20 s) ...
    # ... and its axes are on screen already: lr 1e-8 … 1e-4 (log), momentum 0 … 0.99
    (x0, x1), (y0, y1) = view.plot_item.vb.viewRange()
    assert (x0, x1, y0, y1) == pytest.approx((-8.0, -4.0, 0.0, 0.99))
    assert view.plot_item.getAxis("bottom").labelText == "lr (log scale)"
    assert not view.layer.shown  # nothing of the old map
    assert view.notice.isVisible()
    qtbot.waitUntil(lambda: view.notice.textItem.toPlainText().endswith("%")
                    and not view.notice.textItem.toPlainText().endswith(" 0%")
                    or view.layer.shown, timeout=60_000)  # its progress, while it lasts
    window.controller.cancel_maps()
