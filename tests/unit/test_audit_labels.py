"""Every audit action and record type written by the code has a label on the audit page."""

from __future__ import annotations

import ast
from pathlib import Path

import caseapp

ROOT = Path(caseapp.__file__).parent


def _audit_calls():
    """(file, action, record_type) of every audit.record(actor, "action", "type", ...) call."""
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and len(node.args) >= 3
            ):
                action, record_type = node.args[1], node.args[2]
                yield (
                    path.relative_to(ROOT).as_posix(),
                    action.value if isinstance(action, ast.Constant) else None,
                    record_type.value if isinstance(record_type, ast.Constant) else None,
                )


def test_every_audited_action_and_record_type_has_a_label(app):
    from caseapp.audit.models import ACTION_LABELS, RECORD_TYPE_LABELS

    calls = list(_audit_calls())
    assert len(calls) > 40  # the scan finds the calls
    missing = sorted(
        {f"action {a} ({f})" for f, a, _t in calls if a is not None and a not in ACTION_LABELS}
        | {f"type {t} ({f})" for f, _a, t in calls if t is not None and t not in RECORD_TYPE_LABELS}
    )
    assert missing == []
