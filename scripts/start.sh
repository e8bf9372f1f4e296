#!/usr/bin/env bash
# Command 1: install Lotse, create the SQLite database with demo data and start it (gunicorn and
# the background worker; Ctrl+C stops both).
# Installs from requirements.lock (hashes checked), and only when pyproject.toml or the lock
# changed since the last install; leaves .env (local settings) for the README's flask commands.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-5000}"

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
  echo "Installing Lotse from $lock into .venv ..."
  .venv/bin/pip install --quiet --require-hashes -r "$lock"
  .venv/bin/pip install --quiet --no-deps --editable .
  if ! .venv/bin/pip check >/dev/null; then
    .venv/bin/pip check >&2 || true
    echo "$lock does not fit pyproject.toml: regenerate the locks (README, Dependencies)." >&2
    exit 1
  fi
  echo "$want" >"$stamp"
}
install_locked requirements.lock

# Local settings, read by `flask --app wsgi …` (python-dotenv) and by wsgi.py; variables set in
# the environment win. A stable random key, so sessions survive a restart.
if [ ! -f .env ] || ! grep -q '^CASEAPP_SECRET_KEY=' .env; then
  if [ -s instance/secret_key ]; then # where earlier versions of this script kept it
    secret="$(cat instance/secret_key)"
  else
    secret="$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')"
  fi
  (
    umask 077
    if [ ! -f .env ]; then
      printf '%s\n' \
        "# Local settings for a trial of Lotse, written by scripts/start.sh. Keep it private" \
        "# (git-ignored). On a server set the variables in the environment instead." \
        "CASEAPP_ENV=development" >.env
    elif [ -n "$(tail -c 1 .env)" ]; then
      echo >>.env
    fi
    echo "CASEAPP_SECRET_KEY=$secret" >>.env
  )
fi

# The key that encrypts notes and referral messages (docs/security.md, Encryption at rest).
if ! grep -q '^CASEAPP_DATA_KEYS=' .env; then
  [ -z "$(tail -c 1 .env)" ] || echo >>.env
  echo "CASEAPP_DATA_KEYS=$(.venv/bin/python -c \
    'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" >>.env
fi

flask() { .venv/bin/flask --app wsgi "$@"; }
if ! output="$(flask translate compile 2>&1)"; then
  echo "$output" >&2
  exit 1
fi
flask db upgrade
flask seed-demo
echo
echo "Lotse runs at http://127.0.0.1:${PORT}/  (stop with Ctrl+C)"

# The background worker (jobs, outbox delivery, reminders, overdue referrals) runs beside
# gunicorn. Each runs in a process group of its own (set -m), so Ctrl+C reaches this script
# only, which then stops each exactly once: the worker finishes the job it runs (SIGINT),
# gunicorn its requests (SIGTERM). When either ends by itself, the other is stopped too.
set -m
.venv/bin/flask --app wsgi jobs worker & # not the flask() function: $! must be the worker itself
worker=$!
.venv/bin/gunicorn --workers "${WORKERS:-2}" --bind "127.0.0.1:${PORT}" --access-logfile - wsgi:app &
web=$!
stopped=0
stop_both() {
  [ "$stopped" = 1 ] && return
  stopped=1
  kill -TERM "$web" 2>/dev/null || true
  kill -INT "$worker" 2>/dev/null || true
}
trap 'stop_both' INT TERM
status=0
wait -n "$web" "$worker" || status=$?
stop_both
wait "$web" "$worker" 2>/dev/null || true
exit "$status"
