#!/usr/bin/env bash
# Executes every notebook in this folder headless, as CI does after the tests: a cell that raises
# fails the script. The runs default to those the tests write (spark-jobs/target/notebook-runs, from
# NotebookRunsTest); SHEARS_RUN, SHEARS_RUN_B and SHEARS_NIGHTLY_ROOT, when set, name others.
# The executed copies go to the folder given as the argument, else a new temporary one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
runs="$here/../spark-jobs/target/notebook-runs"
export SHEARS_RUN="${SHEARS_RUN:-$runs/run-a}"
export SHEARS_RUN_B="${SHEARS_RUN_B:-$runs/run-b}"
export SHEARS_NIGHTLY_ROOT="${SHEARS_NIGHTLY_ROOT:-$runs/nightly}"
# Debian's ipykernel on Python 3.11 otherwise warns about frozen modules at every kernel start
export PYDEVD_DISABLE_FILE_VALIDATION=1
# importing shears_runs would leave __pycache__ beside the notebooks
export PYTHONDONTWRITEBYTECODE=1
out="${1:-$(mktemp -d)}"
for notebook in "$here"/*.ipynb; do
  jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 --output-dir "$out" "$notebook"
done
echo "notebooks: all executed, in $out"
