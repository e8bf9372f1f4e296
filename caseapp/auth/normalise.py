"""Normalising e-mail addresses used as logins."""

import unicodedata


def normalise_email(value: str) -> str:
    """NFC, trimmed and case-folded; the Turkish dotted capital İ folds to a plain i.

    Python's casefold turns "İ" into "i̇" (i + combining dot); logins typed on a Turkish
    keyboard must still match, so the combining dot after i is dropped.
    """
    value = unicodedata.normalize("NFC", value.strip()).casefold()
    return value.replace("i\u0307", "i")
