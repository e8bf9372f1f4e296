"""Administrators: duplicate scan, merging, spreadsheet import and aid kinds."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people import casework, importing, merging, services
from caseapp.people.blueprint import bp
from caseapp.people.forms import AidKindForm, ImportForm
from caseapp.people.models import AidKind, Person, PersonMerge
from caseapp.people.views.common import _office_choices, today
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.forms import BaseForm

MAX_UPLOAD = 20 * 1024 * 1024


@bp.get("/duplicates")
@access(Role.ADMIN)
def duplicates():
    pairs = merging.duplicate_pairs(limit=200)
    ids = {i for a, b, _c in pairs for i in (a, b)}
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids or {0})))}
    merges = db.session.scalars(
        select(PersonMerge).order_by(PersonMerge.merged_at.desc()).limit(20)
    ).all()
    return render_template("people/duplicates.html", pairs=pairs, people=people, merges=merges)


@bp.route("/merge", methods=["GET", "POST"])
@access(Role.ADMIN)
def merge():
    try:
        a = services.get_person(current_user, request.args.get("a", type=int) or 0, purpose="merge")
        b = services.get_person(current_user, request.args.get("b", type=int) or 0, purpose="merge")
    except NotFound:
        abort(404)
    if request.method == "POST":
        choices = {name: request.form.get(name, "a") for name in merging.MERGE_FIELDS}
        survivor, removed = (b, a) if request.form.get("survivor") == "b" else (a, b)
        if survivor is b:  # choices are relative to the surviving record
            choices = {k: ("a" if v == "b" else "b") for k, v in choices.items()}
        form = BaseForm()
        done = flow.submit(
            form,
            lambda: merging.merge_people(current_user, survivor, removed, choices),
            to=url_for("people.detail", person_id=survivor.id),
        )
        if done:
            # Said after the merge: the name may now come from the other record.
            flash(
                _(
                    "The records have been merged. Everything now belongs to %(name)s.",
                    name=survivor.full_name,
                ),
                "success",
            )
            return done
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
        return redirect(url_for("people.duplicates"))
    db.session.commit()  # audit rows of both reads
    return render_template(
        "people/merge.html",
        a=a,
        b=b,
        fields=merging.MERGE_FIELDS,
        sa=merging.snapshot(a),
        sb=merging.snapshot(b),
    )


@bp.route("/import", methods=["GET", "POST"])
@access(Role.ADMIN)
def import_csv():
    form = ImportForm()
    form.office.choices = _office_choices()
    report = None

    def run() -> importing.ImportReport:
        nonlocal report
        raw = form.file.data.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise ValidationFailed({"file": _("The file is larger than 20 MB.")})
        report = importing.import_people(
            current_user, raw, office_id=form.office.data, today=today()
        )
        if not report.ok:
            raise ValidationFailed({})  # nothing is imported; the report says why
        return report

    done = flow.submit(form, run, to=url_for("people.import_csv"))
    # The report is the answer and is shown right here rather than after the redirect: its
    # list of rejected rows is too long to carry over in a flash message.
    status = 200 if done or request.method != "POST" else 400
    return render_template(
        "people/import.html", form=form, report=report, columns=importing.COLUMNS
    ), status


@bp.route("/aid-kinds", methods=["GET", "POST"])
@access(Role.ADMIN)
def aid_kinds():
    form = AidKindForm()
    done = flow.submit(
        form,
        lambda: casework.add_aid_kind(
            current_user,
            name_de=form.name_de.data,
            name_ar=form.name_ar.data or "",
            name_tr=form.name_tr.data or "",
            min_interval_days=form.min_interval_days.data or 0,
        ),
        to=url_for("people.aid_kinds"),
        message=_("The kind of aid has been added."),
    )
    if done:
        return done
    kinds = db.session.scalars(select(AidKind).order_by(AidKind.name_de)).all()
    return render_template("people/aid_kinds.html", form=form, kinds=kinds), flow.status(form)
