"""Feature packages that plug into the application through seams, without editing app.py.

Each name is a package under `caseapp/` that may have any of:
- `models.py`  — its tables (imported by `caseapp.models`, so migrations and tests see them);
- `blueprint.py` with `bp` (and optionally `extra_blueprints`, a tuple) — its pages;
- `setup.py` with `init_app(app)` — extensions, template helpers, job kinds, nav entries;
- `cli.py` with `register_cli(app)` — its `flask --app wsgi ...` commands;
- `periodic.py` with `PERIODIC`, a tuple of `caseapp.jobs.periodic.Periodic` — work the
  worker's scheduler runs (each also runnable as `flask --app wsgi jobs run NAME`);
- `demo.py` with `seed()` — its demo data, added after the core's (idempotent: creates
  only what is missing, as `flask --app wsgi seed-demo` may run twice).
"""

from __future__ import annotations

import importlib
import importlib.util

FEATURES = (
    "deadlines",
    "interpreters",
    "api",
    "partners",
    "feeds",
    "privacy",
    "handover",
    "crypto",
)


def _module(feature: str, name: str):
    full = f"caseapp.{feature}.{name}"
    if importlib.util.find_spec(full) is None:
        return None
    return importlib.import_module(full)


def import_models() -> None:
    for feature in FEATURES:
        _module(feature, "models")


def register_blueprints(app) -> None:
    for feature in FEATURES:
        module = _module(feature, "blueprint")
        if module is None:
            continue
        app.register_blueprint(module.bp)
        for extra in getattr(module, "extra_blueprints", ()):
            app.register_blueprint(extra)


def init_app(app) -> None:
    for feature in FEATURES:
        module = _module(feature, "setup")
        if module is not None:
            module.init_app(app)


def register_cli(app) -> None:
    for feature in FEATURES:
        module = _module(feature, "cli")
        if module is not None:
            module.register_cli(app)


def periodic_entries() -> tuple:
    entries: tuple = ()
    for feature in FEATURES:
        module = _module(feature, "periodic")
        if module is not None:
            entries += tuple(module.PERIODIC)
    return entries


def seed_demo() -> None:
    for feature in FEATURES:
        module = _module(feature, "demo")
        if module is not None:
            module.seed()
