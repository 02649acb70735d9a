#!/usr/bin/env bash
# Install Loss Landscape Lab into .venv (first run only) and launch it.
# Usage: bash tools/launch.sh [landscape-app arguments]   e.g. bash tools/launch.sh --scene adam-vs-sgd
# With an NVIDIA driver present, pip gets torch's default (CUDA) build; without one, the
# CPU build of torch 2.13.0 (a few hundred MB instead of several GB).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
if ! .venv/bin/python -c "import landscape_app, torch, PySide6" 2>/dev/null; then
    if command -v nvidia-smi >/dev/null 2>&1; then
        .venv/bin/pip install -q "torch>=2.4"
    else
        .venv/bin/pip install -q torch==2.13.0 || .venv/bin/pip install -q "torch>=2.4"
    fi
    .venv/bin/pip install -q -e .
fi
exec .venv/bin/landscape-app "$@"
