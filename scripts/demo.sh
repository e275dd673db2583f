#!/usr/bin/env bash
# Sætter alt op og kører hovedjobbet på den medfølgende eksempelkommune: tjek data og lav uddelingsark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_chromium.sh  # til PDF-udgaven af uddelingsarkene
.venv/bin/labkit check sample_data
if .venv/bin/python -c "from labkit.handout.pdf import find_chromium; find_chromium()" 2>/dev/null; then
    .venv/bin/labkit render sample_data
else
    # Uden Chromium (ingen apt eller ingen administratorrettigheder): alt andet end PDF.
    echo "Chromium mangler, så uddelingsarkene laves uden PDF (HTML, Word og oversigten)."
    .venv/bin/labkit render sample_data --format html --format docx --format xlsx
fi
