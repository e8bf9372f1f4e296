"""The certificate PDF: in the volunteer's language, Arabic shaped and right-to-left."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.volunteers import certificates, services, trainings
from caseapp.volunteers.models import Certificate, TrainingRegistration
from tests.factories.artifacts import ARTIFACTS
from tests.factories.volunteers import add_training, make_profile, make_programme


def _certificate(app, make_user, language: str, name: str) -> bytes:
    email = make_user("volunteer", language=language, name=name)
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        programme_id = make_programme(name_tr="Hoş geldin elçileri (Şişli–İğdır)")
        volunteer = make_profile(user, [programme_id])
        services.approve(None, volunteer.applications[0])
        training = add_training(
            [programme_id], utcnow() - timedelta(days=2), title="Grundkurs Begleitung"
        )
        training.registrations.append(
            TrainingRegistration(volunteer_id=volunteer.id, attended=True)
        )
        db.session.flush()
        trainings.check_completion(None, volunteer)
        services.log_hours(
            user,
            volunteer,
            programme_id,
            utcnow().date(),
            150,
            "Begleitung",
            utcnow().date(),
        )
        db.session.commit()
        certificate = db.session.scalar(select(Certificate))
        pdf = certificates.render_pdf(certificate, "https://lotse.example/certificates/verify")
        return pdf, certificate.code


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font.get("/DescendantFonts")
            if descendant:
                descriptor = descendant[0].get_object()["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor  # embedded, not referenced
    return fonts


def test_arabic_certificate_is_shaped_embedded_and_checked_visually(app, make_user):
    pdf, code = _certificate(app, make_user, "ar", "Karim Al-Hassan كريم الحسن")
    text = _text(pdf)
    # Latin parts come out exactly; Arabic text extraction is imperfect, so look for glyphs.
    assert "Karim Al-Hassan" in text
    assert code in text
    assert "Grundkurs Begleitung" in text
    assert any("\u0600" <= ch <= "\u06ff" or "\ufe70" <= ch <= "\ufeff" for ch in text)
    assert any("DejaVu" in f for f in _fonts(pdf))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "certificate-ar.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "70",
                "-png",
                "-singlefile",
                str(ARTIFACTS / "certificate-ar.pdf"),
                str(ARTIFACTS / "certificate-ar"),
            ],
            check=True,
        )
        assert (ARTIFACTS / "certificate-ar.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("tr", ["Hoş geldin elçileri (Şişli–İğdır)", "Ayşe Yıldız"]),
        ("de", ["Willkommensbotschafter", "Ayşe Yıldız"]),
    ],
)
def test_certificate_in_the_volunteers_language(app, make_user, language, words):
    pdf, code = _certificate(app, make_user, language, "Ayşe Yıldız")
    text = _text(pdf)
    for word in words:
        assert word in text
    assert code in text
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"certificate-{language}.pdf").write_bytes(pdf)
