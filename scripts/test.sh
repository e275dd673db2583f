#!/usr/bin/env bash
# Sætter alt op og kører hele testsuiten.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/python -m pytest "$@"
