"""Wiring of the privacy package: configuration, menu entries, audit labels."""

from __future__ import annotations

import os

from caseapp.audit.models import ACTION_LABELS, RECORD_TYPE_LABELS
from caseapp.i18n import _l
from caseapp.web import nav


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def init_app(app) -> None:
    # Staff names in an export (art. 15): withheld by default (docs/data-protection.md).
    app.config.setdefault("EXPORT_STAFF_NAMES", _flag("CASEAPP_EXPORT_STAFF_NAMES", False))
    app.config.setdefault(
        "EXPORT_PDF_MAX_ROWS", int(os.environ.get("CASEAPP_EXPORT_PDF_MAX_ROWS") or 1000)
    )
    ACTION_LABELS.setdefault("privacy_export", _l("data exported (copy for the person)"))
    ACTION_LABELS.setdefault("export.request", _l("copy of the data requested"))
    ACTION_LABELS.setdefault("erasure.request", _l("erasure requested"))
    ACTION_LABELS.setdefault("erasure.confirm", _l("erasure confirmed"))
    ACTION_LABELS.setdefault("erasure.reject", _l("erasure rejected"))
    ACTION_LABELS.setdefault("legal_hold.set", _l("legal hold set"))
    ACTION_LABELS.setdefault("legal_hold.lift", _l("legal hold lifted"))
    ACTION_LABELS.setdefault("retention_rules", _l("retention rules changed"))
    RECORD_TYPE_LABELS.setdefault("retention", _l("Retention"))
    nav.register(
        nav.NavItem(
            "privacy.requests",
            _l("Data protection"),
            roles=("caseworker", "data_protection"),
            menu="main",
            order=90,
        )
    )
    nav.register(nav.NavItem("privacy.requests", _l("Data protection"), menu="admin", order=90))
    # The consent passport, beside "My appointments" in the newcomer's top bar.
    nav.register(nav.NavItem("privacy.passport", _l("My data"), roles=("newcomer",), order=10))
    nav.register(
        nav.NavItem(
            "privacy.retention_rules", _l("Retention"), roles=("data_protection",), order=91
        )
    )
    nav.register(nav.NavItem("privacy.retention_rules", _l("Retention"), menu="admin", order=91))
