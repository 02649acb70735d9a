"""``tools/launch.sh`` picks the right torch build, in its dry-run mode (nothing installed).

The script runs for real on a copy of itself, with PyTorch's CPU index replaced by a local
HTTP server (reachable) or a closed port (unreachable).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the CPU index is used on Linux only")
SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "launch.sh"


def launch(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run a copy of launch.sh in an empty checkout (no .venv) with LAUNCH_DRY_RUN=1."""
    (tmp_path / "tools").mkdir(exist_ok=True)
    shutil.copy(SCRIPT, tmp_path / "tools" / "launch.sh")
    environ = {**os.environ, "LAUNCH_DRY_RUN": "1", "PYTHON": sys.executable, **env}
    return subprocess.run(["bash", str(tmp_path / "tools" / "launch.sh"), *args], env=environ,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def no_driver_path(tmp_path) -> str:
    """A PATH without nvidia-smi."""
    if shutil.which("nvidia-smi"):
        pytest.skip("this machine has an NVIDIA driver")
    return os.environ["PATH"]


def test_without_a_driver_torch_comes_from_the_cpu_index(tmp_path, no_driver_path):
    served = tmp_path / "index"
    (served / "torch").mkdir(parents=True)
    (served / "torch" / "index.html").write_text("<html></html>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=served)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    index = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        done = launch(tmp_path, "list", TORCH_CPU_INDEX=index, PATH=no_driver_path)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    assert f"+ .venv/bin/pip install -q torch==2.13.0 --index-url {index}" in done.stdout
    assert "+ exec .venv/bin/landscape-app list" in done.stdout


def test_an_unreachable_cpu_index_falls_back_to_the_default_index(tmp_path, no_driver_path):
    done = launch(tmp_path, "list", TORCH_CPU_INDEX="http://127.0.0.1:9", PATH=no_driver_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "+ .venv/bin/pip install -q torch==2.13.0" in lines
    assert "--index-url" not in done.stdout
    assert "cannot be reached" in done.stderr


def test_with_a_driver_pip_takes_its_default_cuda_build(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "nvidia-smi").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "nvidia-smi").chmod(0o755)
    done = launch(tmp_path, "list", PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert done.returncode == 0, done.stderr
    assert '+ .venv/bin/pip install -q torch>=2.4' in done.stdout


def test_a_missing_interpreter_is_refused_naming_one_that_works(tmp_path):
    done = launch(tmp_path, "list", PYTHON="python3.99")
    assert done.returncode == 2
    assert "'python3.99'" in done.stderr
    suggested = done.stderr.split("PYTHON=")[-1].split()[0]
    assert suggested != "python3.99"  # not the command that just failed
    version = subprocess.run([suggested, "-c", "import sys; print(sys.version_info >= (3, 11))"],
                             capture_output=True, text=True, timeout=30)
    assert version.stdout.strip() == "True"
    assert f"PYTHON={suggested} bash tools/launch.sh" in done.stderr


def test_an_old_interpreter_with_no_newer_one_says_to_install_one(tmp_path):
    """A PATH whose only Python is 3.9 (a stand-in script) and the tools the script needs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old = bin_dir / "python3"
    old.write_text("#!/bin/sh\ncase \"$1\" in -V) echo 'Python 3.9.2';; *) exit 1;; esac\n")
    old.chmod(0o755)
    for tool in ("bash", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    done = launch(tmp_path, "list", PYTHON="python3", PATH=str(bin_dir))
    assert done.returncode == 2
    assert "'python3' is Python 3.9.2" in done.stderr
    assert "install Python 3.11 or newer" in done.stderr and "PYTHON=python3 " not in done.stderr
