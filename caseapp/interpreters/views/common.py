"""Shared by the interpreter views."""

from __future__ import annotations

from flask import flash

from caseapp.auth.roles import Role

COORDINATION = (Role.COORDINATOR, Role.ADMIN)


def flash_refusal(form) -> None:
    """A button form's reasons (there is no field to show them on) as a warning."""
    for messages in form.errors.values():
        for message in messages:
            if isinstance(message, str):
                flash(message, "warning")
