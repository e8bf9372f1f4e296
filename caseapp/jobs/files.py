"""Files a job reads or makes (an uploaded spreadsheet, a prepared report), kept in the
queue's key-value store: the worker on another machine reads what a web instance stored
(Redis), both survive a restart of the web processes, and no table is needed.

    files.put(huey, files.key("upload", job_id), raw, secret=True)
    raw = files.get(huey, files.key("upload", job_id), secret=True)   # None when gone
    files.delete(huey, files.key("upload", job_id))

Contents are compressed; `secret=True` also encrypts them with the data keys
(CASEAPP_DATA_KEYS), so personal data in the queue's storage is no more readable than in the
database. The store raises UNAVAILABLE_ERRORS when it cannot be reached.
"""

from __future__ import annotations

import base64
import zlib

from huey import Huey

from caseapp.crypto.keys import current_keyring


def key(what: str, job_id: int, name: str = "") -> str:
    return f"lotse.file.{what}.{job_id}" + (f".{name}" if name else "")


def put(huey: Huey, name: str, content: bytes, *, secret: bool = False) -> None:
    packed = zlib.compress(content, 6)
    if secret:
        packed = current_keyring().encrypt(base64.b64encode(packed).decode("ascii")).encode()
    huey.put(name, packed)


def get(huey: Huey, name: str, *, secret: bool = False) -> bytes | None:
    packed = huey.get(name, peek=True)
    if packed is None:
        return None
    if secret:
        packed = base64.b64decode(current_keyring().decrypt(packed.decode("ascii")))
    return zlib.decompress(packed)


def delete(huey: Huey, name: str) -> None:
    huey.delete(name)
