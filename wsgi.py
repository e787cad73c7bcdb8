"""The one module-level app, for gunicorn (`gunicorn wsgi:app`) and the `flask` command (FLASK_APP=wsgi.py).

Like every `flask` command, it reads `.env` (and `.flaskenv`) from the working directory or above when one
exists, without overriding variables already set (FLASK_SKIP_DOTENV=1 turns that off), so the server and
`flask db upgrade` see the same settings. A setting the app cannot start with stops it with one line.
"""

import sys

from flask.cli import load_dotenv
from flask.helpers import get_load_dotenv

from campaign import create_app
from campaign.config import APP_LOAD_ERROR, ConfigError

if get_load_dotenv():
    load_dotenv()
try:
    app = create_app()
except ConfigError as exc:
    print(f"Kuchikomi cannot start: {exc}", file=sys.stderr)
    raise SystemExit(APP_LOAD_ERROR) from None
