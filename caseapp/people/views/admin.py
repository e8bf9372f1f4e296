"""Administrators: duplicate scan, merging, spreadsheet import and aid kinds."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.jobs import wording as job_wording
from caseapp.jobs.queue import JobsUnavailable
from caseapp.offices.models import Office
from caseapp.people import casework, import_jobs, importing, merging, namematch, services
from caseapp.people.blueprint import bp
from caseapp.people.forms import AidKindForm, ImportForm
from caseapp.people.models import AidKind, Person, PersonMerge
from caseapp.people.namematch import evidence as ev
from caseapp.people.services import duplicates as review
from caseapp.people.views.common import _office_choices, today
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.forms import BaseForm

MAX_UPLOAD = 20 * 1024 * 1024
SCAN_SLICE_SECONDS = 5  # one click on "scan" runs this long, then the page shows progress


@bp.route("/duplicates", methods=["GET", "POST"])
@access(Role.ADMIN)
def duplicates():
    """The duplicate review: tiers with counts of what is left, pairs by likely benefit,
    clusters, and the decisions (same person: merge; not the same; later)."""
    if request.method == "POST" and request.form.get("action") != "find":
        return _review_action()
    args = request.form if request.method == "POST" else request.args
    tier = args.get("tier", ev.CERTAIN)
    tier = tier if tier in ev.TIERS else ev.CERTAIN
    page = max(1, args.get("page", 1, type=int) or 1)
    # The "same name only" tier is searched by name, POSTed (names stay out of URLs).
    name = (args.get("name") or "").strip()[:200] if request.method == "POST" else ""
    if request.method == "POST" and not BaseForm().validate_on_submit():
        abort(400)
    scan = review.latest_scan()
    running = review.running_scan()
    too_large = False
    if scan is not None:
        counts = review.queue_counts(scan.id)
        rows = review.queue(scan.id, tier, page=page, name=name)
        pairs = [
            review.PairView(p.a_id, p.b_id, p.tier, p.score, tuple(p.reasons), p.benefit)
            for p, _decision in rows
        ]
        later = {(p.a_id, p.b_id) for p, decision in rows if decision == "later"}
        groups = review.pair_clusters(scan.id)
    else:
        found = review.preview()
        too_large = found is None
        found = found or []
        counts = {t: sum(1 for p in found if p.tier == t) for t in ev.TIERS}
        decided = review.decisions_of([(p.a_id, p.b_id) for p in found])
        later = {key for key, decision in decided.items() if decision == "later"}
        listed = [p for p in found if p.tier == tier]
        if name:
            from caseapp.people.services.finder import matching_ids

            ids = set(matching_ids(None, name) or ())
            listed = [p for p in listed if p.a_id in ids or p.b_id in ids]
        listed.sort(key=lambda p: ((p.a_id, p.b_id) in later, -p.benefit, -p.score))
        start = (page - 1) * review.QUEUE_PAGE
        pairs = listed[start : start + review.QUEUE_PAGE]
        groups = namematch.review.clusters(
            [(p.a_id, p.b_id, p.score) for p in found if p.tier != ev.NAME_ONLY],
            [key for key, decision in decided.items() if decision == "different"],
        )
    groups = [g for g in groups if len(g) > 2]  # pairs are listed anyway
    ids = {i for p in pairs for i in (p.a_id, p.b_id)} | {i for g in groups for i in g}
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids or {0})))}
    merges = db.session.scalars(
        select(PersonMerge).order_by(PersonMerge.merged_at.desc()).limit(20)
    ).all()
    return render_template(
        "people/duplicates.html",
        pairs=pairs,
        later=later,
        people=people,
        merges=merges,
        tier=tier,
        tiers=ev.TIERS,
        counts=counts,
        page=page,
        per_page=review.QUEUE_PAGE,
        name=name,
        scan=scan,
        running=running,
        too_large=too_large,
        groups=groups,
        form=BaseForm(),
    )


def _review_action():
    """A decision on a pair, or the next slice of the scan; back to the queue either way."""
    form = BaseForm()
    back = url_for("people.duplicates", tier=request.form.get("tier") or None)
    action = request.form.get("action", "")
    if action == "scan":
        if not form.validate_on_submit():
            abort(400)
        from caseapp.jobs import services as jobs
        from caseapp.jobs.kinds import DUPLICATE_SCAN
        from caseapp.jobs.queue import JobsUnavailable

        try:
            job_id = jobs.start(current_user, DUPLICATE_SCAN)
        except JobsUnavailable:
            db.session.rollback()
        else:
            # The whole register in the background, with progress on the job's page.
            db.session.commit()
            return redirect(url_for("jobs.detail", job_id=job_id))
        # No queue: a slice of a few seconds per click, committed per batch, goes on later.
        done = review.scan(current_user, seconds=SCAN_SLICE_SECONDS)
        if done.finished_at:
            flash(_("The whole register has been scanned."), "success")
        else:
            flash(_("Part of the register has been scanned. Scan again to go on."), "info")
        return redirect(back)
    a = request.form.get("a", type=int) or 0
    b = request.form.get("b", type=int) or 0
    if action == "same":
        return redirect(url_for("people.merge", a=min(a, b), b=max(a, b)))
    done = flow.submit(
        form,
        lambda: review.decide(current_user, a, b, action),
        to=back,
        message=_("Your changes have been saved."),
    )
    if done:
        return done
    for messages in form.errors.values():
        for message in messages:
            flash(message, "danger")
    return redirect(back)


@bp.route("/merge", methods=["GET", "POST"])
@access(Role.ADMIN)
def merge():
    try:
        a = services.get_person(current_user, request.args.get("a", type=int) or 0, purpose="merge")
        b = services.get_person(current_user, request.args.get("b", type=int) or 0, purpose="merge")
    except NotFound:
        abort(404)
    if request.method == "POST":
        choices = {
            name: request.form.get(name) or merging.preferred_choice(a, b, name)
            for name in merging.MERGE_FIELDS
        }
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
        preferred={name: merging.preferred_choice(a, b, name) for name in merging.MERGE_FIELDS},
        sa=merging.snapshot(a),
        sb=merging.snapshot(b),
    )


@bp.route("/import", methods=["GET", "POST"])
@access(Role.ADMIN)
def import_csv():
    form = ImportForm()
    form.office.choices = _office_choices()
    report = None
    job_id = None

    def run() -> importing.ImportReport | int:
        nonlocal report, job_id
        raw = form.file.data.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise ValidationFailed({"file": _("The file is larger than 20 MB.")})
        parsed = importing.read_file(raw, importing.district_ids())
        if parsed.fatal:
            report = importing.ImportReport(fatal=parsed.fatal)
            raise ValidationFailed({})  # nothing is imported; the report says why
        if parsed.data_rows > import_jobs.inline_rows():
            # A large file: imported in batches by the worker, with a progress page.
            try:
                job_id = import_jobs.start(
                    current_user, raw, office_id=form.office.data, rows=parsed.data_rows
                )
            except JobsUnavailable:
                raise ValidationFailed({"": job_wording.unavailable()}) from None
            return job_id
        report = importing.import_parsed(
            current_user, parsed, office_id=form.office.data, today=today()
        )
        return report

    done = flow.submit(
        form,
        run,
        to=lambda _result: (
            url_for("jobs.detail", job_id=job_id) if job_id else url_for("people.import_csv")
        ),
    )
    if done and (job_id or report is None):
        return done  # the job's progress page (or an import already answered: its page)
    # The report is the answer and is shown right here rather than after the redirect: its
    # list of rejected rows is too long to carry over in a flash message.
    status = 200 if done or request.method != "POST" else 400
    return render_template(
        "people/import.html",
        form=form,
        report=report,
        columns=importing.COLUMNS,
        optional_columns=importing.OPTIONAL_COLUMNS,
        inline_rows=import_jobs.inline_rows(),
    ), status


@bp.get("/import/runs/<int:run_id>")
@access(Role.ADMIN)
def import_run(run_id: int):
    """The report of an import run in the background: rows imported and rows rejected."""
    run = import_jobs.get_run(run_id)
    if run is None:
        abort(404)
    return render_template(
        "people/import_run.html",
        run=run,
        report=import_jobs.report_of(run),
        office=db.session.get(Office, run.office_id),
    )


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
