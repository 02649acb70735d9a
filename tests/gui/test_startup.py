"""The first paint must not wait for torch: the window's modules import without it."""

import subprocess
import sys


def test_the_window_module_imports_without_torch():
    code = ("import sys\nimport landscape_app.gui.app, landscape_app.gui.main_window\n"
            "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "NO-TORCH"
