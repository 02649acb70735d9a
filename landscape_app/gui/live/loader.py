"""Import the compute ring (torch, the optimizers, the panels that need them) off the UI thread.

``import torch`` alone takes seconds; the window is painted first, shows that the engine is
loading, and builds its panels when :attr:`CoreLoader.loaded` arrives.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal


def import_core() -> str:
    """Import everything the full window needs; the compute device's name.

    ``torch._dynamo`` is imported here too: ``torch.optim`` imports it at its first step, and
    that would otherwise stall the first race for a second or more. The race process's fork
    server is started first, so that it imports the same in parallel.
    """
    from landscape_app.engine.race_process import prewarm

    prewarm()
    import torch._dynamo  # noqa: F401

    import landscape_app.core.optim  # noqa: F401  (every optimizer; imports torch)
    import landscape_app.gui.live.controller  # noqa: F401
    import landscape_app.gui.panels.landscape  # noqa: F401
    import landscape_app.gui.panels.optimizers  # noqa: F401
    from landscape_app.core.device import choose_device, describe_device

    return describe_device(choose_device("auto"))


class CoreLoader(QObject):
    """Runs :func:`import_core` in a thread; ``loaded(device)`` or ``failed(message)``."""

    loaded = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="core-loader")
            self._thread.start()

    def connect_to(self, on_loaded, on_failed) -> None:
        """Deliver the outcome to these slots in the UI thread."""
        self.loaded.connect(on_loaded, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(on_failed, Qt.ConnectionType.QueuedConnection)

    def join(self, timeout: float = 60.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            device = import_core()
        except Exception as error:  # noqa: BLE001 - shown in the window instead of a traceback
            self.failed.emit(f"{type(error).__name__}: {error}")
        else:
            self.loaded.emit(device)
