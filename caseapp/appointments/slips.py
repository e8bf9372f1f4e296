"""The printable appointment slip (PDF, A5) in the newcomer's language with a QR code.

Follows volunteers/certificates.py: fpdf2 with HarfBuzz text shaping (Arabic joined and
right-to-left) and the shipped DejaVu Sans fonts, which cover Latin, Turkish and Arabic.
"""

from __future__ import annotations

import io
from pathlib import Path

from flask_babel import force_locale, format_time

from caseapp.appointments.ical import office_address
from caseapp.appointments.models import Appointment
from caseapp.appointments.slots import BERLIN
from caseapp.audit import services as audit
from caseapp.i18n import _, format_day, isolate
from caseapp.people.vocab import NEED_AREAS

FONTS = Path(__file__).resolve().parent.parent / "fonts"


def qr_png(url: str) -> io.BytesIO:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def slip_filename(appointment: Appointment) -> str:
    return f"appointment-{appointment.starts_at.astimezone(BERLIN):%Y-%m-%d}.pdf"


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
    appointment gets their own name and case number), the appointment's person by default."""
    from fpdf import FPDF

    rtl = language == "ar"
    align = "R" if rtl else "L"
    office = appointment.office
    person = person or appointment.person
    case_number = person.case.case_number
    with force_locale(language):
        texts = {
            "title": _("Appointment"),
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
            "bring": appointment.notes_for_newcomer,
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
        }

    pdf = FPDF(format=(148, 210))  # A5
    pdf.set_title(texts["title"])
    pdf.set_creator("Lotse")
    pdf.set_lang(language)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, 12)
    pdf.add_page()
    width = pdf.epw

    def shaping(on: bool = True):
        if on:
            pdf.set_text_shaping(
                use_shaping_engine=True,
                direction="rtl" if rtl else "ltr",
                script="arab" if rtl else "latn",
                language=language,
            )
        else:
            pdf.set_text_shaping(False)

    def line(text, size=11, style="", gap=6, align_=None):
        if not text:
            return
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, gap, text, align=align_ or align, new_x="LMARGIN", new_y="NEXT")

    def pair(label, value, ltr_value=False):
        line(label, 9, "", 5)
        if ltr_value:  # numbers, codes: always left to right, not shaped as Arabic
            shaping(False)
            line(value, 12, "B", 6)
            shaping(True)
        else:
            line(value, 12, "B", 6)
        pdf.ln(1)

    shaping(True)
    pdf.set_draw_color(11, 79, 108)
    pdf.set_line_width(0.8)
    pdf.rect(6, 6, pdf.w - 12, pdf.h - 12)
    line(texts["title"], 20, "B", 10, "C")
    line(texts["name"], 13, "", 7, "C")
    pdf.ln(3)
    pair(texts["date_label"], texts["date"])
    pair(texts["time_label"], texts["time"], ltr_value=True)
    pair(texts["where_label"], texts["where"])
    pair(texts["room_label"], texts["room"])
    if texts["purpose"]:
        pair(texts["purpose_label"], texts["purpose"])
    if texts["bring"]:
        line(texts["bring_label"], 9, "", 5)
        line(texts["bring"], 11, "", 6)
        pdf.ln(1)
    line(texts["phone"], 9, "", 5)
    pdf.ln(2)
    top = pdf.get_y()
    qr_size = 32
    qr_x = pdf.l_margin if rtl else pdf.w - pdf.r_margin - qr_size
    if top + qr_size > pdf.h - 12:
        pdf.add_page()
        top = pdf.get_y()
    pdf.image(qr_png(portal_url), x=qr_x, y=top, w=qr_size, h=qr_size)
    text_x = pdf.l_margin + (qr_size + 4 if rtl else 0)
    text_w = width - qr_size - 4
    pdf.set_xy(text_x, top)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(text_w, 5, texts["portal"], align=align, new_x="LEFT", new_y="NEXT")
    shaping(False)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(text_w, 4, portal_url, align=align, new_x="LEFT", new_y="NEXT")
    shaping(True)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(text_w, 5, texts["case_label"], align=align, new_x="LEFT", new_y="NEXT")
    shaping(False)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(text_w, 6, case_number, align=align, new_x="LEFT", new_y="NEXT")
    if access_code:
        shaping(True)
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(
            text_w,
            5,
            f"{texts['code_label']} ({texts['code_until']})"
            if texts["code_until"]
            else texts["code_label"],
            align=align,
            new_x="LEFT",
            new_y="NEXT",
        )
        shaping(False)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(text_w, 6, access_code, align=align, new_x="LEFT", new_y="NEXT")
    return bytes(pdf.output())


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
