"""The desktop entry opens the app's files: its MimeType names the types that
packaging/landscape-app-mime.xml defines (and HDF5), and a saved session matches its magic."""

from __future__ import annotations

import configparser
import xml.etree.ElementTree as ElementTree
from pathlib import Path

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
MIME = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(PACKAGING / "landscape-app.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_entry_opens_sessions_surfaces_and_h5_files():
    entry = desktop_entry()
    assert entry["Exec"] == "landscape-app gui %f"  # one file, as `gui FILE` takes it
    types = [t for t in entry["MimeType"].split(";") if t]
    defined = {node.get("type") for node in
               ElementTree.parse(PACKAGING / "landscape-app-mime.xml").getroot()
               .iter(f"{MIME}mime-type")}
    assert defined == {"application/x-landscape-app-session",
                       "application/x-landscape-app-surface"}
    assert set(types) == defined | {"application/x-hdf5"}  # HDF5: shared-mime-info's own


def test_a_saved_session_matches_the_session_type_magic(tmp_path):
    from landscape_app.state.lanes import default_session
    from landscape_app.state.session_io import save_session

    root = ElementTree.parse(PACKAGING / "landscape-app-mime.xml").getroot()
    (match,) = root.iter(f"{MIME}match")
    first, last = (int(v) for v in match.get("offset").split(":"))
    head = save_session(tmp_path / "s.json", default_session()).read_bytes()[:last + 64]
    assert first <= head.find(match.get("value").encode(), first) <= last
