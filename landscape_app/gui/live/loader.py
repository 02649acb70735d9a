"""Import the compute ring (torch, the optimizers, the panels that need them) off the UI thread.

``import torch`` alone takes seconds; the window is painted first, shows that the engine is
loading, and builds its panels when :attr:`CoreLoader.loaded` arrives.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal


def import_core() -> tuple[str, str]:
    """Import everything the full window needs; the compute device's name and a notice.

    Choosing the device starts a GPU (its first allocation). A GPU that is busy or broken is
    passed over for the CPU and the notice says so; nothing about the device can stop the
    window from loading (the 2D landscapes never need it).

    ``torch._dynamo`` is imported here too: ``torch.optim`` imports it at its first step, and
    that would otherwise stall the first race for a second or more. The race process's fork
    server is started first, so that it imports the same in parallel.
    """
    from landscape_app.engine.race_process import prewarm

    prewarm()
    import torch._dynamo  # noqa: F401

    import landscape_app.core.optim  # noqa: F401  (every optimizer; imports torch)
    import landscape_app.gui.live.controller  # noqa: F401
    import landscape_app.gui.panels.landscape_panel  # noqa: F401
    import landscape_app.gui.panels.optimizer_panel  # noqa: F401
    return device_status()


def device_status() -> tuple[str, str]:
    """The status bar's device name and, when ``auto`` passed a GPU over, a notice why."""
    from landscape_app.core.device import describe_device, pick_device

    try:
        choice = pick_device("auto")
        name = describe_device(choice.device)
    except Exception as error:  # noqa: BLE001 - the window works without a GPU
        return "CPU", f"The GPU could not be queried ({type(error).__name__}: {error}); " \
                      "computing on the CPU."
    if choice.note:
        return name, f"Computing on the {name}: {choice.note}."
    return name, ""


class CoreLoader(QObject):
    """Runs :func:`import_core` in a thread; ``loaded(device, notice)`` or ``failed(message)``."""

    loaded = Signal(str, str)
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
            device, notice = import_core()
        except Exception as error:  # noqa: BLE001 - shown in the window instead of a traceback
            self.failed.emit(f"{type(error).__name__}: {error}")
        else:
            self.loaded.emit(device, notice)
