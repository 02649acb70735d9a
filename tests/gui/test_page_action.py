"""File ▸ Export ▸ Interactive page (HTML)…: the session on screen written as a page."""

from dataclasses import replace

from landscape_app.export.page.pack import untyped
from landscape_app.state.scenes import load_scene
from tests.browser.conftest import embedded_document

STEPS = 25


def test_the_file_menu_writes_the_page(window, qtbot, tmp_path, monkeypatch):
    from landscape_app.gui import file_dialogs

    window.apply_session(replace(load_scene("adam-vs-sgd").state, max_steps=STEPS))
    target = tmp_path / "lesson.html"
    monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *args: str(target))
    entry = [a for a in window.exports.menu.actions() if a.text().startswith("Interactive")]
    assert len(entry) == 1
    with qtbot.waitSignal(window.exports.exported, timeout=120_000) as written:
        entry[0].trigger()
    assert written.args == [str(target)]
    document = embedded_document(target)
    assert document["steps"] == STEPS and document["title"] == "Adam vs SGD on Rosenbrock"
    shown = window.current_session()
    assert [lane["label"] for lane in document["lanes"]] == [lane.label for lane in shown.lanes]
    assert [lane["color"] for lane in document["lanes"]] == [lane.color for lane in shown.lanes]
    assert untyped(document["lanes"][2]["step"])[-1] == STEPS


def test_a_wrong_name_is_refused(window, qtbot, tmp_path):
    with qtbot.waitSignal(window.exports.failed, timeout=5_000):
        assert not window.exports.page.export(tmp_path / "lesson.txt")
    assert not (tmp_path / "lesson.txt").exists()
