#!/usr/bin/env bash
# Install everything the tests need into .venv, then lint and run the whole test suite.
# Usage: bash tools/test.sh [extra pytest arguments]
# On a Debian/Ubuntu machine run as root, it first installs the system libraries Qt and Xvfb
# need (see tools/system-packages.txt). CI runs exactly this script (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    missing=$(xargs -a tools/system-packages.txt -n1 sh -c 'dpkg -s "$0" >/dev/null 2>&1 || echo "$0"')
    if [ -n "$missing" ]; then
        echo "== installing system packages: $(echo $missing | tr '\n' ' ')"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
    fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# The CPU build of torch first (it lies on this image's disk; a bare `torch` would resolve to a
# multi-GB CUDA build), then the project: its `torch>=2.4` is then already satisfied.
.venv/bin/pip install -q --no-compile --disable-pip-version-check torch==2.13.0
.venv/bin/pip install -q --no-compile --disable-pip-version-check -e ".[test,bench]"
# Byte-compile the environment once, in parallel (installing with --no-compile is twice as
# fast). Without .pyc files, and with PYTHONDONTWRITEBYTECODE set as on CI, every process
# would recompile torch (10–20 s per test process). A few third-party test files are not
# Python 3 and fail to compile; that is harmless, hence `|| true`.
site=$(.venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
.venv/bin/python -m compileall -q -j 0 "$site" >/dev/null || true

echo "== ruff"
.venv/bin/ruff check landscape_app tests bench tools packaging
echo "== import rules (core, state and export never import Qt)"
.venv/bin/lint-imports

echo "== core, state, export and CLI tests, with Qt made unimportable"
.venv/bin/python tools/pytest_without_qt.py --ignore=tests/gui -q "$@"
# Sums run in another order with another thread count: the tests that compare a map with the
# single run, or a batched surface with per-point evaluation, run again on one thread (exit
# status 5: extra arguments such as -k selected none of them).
echo "== exactness and surface-equality tests again on one thread"
OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 .venv/bin/python tools/pytest_without_qt.py -q "$@" \
    tests/core/maps/test_exactness.py tests/core/maps/test_stopping.py \
    tests/core/maps/test_outcomes.py tests/core/maps/test_stochastic_maps.py \
    tests/core/maps/test_field.py tests/core/compare/test_exactness.py \
    tests/core/nn/test_surface.py tests/core/nn/test_models.py tests/core/nn/test_minibatch.py \
    tests/core/nn/test_out_of_memory.py tests/core/nn/test_seed_experiment.py \
    tests/core/usermodel/test_surface.py tests/core/usermodel/test_map_cells.py \
    tests/core/maps/test_map_sharpness.py tests/core/test_closed_form_gradients.py \
    || [ $? = 5 ]
echo "== window tests (offscreen Qt)"
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest --no-xvfb -m "not gl" -q tests/gui "$@"
echo "== OpenGL tests (Xvfb, xcb)"
QT_QPA_PLATFORM=xcb .venv/bin/python -m pytest -m gl -q tests/gui "$@"
