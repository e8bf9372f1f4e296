"""Domain errors that carry reasons per field; views turn them into form errors."""

from __future__ import annotations


class DomainError(Exception):
    """Something the user asked for cannot be done; `message` is already translated."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input was rejected; `errors` maps form field names to translated reasons."""

    def __init__(self, errors: dict[str, list[str] | str], message: str = ""):
        super().__init__(message)
        self.errors = {k: [v] if isinstance(v, str) else list(v) for k, v in errors.items()}


class NotFound(DomainError):
    """The record does not exist or the actor may not know that it exists."""


class StaleVersion(DomainError):
    """Someone else saved the record since the form was loaded."""

    def __init__(self, current=None):
        super().__init__("")
        self.current = current
