"""The administrator's partner pages and the pages a partner's signed links open."""

from __future__ import annotations

from flask import abort, current_app, make_response, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.partners import links, services
from caseapp.partners.blueprint import bp, links_bp
from caseapp.partners.forms import AnswerForm, PartnerContactForm, PartnerForm
from caseapp.partners.models import Partner
from caseapp.referrals import services as referrals
from caseapp.referrals.directory import today
from caseapp.referrals.models import Service
from caseapp.referrals.templating import referral_status_label
from caseapp.web import flow
from caseapp.web.access import access, public
from caseapp.web.pagination import paginate

# --- administrators ------------------------------------------------------------------------


@bp.get("/")
@access(Role.ADMIN)
def index():
    return render_template("partners/index.html", page=paginate(services.partners_query()))


def _data(form: PartnerForm) -> services.PartnerData:
    return services.PartnerData(
        name=form.name.data,
        kind=form.kind.data,
        email=(form.email.data or "").strip(),
        contact_name=form.contact_name.data or "",
        language=form.language.data,
        street=form.street.data or "",
        postcode=form.postcode.data or "",
        city=form.city.data or "",
        phone=form.phone.data or "",
        website=form.website.data or "",
        active=bool(form.active.data),
        service_name_de=form.service_name_de.data or "",
        service_name_ar=form.service_name_ar.data or "",
        service_name_tr=form.service_name_tr.data or "",
        need_areas=list(form.need_areas.data or []),
        response_days=form.response_days.data or 5,
    )


@bp.route("/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def create():
    form = PartnerForm()
    done = flow.submit(
        form,
        lambda: services.register_partner(current_user, _data(form), today()),
        to=lambda partner: url_for("partners.edit", partner_id=partner.id),
        message=_("The partner %(name)s has been registered.", name=form.name.data),
    )
    if done:
        return done
    return render_template("partners/form.html", form=form), flow.status(form)


@bp.route("/<int:partner_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def edit(partner_id: int):
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    form = PartnerContactForm(obj=partner)
    if not form.is_submitted():
        form.version.data = partner.version
    done = flow.submit(
        form,
        flow.written(
            partner,
            lambda: services.update_partner(
                current_user,
                partner,
                email=(form.email.data or "").strip(),
                contact_name=form.contact_name.data or "",
                language=form.language.data,
                active=bool(form.active.data),
                loaded_version=form.loaded_version(),
            ),
        ),
        to=url_for("partners.edit", partner_id=partner_id),
        message=_("Your changes have been saved."),
        conflict=flow.Conflict(edit_url=url_for("partners.edit", partner_id=partner_id)),
    )
    if done:
        return done
    offered = db.session.scalars(
        select(Service).where(Service.office_id == partner.office_id).order_by(Service.name_de)
    ).all()
    return render_template(
        "partners/edit.html", form=form, partner=partner, services=offered
    ), flow.status(form)


# --- the partner's signed links ------------------------------------------------------------

REFUSED_STATUS = {"expired": 410, "used": 410}


def _refused(reason: str):
    return render_template("partners/link_refused.html", reason=reason), REFUSED_STATUS.get(
        reason, 404
    )


@links_bp.route("/referrals/<int:referral_id>/<action>/<token>", methods=["GET", "POST"])
@public
def answer(referral_id: int, action: str, token: str):
    secret = current_app.config["SECRET_KEY"]
    try:
        referral, partner, claim = services.open_link(referral_id, action, token, secret)
    except links.LinkRefused as refused:
        return _refused(refused.reason)
    form = AnswerForm()
    done = flow.submit(
        form,
        flow.written(
            referral,
            lambda: services.answer(referral, partner, claim, form.note.data or "", secret),
        ),
        to=url_for("partner_links.done"),
        message=_(
            "The referral is now: %(status)s.",
            status=referral_status_label(links.STATUS_OF[action]),
        ),
    )
    if done:
        return done
    shared = referrals.shared_data(referral)
    ended = referrals.sharing_ended(referral)
    if not form.is_submitted():
        services.record_view(referral, partner)
        db.session.commit()  # the audit row of this read (and an erased copy after withdrawal)
    possible = links.STATUS_OF[action] in referrals.TRANSITIONS.get(referral.status, set())
    response = make_response(
        render_template(
            "partners/answer.html",
            referral=referral,
            partner=partner,
            shared=shared,
            ended=ended,
            action=action,
            possible=possible,
            form=form,
        ),
        flow.status(form),
    )
    # Personal data for someone who is not signed in: kept by no cache, found by no robot.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@links_bp.get("/done")
@public
def done():
    return render_template("partners/done.html")
