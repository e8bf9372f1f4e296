"""The export's files: JSON written row by row, and a PDF per language.

The JSON follows caseapp/privacy/export_schema.json (docs/data-protection.md): the top level
is written first, then each kind of record as an array whose rows are written one at a time,
so memory stays bounded whatever the number of rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from flask_babel import force_locale

from caseapp.core.clock import utcnow
from caseapp.i18n import _, format_day, has_rtl, ngettext
from caseapp.privacy.export.labels import FIELDS
from caseapp.privacy.registry import Holding

SCHEMA = "lotse-privacy-export/1"
FONTS = Path(__file__).resolve().parents[2] / "fonts"


def write_json(out: IO[str], header: dict, sections: Iterable[tuple[Holding, Iterator[dict]]]):
    """Write the export as JSON to `out`, one row at a time; returns {kind: rows}."""
    counts: dict[str, int] = {}
    head = json.dumps({"schema": SCHEMA, **header}, ensure_ascii=False)
    out.write(head[:-1] + ', "records": {')
    for index, (h, rows) in enumerate(sections):
        out.write(("," if index else "") + f"\n{json.dumps(h.kind)}: [")
        n = 0
        for row in rows:
            out.write(("," if n else "") + "\n  " + json.dumps(row, ensure_ascii=False))
            n += 1
        out.write("]")
        counts[h.kind] = n
    out.write("\n}}\n")
    return counts


def _text(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items() if _text(v))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


class PdfWriter:
    """One PDF in `language`: a title page, then each kind of record as a section.

    A section shows at most `max_rows` entries (CASEAPP_EXPORT_PDF_MAX_ROWS, 1,000 by
    default) and then says how many more the JSON file beside it holds: a PDF of ten thousand
    consultations would take many minutes to typeset and nobody could read it."""

    def __init__(self, language: str, max_rows: int = 1000):
        from fpdf import FPDF

        self.language = language
        self.max_rows = max_rows
        self.rtl = language == "ar"
        self.align = "R" if self.rtl else "L"
        pdf = FPDF(format="A4")
        pdf.set_creator("Lotse")
        pdf.set_lang(language)
        pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(True, 15)
        self.pdf = pdf
        self._shaped: bool | None = None
        self._widths: dict[tuple, float] = {}

    def _shaping(self, text: str) -> None:
        # HarfBuzz only where it is needed (Arabic page or Arabic text): shaping every line of
        # ten thousand consultations would take minutes.
        wanted = self.rtl or has_rtl(text)
        if wanted != self._shaped:
            if wanted:
                self.pdf.set_text_shaping(
                    use_shaping_engine=True,
                    direction="rtl" if self.rtl else None,
                    script="arab" if self.rtl else None,
                    language=self.language,
                )
            else:
                self.pdf.set_text_shaping(False)
            self._shaped = wanted

    def line(self, text: str, size: int = 10, style: str = "", gap: float = 5) -> None:
        """A paragraph, wrapped at word boundaries by cached word widths and written line by
        line with cell(): fpdf2's multi_cell measures every prefix of a line again and took
        seconds per hundred consultations."""
        if not text:
            return
        self._shaping(text)
        self.pdf.set_font("DejaVu", style, size)
        for part in self._wrap(text, style, size):
            self.pdf.cell(0, gap, part, align=self.align, new_x="LMARGIN", new_y="NEXT")

    def _width(self, word: str, style: str, size: int) -> float:
        key = (word, style, size)
        width = self._widths.get(key)
        if width is None:
            width = self.pdf.get_string_width(word, normalized=False)
            if len(self._widths) < 50_000:
                self._widths[key] = width
        return width

    def _wrap(self, text: str, style: str, size: int):
        # Shaped Arabic can be a little wider than its letters measured one by one.
        room = self.pdf.epw * (0.9 if self._shaped else 0.98)
        space = self._width(" ", style, size)
        for paragraph in text.split("\n"):
            line, used = [], 0.0
            for word in paragraph.split(" "):
                width = self._width(word, style, size)
                while width > room and not line:  # one word longer than the line: cut it
                    cut = max(1, int(len(word) * room / width))
                    yield word[:cut]
                    word = word[cut:]
                    width = self._width(word, style, size)
                if line and used + space + width > room:
                    yield " ".join(line)
                    line, used = [], 0.0
                used += (space if line else 0) + width
                line.append(word)
            if line:
                yield " ".join(line)

    def write(self, header: dict, sections: Iterable[tuple[Holding, Iterator[dict]]]) -> bytes:
        pdf = self.pdf
        with force_locale(self.language):
            title = _("Your data at Lotse")
            pdf.set_title(title)
            pdf.add_page()
            self.line(title, 18, "B", 9)
            self.line(
                _(
                    "This is a copy of everything Lotse holds about you (art. 15 GDPR), made on %(date)s.",
                    date=format_day(utcnow(), "long"),
                )
            )
            self.line(_("Case number") + ": " + ", ".join(header["case_numbers"]))
            if not header.get("staff_names"):
                self.line(_("Staff names are not shown; you see the office and the role instead."))
            for h, rows in sections:
                self._section(h, rows)
            return bytes(pdf.output())

    def _section(self, h: Holding, rows: Iterator[dict]) -> None:
        self.pdf.ln(3)
        self.line(str(h.label), 13, "B", 7)
        shown = 0
        more = 0
        for row in rows:
            if shown >= self.max_rows:
                more += 1
                continue
            shown += 1
            parts = []
            for key, value in row.items():
                text = _text(value)
                if text and key != "id":
                    parts.append(f"{FIELDS.get(key, key)}: {text}")
            self.line(" · ".join(parts), 9, "", 4.5)
            self.pdf.ln(1)
        if more:
            self.line(
                ngettext(
                    "%(num)d more entry is in the JSON file of this copy.",
                    "%(num)d more entries are in the JSON file of this copy.",
                    more,
                ),
                9,
                "B",
                4.5,
            )
        if not shown:
            self.line(_("None."), 9, "", 4.5)
