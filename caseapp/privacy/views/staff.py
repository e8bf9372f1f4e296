"""A person's data-protection page: export, erasure request, legal hold; the requests list."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from flask import abort, render_template, request, send_file, url_for
from flask_login import current_user

from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.i18n import LANGUAGES, _
from caseapp.portal.access import newcomer_language
from caseapp.privacy import export, services
from caseapp.privacy.blueprint import bp
from caseapp.privacy.forms import ButtonForm, ErasureForm, ReasonForm
from caseapp.privacy.retention import is_anonymised
from caseapp.privacy.views import DPO_ROLES, PERSON_ROLES
from caseapp.web import flow
from caseapp.web.access import access


def _person(person_id: int):
    try:
        return services.visible_person(current_user, person_id)
    except NotFound:
        abort(404)


@bp.get("/privacy/persons/<int:person_id>")
@access(*PERSON_ROLES)
def person(person_id: int):
    person = _person(person_id)
    return render_template(
        "privacy/person.html",
        person=person,
        hold=services.active_hold(person.case.id) if person.case else None,
        anonymised=is_anonymised(person.id),
        copy_requested=services.has_open_export_request(person.id),
        erasure_form=ErasureForm(),
        hold_form=ReasonForm(),
        language=newcomer_language(person),
        may_hold=current_user.has_role(*DPO_ROLES),
    )


@bp.get("/privacy/persons/<int:person_id>/export.zip")
@access(*PERSON_ROLES)
def export_zip(person_id: int):
    """The export as one ZIP (JSON + PDFs), audited; open requests for a copy are done."""
    person = _person(person_id)
    household = request.args.get("household") == "1"
    language = request.args.get("lang")
    language = language if language in LANGUAGES else None
    with tempfile.TemporaryDirectory(prefix="lotse-export-") as tmp:
        files = export.write_export(
            current_user, person, Path(tmp) / "files", household=household, language=language
        )
        who = export.subjects(current_user, person, household=household)
        services.mark_exports_done(current_user, who.person_ids)
        db.session.commit()  # the audit rows of this export
        archive = io.BytesIO()  # compressed JSON and PDFs: a few MB even for 10,000 rows
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                zf.write(path, path.name)
    archive.seek(0)
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{files[0].stem}.zip",
    )


@bp.post("/privacy/persons/<int:person_id>/erasure")
@access(*PERSON_ROLES)
def request_erasure(person_id: int):
    person = _person(person_id)
    form = ErasureForm()
    done = flow.submit(
        form,
        lambda: services.request_erasure(current_user, person, form.reason.data or ""),
        to=url_for("privacy.person", person_id=person.id),
        message=_("The erasure has been requested. The data-protection officer confirms it."),
    )
    if done:
        return done
    return _again(person, erasure_form=form)


@bp.post("/privacy/persons/<int:person_id>/hold")
@access(*DPO_ROLES)
def hold(person_id: int):
    person = _person(person_id)
    form = ReasonForm()
    done = flow.submit(
        form,
        lambda: services.set_hold(current_user, person, form.reason.data or ""),
        to=url_for("privacy.person", person_id=person.id),
        message=_("The case is on legal hold."),
    )
    if done:
        return done
    return _again(person, hold_form=form)


@bp.post("/privacy/persons/<int:person_id>/hold/lift")
@access(*DPO_ROLES)
def lift_hold(person_id: int):
    person = _person(person_id)
    form = ButtonForm()

    done = flow.submit(
        form,
        lambda: services.lift_hold(current_user, person),
        to=url_for("privacy.person", person_id=person.id),
        message=_("The legal hold has been lifted."),
    )
    return done or _again(person)


def _again(person, **forms):
    page = render_template(
        "privacy/person.html",
        person=person,
        hold=services.active_hold(person.case.id) if person.case else None,
        anonymised=is_anonymised(person.id),
        copy_requested=services.has_open_export_request(person.id),
        erasure_form=forms.get("erasure_form") or ErasureForm(),
        hold_form=forms.get("hold_form") or ReasonForm(),
        language=newcomer_language(person),
        may_hold=current_user.has_role(*DPO_ROLES),
    )
    return page, 400


@bp.get("/privacy/requests")
@access(*PERSON_ROLES)
def requests():
    """Requests for a copy waiting for a caseworker, and erasure requests waiting for the
    data-protection officer (each only of the offices the user may see)."""
    return render_template(
        "privacy/requests.html",
        exports=services.open_export_requests(current_user),
        erasures=services.erasure_requests(current_user),
        may_confirm=current_user.has_role("data_protection"),
    )
