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
from tests.factories.appointments import book, next_day_at, setup_office
from tests.factories.artifacts import ARTIFACTS

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


@pytest.fixture
def with_documents(app, make_user):
    setup = setup_office(app, make_user, name="Integrationszentrum Altstadt")
    return book(
        app,
        setup,
        next_day_at(10),
        need_area="housing",
        documents_to_bring=["passport", "rental_contract"],
        notes_for_newcomer="Kontoauszüge der letzten drei Monate",
        interpreter_language="ar",
    )


def _names(language: str, *codes: str) -> list[str]:
    """The vocabulary's names as the app shows them in `language` (catalog or msgid)."""
    from flask_babel import force_locale

    from caseapp.appointments.documents import DOCUMENTS

    with force_locale(language):
        return [str(DOCUMENTS[code]) for code in codes]


def _day(app, appointment_id, language: str) -> str:
    from flask_babel import force_locale

    from caseapp.i18n import format_day

    with app.test_request_context(), force_locale(language):
        return format_day(db.session.get(Appointment, appointment_id).starts_at, "full")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_german_slip_is_one_a5_page_with_the_documents_and_no_reception_copy(app, with_documents):
    pdf = _render(app, with_documents, "de")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.height) / 72 * 25.4) == 210  # A5
    text = _flat(_text(pdf))
    with app.test_request_context():
        for name in _names("de", "passport", "rental_contract"):
            assert name in text
    assert "Kontoauszüge der letzten drei Monate" in text
    assert "passport" not in text and "rental_contract" not in text  # names, not codes
    with app.test_request_context():
        from flask_babel import force_locale

        from caseapp.i18n import _

        with force_locale("de"):
            assert _("Appointment – copy for the reception") not in text


def test_turkish_slip_has_a_german_copy_for_the_reception_on_the_same_sheet(app, with_documents):
    pdf = _render(app, with_documents, "tr", code="ABCD-EFGH-JKMN")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "slip-tr.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1  # one sheet
    assert round(float(reader.pages[0].mediabox.height) / 72 * 25.4) == 297  # A4
    text = _flat(_text(pdf))
    with app.test_request_context():
        from flask_babel import force_locale

        from caseapp.i18n import _

        with force_locale("de"):
            heading = _("Appointment – copy for the reception")
        turkish = _names("tr", "passport", "rental_contract")
        german = _names("de", "passport", "rental_contract")
    # The newcomer's part comes first, then the German copy below the cut line.
    assert heading in text
    newcomer, reception = text.split(heading, 1)
    assert _day(app, with_documents, "tr") in newcomer
    assert _day(app, with_documents, "de") in reception
    for name in turkish:
        assert name in newcomer
    for name in german:
        assert name in reception
    assert "Kontoauszüge der letzten drei Monate" in newcomer
    assert "Kontoauszüge der letzten drei Monate" in reception
    assert "Integrationszentrum Altstadt" in reception and "10:00" in reception
    assert "Arabisch" in reception  # the interpreter language, named in German
    assert "Türkisch" in reception  # which language the newcomer's copy is in
    # The access code stays with the newcomer.
    assert "ABCD-EFGH-JKMN" in newcomer and "ABCD-EFGH-JKMN" not in reception


def test_arabic_slip_has_the_german_copy_too(app, with_documents):
    pdf = _render(app, with_documents, "ar")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = _flat(_text(pdf))
    with app.test_request_context():
        for name in _names("de", "passport", "rental_contract"):
            assert name in text
    assert _day(app, with_documents, "de") in text
