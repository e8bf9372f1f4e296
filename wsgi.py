"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi ...`.

Settings come from the environment. `.env` beside this file (written by scripts/start.sh for a
local trial, git-ignored) fills in what the environment leaves unset; the flask command reads it
too, Flask's own convention. A configuration error is one line on stderr, not a traceback.
"""

import sys
from pathlib import Path

from dotenv import load_dotenv

from caseapp.app import create_app
from caseapp.config import ConfigError

load_dotenv(Path(__file__).with_name(".env"), override=False)

try:
    app = create_app()
except ConfigError as error:
    print(f"Lotse: configuration error: {error}", file=sys.stderr)
    # gunicorn shuts down when a worker exits with 4 ("App failed to load"); with any other
    # status it would start the worker again and again.
    raise SystemExit(4 if "gunicorn" in sys.modules else 2) from None
