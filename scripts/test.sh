#!/usr/bin/env bash
# Command 2: install test dependencies, then run lint, the catalog check and the test suite.
# Extra arguments go to pytest (for example a test path). TEST_DATABASE_URL selects PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet --editable '.[test]'

if ! command -v chromium >/dev/null 2>&1 && [ "${LOTSE_SKIP_BROWSER:-0}" != 1 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium for the browser tests ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

export CASEAPP_ENV=testing
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/flask --app wsgi translate compile >/dev/null
.venv/bin/flask --app wsgi translate check
.venv/bin/python -m pytest "$@"
