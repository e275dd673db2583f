#!/usr/bin/env bash
# Opretter .venv med labkit og dets afhængigheder. Brug: bash scripts/setup.sh [ekstra]
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "labkit kræver Python 3.11 eller nyere." >&2; exit 1; }
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# The distribution was called "labkit" before 0.2 (a name taken on PyPI): remove an old install of it.
.venv/bin/python -m pip uninstall --quiet --yes labkit >/dev/null 2>&1 || true
if [ -n "$extra" ]; then
  .venv/bin/python -m pip install --quiet -e ".[$extra]"
else
  .venv/bin/python -m pip install --quiet -e .
fi
# matplotlib builds its font list the first time it is imported; do it now, not in the first handout.
.venv/bin/python -c "import matplotlib.font_manager"
