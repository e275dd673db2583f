#!/usr/bin/env bash
# Sætter alt op og kører hovedjobbet på den medfølgende eksempelkommune.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/labkit check sample_data
