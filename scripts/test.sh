#!/usr/bin/env bash
# Installs Omnigate and its test tools into ./.venv, then runs every check CI runs:
# lint, type check, the schema contract, and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check .
.venv/bin/mypy
if [ -f ../shared/tools/check_schema_contract.py ]; then
  .venv/bin/python ../shared/tools/check_schema_contract.py --reads-only schema.graphql
fi
.venv/bin/python -m pytest -q "$@"
