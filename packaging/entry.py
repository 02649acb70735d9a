"""Entry point of the PyInstaller bundle: the ``landscape-app`` command (the window by default).

A frozen app must not start a second copy of itself when a library uses ``multiprocessing``
(torch may): ``freeze_support`` handles that on Windows and macOS.
"""

import multiprocessing
import sys

from landscape_app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
