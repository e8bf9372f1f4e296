"""Wires the API into the app: its OpenAPI document, settings and the administration menu."""

from __future__ import annotations

from caseapp.api.core import Api, IdConverter, api_v1
from caseapp.i18n import _l
from caseapp.web import nav
from caseapp.web.urls import MAX_ID


def init_app(app) -> None:
    app.config.setdefault("API_REQUESTS_PER_MINUTE", 300)
    api = Api(
        app,
        config_prefix="LOTSE_API",  # nothing of flask-smorest's own pages or handlers
        spec_kwargs={
            "title": "Lotse API",
            "version": "1",
            "openapi_version": "3.1.0",
            "info": {
                "description": "Case management, referrals, appointments and volunteering "
                "for municipal integration offices. Authenticate with "
                "`Authorization: Bearer <token>`; errors are application/problem+json."
            },
            "security": [{"bearerToken": []}],
        },
    )
    api.register_converter(
        IdConverter, lambda _c: {"type": "integer", "minimum": 0, "maximum": MAX_ID}
    )
    api.spec.components.security_scheme("bearerToken", {"type": "http", "scheme": "bearer"})
    api_v1.register_views_in_doc(api, app, api.spec, name=api_v1.name, parameters=None)
    api.spec.tag({"name": "directory", "description": "Offices and services"})
    app.extensions["lotse_api"] = api
    nav.register(nav.NavItem("api.tokens_index", _l("API tokens"), roles=("admin",), menu="admin"))
