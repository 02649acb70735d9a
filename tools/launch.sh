#!/usr/bin/env bash
# Install Loss Landscape Lab into .venv (first run only) and launch it.
# Usage: bash tools/launch.sh [landscape-app arguments]   e.g. bash tools/launch.sh gui --scene adam-vs-sgd
#   PYTHON=python3.12 bash tools/launch.sh    make .venv with that interpreter (Python >= 3.11)
#   LAUNCH_DRY_RUN=1 bash tools/launch.sh     print the install commands instead of running them
# torch: with an NVIDIA driver (nvidia-smi on the PATH) pip's default index, i.e. the CUDA build
# on Linux. Without one, on Linux, torch 2.13.0 from PyTorch's CPU-only index (a few hundred MB
# instead of several GB); if that index cannot be reached, torch 2.13.0 from the default index
# (on Linux that is the CUDA build, unless pip is configured with a local CPU wheel). On macOS and
# Windows the default index's torch is the CPU (and MPS) build already.
# Before installing anything, when the window would open: are Qt's X11 libraries there?
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
TORCH_VERSION=2.13.0
TORCH_CPU_INDEX=${TORCH_CPU_INDEX:-https://download.pytorch.org/whl/cpu}

run() {
    if [ -n "${LAUNCH_DRY_RUN:-}" ]; then echo "+ $*"; else "$@"; fi
}

new_enough() {  # new_enough PYTHON: is it an interpreter of Python >= 3.11?
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

if ! new_enough "$PY"; then
    if version=$("$PY" -V 2>&1); then
        what="'$PY' is $version"
    elif command -v "$PY" >/dev/null 2>&1; then
        what="'$PY' is on the PATH but does not run (a pyenv shim of a version not selected?)"
    else
        what="there is no '$PY' on the PATH"
    fi
    found=""
    for candidate in python3.14 python3.13 python3.12 python3.11 python3 python; do
        if [ "$candidate" != "$PY" ] && new_enough "$candidate"; then found=$candidate; break; fi
    done
    if [ -n "$found" ]; then
        hint="this one is: PYTHON=$found bash tools/launch.sh"
    else
        hint="none was found on the PATH: install Python 3.11 or newer, then name it with PYTHON=..."
    fi
    echo "launch.sh: Python >= 3.11 is needed; $what; $hint" >&2
    exit 2
fi

case "${1:-gui}" in
    run | surface | export | list | seed-experiment | -h | --help | --version) ;;
    *) "$PY" -m landscape_app.cli.qt_libraries || exit 2 ;;  # prints the apt command
esac

reachable() {  # reachable URL: can the index be read within 10 s?
    "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10)' \
        "$1" >/dev/null 2>&1
}

[ -x .venv/bin/python ] || run "$PY" -m venv .venv
if ! .venv/bin/python -c "import landscape_app, torch, PySide6" 2>/dev/null; then
    if command -v nvidia-smi >/dev/null 2>&1; then
        run .venv/bin/pip install -q "torch>=2.4"
    elif [ "$(uname -s)" = Linux ] && reachable "$TORCH_CPU_INDEX/torch/"; then
        echo "launch.sh: no NVIDIA driver: torch $TORCH_VERSION CPU build from $TORCH_CPU_INDEX" >&2
        run .venv/bin/pip install -q "torch==$TORCH_VERSION" --index-url "$TORCH_CPU_INDEX"
    else
        [ "$(uname -s)" = Linux ] && echo "launch.sh: $TORCH_CPU_INDEX cannot be reached;" \
            "torch $TORCH_VERSION from the default index" >&2
        run .venv/bin/pip install -q "torch==$TORCH_VERSION" || run .venv/bin/pip install -q "torch>=2.4"
    fi
    run .venv/bin/pip install -q -e .
fi
run exec .venv/bin/landscape-app "$@"
