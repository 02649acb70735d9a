"""Every benchmark script documents itself: ``python bench/NAME.py --help`` prints its usage
and exits 0, measuring nothing (the guide's contract: a command's ``--help`` documents it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: The scripts under bench/ that are benchmarks (resnet20_model.py is a model file they load).
SCRIPTS = sorted(path.name for path in (REPO / "bench").glob("*.py")
                 if path.name != "resnet20_model.py")


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_prints_the_usage_and_runs_nothing(script):
    done = subprocess.run([sys.executable, f"bench/{script}", "--help"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: {script}")
    assert "options:" in done.stdout
