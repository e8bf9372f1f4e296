"""URL pieces shared by every blueprint."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# The largest id a database integer column holds (PostgreSQL `integer`, SQLite is wider).
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that does not match values beyond MAX_ID, so /people/10^20 is a plain 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
