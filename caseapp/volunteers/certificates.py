"""Certificates: random verification codes, issuing, the public check and the PDF."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask_babel import force_locale, format_date
from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.extensions import db
from caseapp.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, ngettext
from caseapp.volunteers.models import Certificate, Programme, Volunteer

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
FONTS = Path(__file__).resolve().parent.parent / "fonts"


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(value: str | None) -> str | None:
    """Accept codes typed in lower case, with spaces or without dashes."""
    raw = re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
    if len(raw) != CODE_LENGTH or set(raw) - set(ALPHABET):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def issue_certificate(actor, volunteer: Volunteer, programme: Programme) -> Certificate | None:
    """Issue the programme's certificate once; None if it exists already."""
    existing = db.session.scalar(
        select(Certificate).where(
            Certificate.volunteer_id == volunteer.id, Certificate.programme_id == programme.id
        )
    )
    if existing is not None:
        return None
    code = new_code()
    while db.session.scalar(select(Certificate.id).where(Certificate.code == code)):
        code = new_code()
    certificate = Certificate(
        volunteer_id=volunteer.id,
        programme_id=programme.id,
        code=code,
        issued_by_id=getattr(actor, "id", None),
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record(
        actor,
        "issue_certificate",
        "volunteer",
        volunteer.id,
        details={"programme": [None, programme.id]},
    )
    return certificate


def revoke_certificate(actor, certificate: Certificate, now) -> None:
    """Withdraw a certificate: the public check then says it is no longer valid."""
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = now
    db.session.flush()
    audit.record(actor, "revoke", "volunteer_certificate", certificate.id)


def find_by_code(code: str | None) -> Certificate | None:
    code = normalise_code(code)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def coordination_office_name() -> str:
    from caseapp.offices.models import Office

    name = db.session.scalar(
        select(Office.name)
        .where(Office.kind == "coordination_office", Office.active.is_(True))
        .order_by(Office.id)
    )
    return name or _("Coordination office for volunteering")


def render_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as an A4 PDF in the volunteer's language (Arabic shaped, right-to-left)."""
    from fpdf import FPDF

    from caseapp.volunteers.services import minutes_logged
    from caseapp.volunteers.trainings import attended_trainings

    volunteer = certificate.volunteer
    language = volunteer.language if volunteer.language in LANGUAGES else DEFAULT_LANGUAGE
    rtl = language == "ar"
    align = "R" if rtl else "L"
    trainings = attended_trainings(volunteer.id, certificate.programme_id)
    minutes = minutes_logged(volunteer.id, certificate.programme_id)

    with force_locale(language):
        title = _("Certificate")
        intro = _("The coordination office confirms that")
        completed = _("has completed the training for the volunteer programme")
        programme = certificate.programme.name(language)
        trainings_label = _("Trainings attended")
        hours = minutes // 60
        hours_line = ngettext(
            "%(num)d hour of volunteering logged so far.",
            "%(num)d hours of volunteering logged so far.",
            hours,
        )
        issued = _("Issued on %(date)s", date=format_date(certificate.issued_at, "long"))
        signature = _("Signature, coordination office")
        office = coordination_office_name()
        check = _("Check this certificate at %(url)s with the code", url=verify_url)
        rows = [f"{format_date(t.starts_at, 'medium')} · {t.title}" for t in trainings]

    pdf = FPDF(format="A4")
    pdf.set_title(f"{title} – {volunteer.name}")
    pdf.set_creator("Lotse")
    pdf.set_lang(language)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_text_shaping(
        use_shaping_engine=True,
        direction="rtl" if rtl else "ltr",
        script="arab" if rtl else "latn",
        language=language,
    )
    pdf.set_margins(22, 24, 22)
    pdf.add_page()
    pdf.set_draw_color(11, 79, 108)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    width = pdf.epw

    def line(text, size=12, style="", gap=8, align_=None):
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, gap, text, align=align_ or align, new_x="LMARGIN", new_y="NEXT")

    pdf.ln(6)
    line(title, 30, "B", 16, "C")
    pdf.ln(8)
    line(intro, 13, "", 8, "C")
    pdf.ln(2)
    line(volunteer.name, 22, "B", 12, "C")
    pdf.ln(2)
    line(completed, 13, "", 8, "C")
    pdf.ln(2)
    line(programme, 18, "B", 10, "C")
    pdf.ln(8)
    if rows:
        line(trainings_label, 12, "B", 8)
        for row in rows:
            line(row, 11, "", 7)
        pdf.ln(4)
    line(hours_line, 11, "", 7)
    pdf.ln(4)
    line(issued, 11, "", 7)
    pdf.set_y(220)
    pdf.set_line_width(0.3)
    if rtl:
        pdf.line(pdf.w - 22 - 80, pdf.get_y(), pdf.w - 22, pdf.get_y())
    else:
        pdf.line(22, pdf.get_y(), 102, pdf.get_y())
    pdf.ln(2)
    line(signature, 10, "", 6)
    line(office, 11, "B", 6)
    pdf.set_y(252)
    line(check, 9, "", 5)
    pdf.set_text_shaping(False)
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(width, 8, certificate.code, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def record_download(actor, certificate: Certificate) -> None:
    audit.record(actor, "print", "volunteer_certificate", certificate.id)
