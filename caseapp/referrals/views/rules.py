"""Administrators manage routing rules and test them against a sample person before saving."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import District
from caseapp.referrals import adapters, directory, routing, wording
from caseapp.referrals.blueprint import bp
from caseapp.referrals.forms import RuleForm
from caseapp.referrals.models import RoutingRule, Service
from caseapp.referrals.views.common import shown_as_typed
from caseapp.web import flow
from caseapp.web.access import access


def _choices():
    districts = [
        (d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))
    ]
    services = [
        (s.id, f"{s.name_de} · {s.office.name}")
        for s in db.session.scalars(
            select(Service).where(Service.active.is_(True)).order_by(Service.name_de)
        )
    ]
    return {"district_choices": districts, "service_choices": services}


def _data(form: RuleForm) -> directory.RuleData:
    return directory.RuleData(
        need=form.need.data,
        service_id=form.service.data or 0,
        district_id=form.district.data or None,
        language=form.language.data or "",
        age_group=form.age_group.data or "",
        residence_status=form.residence_status.data or "",
        priority=form.priority.data or 0,
        active=bool(form.active.data),
    )


def _test(form: RuleForm, rule: RoutingRule | None):
    """Route the sample person with the rule set as it would be after saving."""
    data = _data(form)
    directory.validate_rule(data)
    rules = [r for r in adapters.active_rule_facts(data.need) if not rule or r.id != rule.id]
    if data.active:
        rules.append(adapters.rule_facts(data, rule_id=rule.id if rule else 0))
    person = routing.ReferredPerson(
        district_id=form.sample_district.data or None,
        languages=frozenset({form.sample_language.data} - {""}),
        age=form.sample_age.data,
        residence_status=form.sample_residence.data or "",
    )
    decision = routing.route(data.need, person, rules, adapters.all_service_facts(data.need))
    return decision, wording.explain(decision)


def _saved(form: RuleForm):
    """The rule as saved now, in the form's terms (for the conflict page)."""

    def saved(rule: RoutingRule) -> dict:
        return shown_as_typed(
            form,
            {
                "need": rule.need,
                "district": rule.district_id or 0,
                "language": rule.language,
                "age_group": rule.age_group,
                "residence_status": rule.residence_status,
                "service": rule.service_id,
                "priority": rule.priority,
                "active": rule.active,
            },
        )

    return saved


def _form_page(form: RuleForm, rule: RoutingRule | None):
    """A posted rule form: try it on the sample person, or save it."""
    if request.form.get("test"):
        result = None
        if form.validate_on_submit():
            try:
                result = _test(form, rule)
            except ValidationFailed as error:  # only read: nothing to roll back
                form.apply_errors(error)
        return render_template(
            "referrals/rule_form.html", form=form, rule=rule, result=result
        ), 200 if result else 400
    done = flow.submit(
        form,
        lambda: directory.save_rule(current_user, rule, _data(form), form.loaded_version()),
        to=url_for("referrals.rules"),
        message=_("The routing rule has been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("referrals.rule_edit", rule_id=rule.id) if rule else None,
            saved=_saved(form),
        ),
    )
    if done:
        return done
    return render_template("referrals/rule_form.html", form=form, rule=rule, result=None), 400


@bp.get("/rules")
@access(Role.ADMIN)
def rules():
    rows = db.session.scalars(
        select(RoutingRule).order_by(RoutingRule.need, RoutingRule.priority, RoutingRule.id)
    ).all()
    return render_template("referrals/rules.html", rules=rows)


@bp.route("/rules/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def rule_new():
    form = RuleForm(**_choices())
    if request.method == "GET":
        return render_template("referrals/rule_form.html", form=form, rule=None, result=None)
    return _form_page(form, None)


@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@access(Role.ADMIN)
def rule_edit(rule_id: int):
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None:
        abort(404)
    if request.method == "GET":
        form = RuleForm(
            **_choices(),
            need=rule.need,
            district=rule.district_id or 0,
            language=rule.language,
            age_group=rule.age_group,
            residence_status=rule.residence_status,
            service=rule.service_id,
            priority=rule.priority,
            active=rule.active,
        )
        form.version.data = rule.version
        return render_template("referrals/rule_form.html", form=form, rule=rule, result=None)
    return _form_page(RuleForm(**_choices()), rule)
