#!/usr/bin/env bash
# Command 1: install Lotse, create the SQLite database with demo data and start it.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-5000}"
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet --editable .

export CASEAPP_ENV="${CASEAPP_ENV:-development}"
mkdir -p instance
if [ -z "${CASEAPP_SECRET_KEY:-}" ]; then
  # A stable random key for this checkout, so sessions survive a restart.
  [ -s instance/secret_key ] || .venv/bin/python -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key
  CASEAPP_SECRET_KEY="$(cat instance/secret_key)"
  export CASEAPP_SECRET_KEY
fi

flask() { .venv/bin/flask --app wsgi "$@"; }
flask translate compile >/dev/null 2>&1
flask db upgrade
flask seed-demo
echo
echo "Lotse runs at http://127.0.0.1:${PORT}/  (stop with Ctrl+C)"
exec .venv/bin/gunicorn --workers "${WORKERS:-2}" --bind "127.0.0.1:${PORT}" --access-logfile - wsgi:app
