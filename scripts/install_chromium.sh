#!/usr/bin/env bash
# Installerer Debians chromium til browsertesten, hvis den mangler (kræver root eller sudo).
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "chromium mangler, og der er ingen root-adgang: browsertesten springes over." >&2; exit 0; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
