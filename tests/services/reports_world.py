"""Moved to tests/factories/reports_world.py; this name stays importable for older imports."""

import sys

from tests.factories import reports_world as _moved

sys.modules[__name__] = _moved
