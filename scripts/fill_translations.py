"""Fill catalog entries from JSON files: {"msgid": {"de": "…", "ar": "…", "tr": "…"}}.

Plural entries: {"msgid": {"plural": "…", "de": ["one", "other"], "ar": [6 forms], …}}.
Run after `flask --app wsgi translate update`, which adds new msgids with empty msgstrs:

    .venv/bin/python scripts/fill_translations.py translations/new/*.json

Entries already translated are left alone unless --force is given. Unknown msgids are
reported (the string is not in the code yet, or its wording differs).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "translations"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    wanted: dict[str, dict] = {}
    for path in args.files:
        wanted.update(json.loads(path.read_text(encoding="utf-8")))
    unknown = set(wanted)
    for code in ("de", "ar", "tr"):
        po_path = ROOT / code / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=code)
        for message in catalog:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if key not in wanted or code not in wanted[key]:
                continue
            unknown.discard(key)
            done = all(message.string) if isinstance(message.string, tuple) else message.string
            if done and not args.force and "fuzzy" not in message.flags:
                continue
            value = wanted[key][code]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
        with po_path.open("wb") as fh:
            write_po(fh, catalog, width=76, omit_header=False, sort_output=True)
    for key in sorted(unknown):
        print(f"not in the catalogs: {key!r}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    raise SystemExit(main())
