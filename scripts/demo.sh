#!/usr/bin/env bash
# Sætter alt op og kører hovedjobbet på den medfølgende eksempelkommune: tjek data og lav uddelingsark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_chromium.sh  # til PDF-udgaven af uddelingsarkene
.venv/bin/labkit check sample_data
.venv/bin/labkit render sample_data
