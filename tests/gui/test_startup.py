"""The first paint must not wait for torch: the window's modules import without it."""

import subprocess
import sys


def test_the_window_module_imports_without_torch():
    code = ("import sys\nimport landscape_app.gui.app, landscape_app.gui.main_window\n"
            "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "NO-TORCH"


def test_a_gpu_that_cannot_start_leaves_the_window_working_on_the_cpu(broken_gpu, qtbot,
                                                                      warm_engine):
    """CUDA reported present, but its first allocation fails (as on this CPU build of torch):
    the window loads fully, computes on the CPU and says why."""
    from landscape_app.gui.main_window import MainWindow

    main = MainWindow()
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.coreReady, timeout=60_000):
        main.show()
    assert main.status.device.text() == "device: CPU (GPU unavailable)"
    assert main.status.device.toolTip().startswith("Computing on the CPU: CUDA could not "
                                                  "start: ")
    message = main.statusBar().currentMessage()
    assert "Computing on the CPU: CUDA could not start" in message
    qtbot.waitUntil(lambda: main.controller.grid is not None, timeout=30_000)
    main.close()
