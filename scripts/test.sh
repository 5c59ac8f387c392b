#!/usr/bin/env bash
# Installs Omnigate and its test tools into ./.venv, then runs every check CI runs:
# lint, type check, the schema contract, and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test,demo,bench]'
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/lint-imports --no-cache > /dev/null || .venv/bin/lint-imports --no-cache
if [ -f ../shared/tools/check_schema_contract.py ]; then
  .venv/bin/python ../shared/tools/check_schema_contract.py schema.graphql
fi
# Debian packages the tests need, installed only as root; the package lists are fetched once per run.
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > /dev/null
}
# --- GraphiQL browser test (tests/test_ide_browser.py) ---
# Playwright drives Debian's Chromium: its own browser download needs a network we do not have.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "test.sh: installing Debian's chromium for the GraphiQL browser test"
    apt_install chromium
  else
    echo "test.sh: /usr/bin/chromium is missing and only root can install it: apt-get install chromium" >&2
  fi
fi
export TESTS_REQUIRE_CHROMIUM=1  # the browser test fails rather than skips without it
# --- end of the GraphiQL browser test block ---
# --- real clients (issue 9): Node.js and the npm packages locked in tests/clients/ ---
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
    echo "test.sh: the client tests need Node.js and npm, and only root can install them: apt-get install nodejs npm" >&2
    exit 1
  fi
  echo "test.sh: installing Debian's nodejs and npm for the client tests"
  apt_install nodejs npm
fi
npm ci --prefix tests/clients --no-audit --no-fund --loglevel=error
npm ci --prefix bench/load --no-audit --no-fund --loglevel=error  # autocannon, for the benchmark's smoke test
npm ci --prefix bench/peer --no-audit --no-fund --loglevel=error  # the GraphQL Mesh peer (bench/mesh.py)
export OMNIGATE_NODE_CLIENTS=required  # tests/node_clients.py: fail rather than skip
# --- end real clients ---
# --- shared state (issue 14): Debian's redis-server, started by tests/redis_server.py on a free loopback port ---
if ! command -v redis-server > /dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
    echo "test.sh: the Redis tests need redis-server, and only root can install it: apt-get install redis-server" >&2
    exit 1
  fi
  echo "test.sh: installing Debian's redis-server for the replica tests"
  apt_install redis-server
fi
export TESTS_REQUIRE_REDIS=1  # tests/redis_server.py: fail rather than skip
# --- end shared state ---
# --- PostgreSQL ledger (issue 14): Debian's server, started by the tests themselves (tests/postgres.py) ---
if ! ls /usr/lib/postgresql/*/bin/pg_ctl > /dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
    echo "test.sh: the PostgreSQL ledger tests need Debian's postgresql, and only root can install it: apt-get install postgresql" >&2
    exit 1
  fi
  echo "test.sh: installing Debian's postgresql for the ledger tests"
  apt_install postgresql
fi
export TESTS_REQUIRE_POSTGRES=1  # tests/postgres.py: fail rather than skip
# --- end PostgreSQL ledger ---
.venv/bin/python -m pytest -q "$@"
