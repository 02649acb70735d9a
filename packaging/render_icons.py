"""Render the app icon (``assets/icon.svg``) to the PNG, ICO and ICNS files packaging needs.

Writes, relative to the repository root:

- ``assets/icon.png``: 256×256, for the README and the window;
- ``packaging/icons/hicolor/<N>x<N>/apps/landscape-app.png`` for N in 16, 24, 32, 48, 64,
  128, 256: the freedesktop icon theme layout the ``.desktop`` entry refers to;
- ``packaging/icons/landscape-app.ico`` (Windows, every size above) and
  ``packaging/icons/landscape-app.icns`` (macOS), written by Pillow, for PyInstaller's
  ``icon=``.

Qt's SVG renderer draws each size from the vector source (small sizes are not downscaled
bitmaps), antialiased, on a transparent background. Runs headless (Qt's offscreen platform).

Usage: python packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "assets" / "icon.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)
THEME = ROOT / "packaging" / "icons" / "hicolor"
NAME = "landscape-app"


def render(size: int):
    """The icon as a ``size``×``size`` RGBA Pillow image."""
    import numpy as np
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_RGBA8888)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    stride = image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=size * stride).reshape(size, stride)
    return Image.fromarray(rows[:, : size * 4].reshape(size, size, 4).copy(), "RGBA")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    application = QGuiApplication(sys.argv[:1])  # noqa: F841 - QSvgRenderer needs one
    images = {size: render(size) for size in SIZES}
    for size, image in images.items():
        folder = THEME / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        image.save(folder / f"{NAME}.png", optimize=True)
    images[256].save(ROOT / "assets" / "icon.png", optimize=True)
    icons = ROOT / "packaging" / "icons"
    images[256].save(icons / f"{NAME}.ico", sizes=[(s, s) for s in SIZES])
    images[256].save(icons / f"{NAME}.icns")
    print(f"rendered {SOURCE.name} at {', '.join(map(str, SIZES))} px into {icons}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
