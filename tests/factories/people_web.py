"""Builders shared by several test modules."""

from __future__ import annotations

import re

MARKER_STATUS = "MARKER-STREET-91c2"


def _register(actions, **overrides):
    form = {
        "given_name": "Mohammed",
        "family_name": "Al-Hassan",
        "original_name": "محمد الحسن",
        "birth_date": "1988-03-14",
        "sex": "m",
        "nationalities": ["SY"],
        "languages-0-code": "ar",
        "languages-0-level": "native",
        "languages-1-code": "de",
        "languages-1-level": "A2",
        "phone": "+49 171 2345678",
        "street": MARKER_STATUS,
        "residence_status": "recognised_refugee",
    }
    form.update(overrides)
    return actions.post("/people/new?lang=en", form)


def _person_id(response):
    return int(re.search(r"/people/(\d+)", response.headers["Location"]).group(1))
