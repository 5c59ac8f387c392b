#!/usr/bin/env bash
# Installs Omnigate into ./.venv and runs the gateway on its embedded demo back offices.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[demo]'
exec .venv/bin/omnigate demo "$@"
