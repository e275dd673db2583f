#!/usr/bin/env bash
# Sætter alt op (Python-miljø og chromium til browsertesten) og kører hele testsuiten.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/install_chromium.sh
.venv/bin/python -m pytest "$@"
