"""Encryption at rest and the audit chain join the application (see caseapp/features.py)."""

from __future__ import annotations

import logging

from flask import render_template

from caseapp.crypto.keys import DataKeyError

log = logging.getLogger(__name__)


def init_app(app) -> None:
    from caseapp.audit import chain
    from caseapp.crypto import types

    types.install()
    chain.install()

    @app.errorhandler(DataKeyError)
    def undecryptable(error):
        # The operator's log gets the one line; the page never shows a token as if it were text.
        from caseapp.extensions import db
        from caseapp.i18n import _

        db.session.rollback()
        log.error("Lotse: %s", error)
        message = _(
            "Stored notes cannot be read with the configured keys. Please tell your administrator."
        )
        title = _("Something went wrong")
        return render_template("errors/error.html", code=500, title=title, message=message), 500
