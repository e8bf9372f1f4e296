"""The yearly integration report as a PDF (A4): title page, key figures against the year
before, the fields of action, one section per field of work with chart, table and
definitions, the barrier roll-up and the method note.

fpdf2 with HarfBuzz shaping and the shipped DejaVu fonts, as the appointment slips: Arabic is
joined and right to left (tables and charts mirrored), numbers stay left to right.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import format_date

from caseapp.i18n import _
from caseapp.reports import charts
from caseapp.reports.tables import Table
from caseapp.reports.yearly import YearlyReport, method_paragraphs

FONTS = Path(__file__).resolve().parent.parent / "fonts"
BLUE = (11, 79, 108)
LIGHT = (232, 240, 244)
GREY = (108, 117, 125)


def render(report: YearlyReport) -> bytes:
    from fpdf import FPDF

    rtl = report.language == "ar"
    title = _("Integration report %(year)s", year=report.year)

    class Document(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(*GREY)
            self.cell(0, 6, f"{title} · {self.page_no()}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = Document(format="A4")
    pdf.set_title(title)
    pdf.set_creator("Lotse")
    pdf.set_lang(report.language)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, 18)
    pdf.set_text_shaping(
        use_shaping_engine=True,
        direction="rtl" if rtl else "ltr",
        script="arab" if rtl else "latn",
        language=report.language,
    )
    writer = _Writer(pdf, rtl)

    # Title page
    pdf.add_page()
    pdf.ln(60)
    writer.text(title, 26, "B", 14, align="C")
    writer.text(_("Figures of the year %(year)s", year=report.year), 14, "", 9, align="C")
    pdf.ln(10)
    writer.text(_("As of %(date)s", date=format_date(report.as_of, "long")), 11, "", 7, align="C")
    writer.text(_("Counts below %(n)s read “<%(n)s”.", n=report.min_cell), 10, "", 6, align="C")

    # Key figures
    pdf.add_page()
    writer.heading(_("Key figures"))
    writer.table(
        [_("Indicator"), str(report.year - 1), str(report.year), _("Change")],
        [(k.label, [k.previous.text, k.current.text, k.change], False) for k in report.key_figures],
        label_width=0.46,
    )

    # Fields of action
    writer.heading(_("Fields of action"))
    writer.paragraph(
        _(
            "Consultations, referrals, appointments and structural barriers of the year per need area (field of action)."
        )
    )
    writer.bars(
        [charts.Item(label, cells[0].value, cells[0].text) for label, cells in report.fields]
    )
    writer.table(
        [_("Field of action"), *report.field_columns],
        [(label, [c.text for c in cells], False) for label, cells in report.fields],
        label_width=0.36,
    )

    for _key, section_title, tables in report.sections:
        pdf.add_page()
        writer.heading(section_title, 16)
        for table in tables:
            writer.figure(table)

    pdf.add_page()
    writer.heading(_("Method"))
    for paragraph in method_paragraphs(report.min_cell):
        writer.paragraph(paragraph)
    return bytes(pdf.output())


class _Writer:
    """Headings, paragraphs, tables and charts on an FPDF page, mirrored for right to left."""

    def __init__(self, pdf, rtl: bool):
        self.pdf = pdf
        self.rtl = rtl
        self.align = "R" if rtl else "L"

    def number(self, w, h, text, align):
        """A figure as a left-to-right island ("<5" stays "<5" in Arabic, as in the page's
        <bdi dir="ltr">)."""
        pdf = self.pdf
        if self.rtl:
            pdf.set_text_shaping(use_shaping_engine=True, direction="ltr", script="latn")
        pdf.cell(w, h, text, align=align)
        if self.rtl:
            pdf.set_text_shaping(
                use_shaping_engine=True, direction="rtl", script="arab", language="ar"
            )

    def text(self, text, size=10, style="", height=6, align=None):
        self.pdf.set_font("DejaVu", style, size)
        self.pdf.multi_cell(
            self.pdf.epw, height, text, align=align or self.align, new_x="LMARGIN", new_y="NEXT"
        )

    def heading(self, text, size=14):
        if self.pdf.get_y() > self.pdf.h - 60:
            self.pdf.add_page()
        self.pdf.ln(2)
        self.pdf.set_text_color(*BLUE)
        self.text(text, size, "B", size * 0.55)
        self.pdf.set_text_color(0, 0, 0)
        self.pdf.ln(1)

    def paragraph(self, text):
        self.text(text, 9, "", 5)
        self.pdf.ln(2)

    def figure(self, table: Table):
        rows = len(table.rows)
        needed = 14 + 6 * (rows + 1) + (6 * min(rows, 12) if rows > 1 else 40)
        if self.pdf.get_y() + min(needed, 150) > self.pdf.h - 20:
            self.pdf.add_page()
        title = table.title + (f" ({table.unit})" if table.unit else "")
        self.text(title, 11, "B", 6)
        if table.is_series:
            self.columns(
                [
                    charts.Item(column, cell.value, cell.text)
                    for column, cell in zip(
                        table.columns[:-1], table.rows[0].cells[:-1], strict=True
                    )
                ]
            )
        else:
            items = [
                charts.Item(label, cell.value, cell.text) for label, cell in table.last_column()
            ]
            if len(items) > 1:
                self.bars(items)
        self.table(
            [_("Breakdown"), *table.columns],
            [(row.label, [c.text for c in row.cells], row.total) for row in table.rows],
        )
        if table.note:
            self.pdf.set_text_color(*GREY)
            self.text(table.note, 8, "", 4)
            self.pdf.set_text_color(0, 0, 0)
        self.pdf.ln(4)

    def table(self, headers, rows, label_width=0.34):
        pdf = self.pdf
        width = pdf.epw
        first = width * label_width
        rest = (width - first) / max(len(headers) - 1, 1)
        widths = [first] + [rest] * (len(headers) - 1)

        def line(cells, bold=False, header=False):
            if pdf.get_y() + 6 > pdf.h - 20:
                pdf.add_page()
            order = list(zip(cells, widths, strict=True))
            if self.rtl:
                order.reverse()
            x, y = pdf.l_margin, pdf.get_y()
            for i, (content, w) in enumerate(order):
                is_label = (i == len(order) - 1) if self.rtl else i == 0
                align = self.align if is_label else ("L" if self.rtl else "R")
                pdf.set_font("DejaVu", "B" if bold else "", 8)
                content = _fit(pdf, str(content), w - 2)
                pdf.set_xy(x, y)
                if header:
                    pdf.set_fill_color(*LIGHT)
                    pdf.cell(w, 6, content, border="B", align=align, fill=True)
                elif is_label:
                    pdf.cell(w, 6, content, border="B", align=align)
                else:
                    self.number(w, 6, content, align)
                    pdf.line(x, y + 6, x + w, y + 6)
                x += w
            pdf.set_xy(pdf.l_margin, y + 6)

        line(headers, bold=True, header=True)
        for label, cells, total in rows:
            line([label, *cells], bold=total)
        pdf.ln(2)

    def bars(self, items):
        pdf = self.pdf
        if not items:
            return
        label_w, value_w = 60, 22
        room = pdf.epw - label_w - value_w
        lengths = charts.scale(items, room)
        if pdf.get_y() + 6 * len(items) > pdf.h - 20:
            pdf.add_page()
        pdf.set_font("DejaVu", "", 8)
        for item, length in zip(items, lengths, strict=True):
            y = pdf.get_y()
            if self.rtl:
                label_x = pdf.l_margin + pdf.epw - label_w
                bar_x = label_x - 2 - length
                value_x = bar_x - value_w
            else:
                label_x = pdf.l_margin
                bar_x = pdf.l_margin + label_w + 2
                value_x = bar_x + length + 1
            pdf.set_xy(label_x, y)
            pdf.cell(label_w - 2, 5, _fit(pdf, item.label, label_w - 4), align=self.align)
            if length:
                pdf.set_fill_color(*BLUE)
                pdf.rect(bar_x, y + 1, length, 3.5, style="F")
            pdf.set_xy(value_x, y)
            self.number(value_w, 5, item.text, "R" if self.rtl else "L")
            pdf.set_xy(pdf.l_margin, y + 5.5)
        pdf.ln(2)

    def columns(self, items):
        pdf = self.pdf
        if not items:
            return
        height = 32
        if pdf.get_y() + height + 12 > pdf.h - 20:
            pdf.add_page()
        top = pdf.get_y() + 4
        base = top + height
        slot = pdf.epw / len(items)
        bar = min(slot * 0.6, 14)
        lengths = charts.scale(items, height - 6)
        order = list(zip(items, lengths, strict=True))
        if self.rtl:
            order.reverse()
        pdf.set_draw_color(200, 200, 200)
        pdf.line(pdf.l_margin, base, pdf.l_margin + pdf.epw, base)
        pdf.set_font("DejaVu", "", 7)
        for i, (item, length) in enumerate(order):
            centre = pdf.l_margin + slot * i + slot / 2
            if length:
                pdf.set_fill_color(*BLUE)
                pdf.rect(centre - bar / 2, base - length, bar, length, style="F")
            pdf.set_xy(centre - slot / 2, base - length - 5)
            self.number(slot, 4, item.text, "C")
            pdf.set_xy(centre - slot / 2, base + 1)
            pdf.cell(slot, 4, _fit(pdf, item.label, slot - 1), align="C")
        pdf.set_xy(pdf.l_margin, base + 7)


def _fit(pdf, text: str, width: float) -> str:
    """The text in a smaller font (down to 6 pt), then shortened with an ellipsis, until it
    fits `width`."""
    size = pdf.font_size_pt
    while pdf.get_string_width(text) > width and size > 6:
        size -= 0.5
        pdf.set_font_size(size)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
