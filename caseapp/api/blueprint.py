"""The API's blueprints: `api_v1` (the operations, token only) and `bp` (the token pages for
administrators, the description and its page)."""

from __future__ import annotations

from flask import Blueprint

from caseapp.api import problems
from caseapp.api.core import api_v1
from caseapp.extensions import csrf

bp = Blueprint("api", __name__)

import caseapp.api.resources  # noqa: E402, F401 - registers the operations on api_v1
from caseapp.api import views  # noqa: E402 - the pages, and the catch-all exempted below

problems.register(api_v1)
# Requests carry a bearer token and no cookie: there is no session for a CSRF token to guard.
csrf.exempt(api_v1)
csrf.exempt(views.not_found)

extra_blueprints = (api_v1,)
