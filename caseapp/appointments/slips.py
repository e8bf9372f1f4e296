"""The printable appointment slip (PDF) in the newcomer's language with a QR code, and under
it a German copy for the reception staff when the newcomer reads another language.

Follows volunteers/certificates.py: fpdf2 with HarfBuzz text shaping (Arabic joined and
right-to-left) and the shipped DejaVu Sans fonts, which cover Latin, Turkish and Arabic.
"""

from __future__ import annotations

import io
from pathlib import Path

from flask_babel import force_locale, format_time

from caseapp.appointments.documents import bring_items
from caseapp.appointments.ical import office_address
from caseapp.appointments.models import Appointment
from caseapp.appointments.slots import BERLIN
from caseapp.audit import services as audit
from caseapp.i18n import _, format_day, isolate, language_name
from caseapp.people.vocab import NEED_AREAS

FONTS = Path(__file__).resolve().parent.parent / "fonts"
# The language of the reception copy printed under a slip in another language.
RECEPTION_LANGUAGE = "de"


def qr_png(url: str) -> io.BytesIO:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def slip_filename(appointment: Appointment) -> str:
    return f"appointment-{appointment.starts_at.astimezone(BERLIN):%Y-%m-%d}.pdf"


def _texts(
    appointment: Appointment,
    person,
    language: str,
    code_valid_until=None,
    *,
    newcomer_language: str = "",
) -> dict:
    """The slip's words in one language: the newcomer's, or German for the reception (then
    `newcomer_language` names the language of the newcomer's copy above it)."""
    office = appointment.office
    with force_locale(language):
        return {
            "title": _("Appointment"),
            "name_label": _("Name"),
            "name": person.full_name,
            "date_label": _("Date"),
            "date": format_day(appointment.starts_at, "full"),
            "time_label": _("Time"),
            # 24-hour digits, shown as a left-to-right island in every language.
            "time": format_time(appointment.starts_at, "HH:mm")
            + " – "
            + format_time(appointment.ends_at, "HH:mm"),
            "where_label": _("Address"),
            "where": office_address(office, isolated=False),
            "room_label": _("Room"),
            "room": appointment.room.name if appointment.room else "—",
            "purpose_label": _("Subject"),
            # Only the need area: the free-text purpose is the office's own note.
            "purpose": str(NEED_AREAS[appointment.need_area])
            if appointment.need_area in NEED_AREAS
            else "",
            "bring_label": _("Please bring"),
            # The chosen documents named in this language, then the free text as written.
            "bring": bring_items(appointment),
            # Isolated left-to-right, or an Arabic line would reverse the groups of the number.
            "phone": _(
                "If you cannot come, please call %(phone)s.",
                phone=isolate(office.phone, ltr=True, always=True),
            )
            if office.phone
            else _("If you cannot come, please tell your office."),
            "portal": _("Your appointments online: scan the code or open"),
            "case_label": _("Case number"),
            "code_label": _("Access code"),
            "code_until": _("valid until %(date)s", date=format_day(code_valid_until))
            if code_valid_until
            else "",
            "copy_title": _("Appointment – copy for the reception"),
            "copy_language": _(
                "The newcomer's copy above is in %(language)s.",
                language=language_name(newcomer_language, language),
            )
            if newcomer_language
            else "",
            "interpreter_label": _("Interpreter needed for"),
            "interpreter": language_name(appointment.interpreter_language, language)
            if appointment.interpreter_language
            else "",
        }


def render_slip(
    appointment: Appointment,
    language: str,
    portal_url: str,
    *,
    access_code: str | None = None,
    code_valid_until=None,
    person=None,
) -> bytes:
    """The slip; `person` is whom it is for (a household member printing the household's
    appointment gets their own name and case number), the appointment's person by default.

    In German it is one A5 page. In another language it is one A4 sheet: the newcomer's slip
    on the upper half, and below a cut line the same appointment in German for the reception
    staff (no access code: that stays with the newcomer)."""
    from fpdf import FPDF

    person = person or appointment.person
    case_number = person.case.case_number
    texts = _texts(appointment, person, language, code_valid_until)
    german = (
        _texts(appointment, person, RECEPTION_LANGUAGE, newcomer_language=language)
        if language != RECEPTION_LANGUAGE
        else None
    )

    pdf = FPDF(format="A4" if german else (148, 210))
    pdf.set_title(texts["title"])
    pdf.set_creator("Lotse")
    pdf.set_lang(language)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, 12)
    pdf.add_page()
    # The sheet's frame; with a reception copy it ends above the cut line (drawn at the end).
    pdf.set_draw_color(11, 79, 108)
    pdf.set_line_width(0.8)
    writer = _Writer(pdf, language)
    writer.newcomer_copy(texts, portal_url, case_number, access_code)
    if german:
        bottom = pdf.get_y() + 4
        pdf.rect(6, 6, pdf.w - 12, bottom - 6)
        pdf.set_line_width(0.3)
        pdf.set_dash_pattern(dash=2, gap=2)
        pdf.line(6, bottom + 4, pdf.w - 6, bottom + 4)
        pdf.set_dash_pattern()
        pdf.set_y(bottom + 10)
        _Writer(pdf, RECEPTION_LANGUAGE).reception_copy(german, case_number)
    else:
        pdf.rect(6, 6, pdf.w - 12, pdf.h - 12)
    return bytes(pdf.output())


class _Writer:
    """Lines of one language on the slip (right-aligned and shaped for Arabic)."""

    def __init__(self, pdf, language: str):
        self.pdf = pdf
        self.language = language
        self.rtl = language == "ar"
        self.align = "R" if self.rtl else "L"

    def shaping(self, on: bool = True) -> None:
        if on:
            # Arabic pages are right to left; on the others the engine finds the script of
            # each text, so an Arabic note on a German or Turkish copy is still joined.
            self.pdf.set_text_shaping(
                use_shaping_engine=True,
                direction="rtl" if self.rtl else None,
                script="arab" if self.rtl else None,
                language=self.language if self.rtl else None,
            )
        else:
            self.pdf.set_text_shaping(False)

    def line(self, text, size=11, style="", gap=6, align=None) -> None:
        if not text:
            return
        self.pdf.set_font("DejaVu", style, size)
        self.pdf.multi_cell(
            self.pdf.epw, gap, text, align=align or self.align, new_x="LMARGIN", new_y="NEXT"
        )

    def pair(self, label, value, ltr_value=False, size=12, gap=6) -> None:
        self.line(label, 9, "", 5)
        if ltr_value:  # numbers, codes: always left to right, not shaped as Arabic
            self.shaping(False)
            self.line(value, size, "B", gap)
            self.shaping(True)
        else:
            self.line(value, size, "B", gap)
        self.pdf.ln(1)

    def bring(self, texts, size=11) -> None:
        if texts["bring"]:
            self.line(texts["bring_label"], 9, "", 5)
            for item in texts["bring"]:
                self.line(f"– {item}", size, "", 6)
            self.pdf.ln(1)

    def newcomer_copy(self, texts, portal_url, case_number, access_code) -> None:
        pdf = self.pdf
        self.shaping(True)
        self.line(texts["title"], 20, "B", 10, "C")
        self.line(texts["name"], 13, "", 7, "C")
        pdf.ln(3)
        self.pair(texts["date_label"], texts["date"])
        self.pair(texts["time_label"], texts["time"], ltr_value=True)
        self.pair(texts["where_label"], texts["where"])
        self.pair(texts["room_label"], texts["room"])
        if texts["purpose"]:
            self.pair(texts["purpose_label"], texts["purpose"])
        self.bring(texts)
        self.line(texts["phone"], 9, "", 5)
        pdf.ln(2)
        top = pdf.get_y()
        qr_size = 32
        if top + qr_size > pdf.h - 12:
            pdf.add_page()
            top = pdf.get_y()
        qr_x = pdf.l_margin if self.rtl else pdf.w - pdf.r_margin - qr_size
        pdf.image(qr_png(portal_url), x=qr_x, y=top, w=qr_size, h=qr_size)
        text_x = pdf.l_margin + (qr_size + 4 if self.rtl else 0)
        text_w = pdf.epw - qr_size - 4

        def cell(text, size, style="", gap=5, shaped=True):
            self.shaping(shaped)
            pdf.set_font("DejaVu", style, size)
            pdf.multi_cell(text_w, gap, text, align=self.align, new_x="LEFT", new_y="NEXT")

        pdf.set_xy(text_x, top)
        cell(texts["portal"], 9)
        cell(portal_url, 8, gap=4, shaped=False)
        cell(texts["case_label"], 9)
        cell(case_number, 12, "B", 6, shaped=False)
        if access_code:
            label = texts["code_label"]
            if texts["code_until"]:
                label = f"{label} ({texts['code_until']})"
            cell(label, 9)
            cell(access_code, 12, "B", 6, shaped=False)
        pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + qr_size))
        self.shaping(True)

    def reception_copy(self, texts, case_number) -> None:
        """The same appointment in German for the reception staff: compact rows of label and
        value, so both copies fit on one sheet."""
        pdf = self.pdf
        self.shaping(True)
        self.line(texts["copy_title"], 12, "B", 7)
        self.line(texts["copy_language"], 9, "", 5)
        pdf.ln(2)
        label_w = 42

        def row(label, value, ltr_value=False):
            if not value:
                return
            top = pdf.get_y()
            pdf.set_font("DejaVu", "", 9)
            pdf.multi_cell(label_w, 5, label, align="L", new_x="RIGHT", new_y="TOP")
            self.shaping(not ltr_value)
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(pdf.epw - label_w, 5, value, align="L", new_x="LMARGIN", new_y="NEXT")
            self.shaping(True)
            pdf.set_y(max(pdf.get_y(), top + 5) + 0.5)

        row(texts["name_label"], texts["name"])
        row(texts["case_label"], case_number, ltr_value=True)
        row(texts["date_label"], texts["date"])
        row(texts["time_label"], texts["time"], ltr_value=True)
        row(texts["where_label"], texts["where"])
        row(texts["room_label"], texts["room"])
        row(texts["purpose_label"], texts["purpose"])
        row(texts["interpreter_label"], texts["interpreter"])
        row(texts["bring_label"], "\n".join(f"– {item}" for item in texts["bring"]))


def record_print(
    actor, appointment: Appointment, *, with_code: bool, purpose: str = "case_management"
) -> None:
    """Audited like any read of case data; the newcomer's own prints with purpose "portal"."""
    audit.record(
        actor,
        "print_appointment_slip",
        "person",
        appointment.person_id,
        office_id=appointment.office_id,
        purpose=purpose,
        details={"appointment": [None, appointment.id], "access_code": [None, with_code]},
    )
