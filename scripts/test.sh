#!/usr/bin/env bash
# Command 2: install the test dependencies from requirements-test.lock (hashes checked; only when
# pyproject.toml or the lock changed), then run lint, the catalog check and the test suite.
# Extra arguments go to pytest (for example a test path). TEST_DATABASE_URL selects PostgreSQL.
# Without Chromium: pass -m "not browser" or set LOTSE_SKIP_BROWSER=1.
set -euo pipefail
cd "$(dirname "$0")/.."

# Install (again) only when pyproject.toml or the lock changed; LOTSE_REINSTALL=1 forces it.
install_locked() {
  local lock="$1"
  local stamp=".venv/.lotse-${lock%.lock}.sha256"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  local want
  want="$(cat pyproject.toml "$lock" | .venv/bin/python -c \
    'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
  if [ "${LOTSE_REINSTALL:-0}" != 1 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return
  fi
  echo "Installing Lotse and its test tools from $lock into .venv ..."
  .venv/bin/pip install --quiet --require-hashes -r "$lock"
  .venv/bin/pip install --quiet --no-deps --editable .
  if ! .venv/bin/pip check >/dev/null; then
    .venv/bin/pip check >&2 || true
    echo "$lock does not fit pyproject.toml: regenerate the locks (README, Dependencies)." >&2
    exit 1
  fi
  echo "$want" >"$stamp"
}
install_locked requirements-test.lock

# The browser journeys need Debian's chromium. They are left out with LOTSE_SKIP_BROWSER=1 or
# when the caller deselects them (-m "not browser"); then chromium is neither needed nor installed.
skip_browser="${LOTSE_SKIP_BROWSER:-0}"
marker_given=0
previous=""
for arg in "$@"; do
  expression=""
  if [ "$previous" = "-m" ]; then
    expression="$arg"
  elif [[ "$arg" == -m?* ]]; then
    expression="${arg#-m}"
  fi
  if [ "$previous" = "-m" ] || [[ "$arg" == -m?* ]]; then
    marker_given=1
  fi
  if [[ "$expression" == *"not browser"* ]]; then
    skip_browser=1
  fi
  previous="$arg"
done
pytest_args=("$@")
if [ "${LOTSE_SKIP_BROWSER:-0}" = 1 ] && [ "$marker_given" = 0 ]; then
  pytest_args+=(-m "not browser")
fi

if [ "$skip_browser" != 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium for the browser tests ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    echo "(or leave them out: bash scripts/test.sh -m \"not browser\")" >&2
    exit 1
  fi
fi

export CASEAPP_ENV=testing
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/flask --app wsgi translate compile >/dev/null
.venv/bin/flask --app wsgi translate check
.venv/bin/python -m pytest ${pytest_args[@]+"${pytest_args[@]}"}
