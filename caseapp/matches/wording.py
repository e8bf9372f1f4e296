"""Engine reason codes → plain sentences in the viewer's language."""

from __future__ import annotations

from flask_babel import format_percent

from caseapp.i18n import _, _l, current_language, language_name, ngettext
from caseapp.people.vocab import NEED_AREAS
from caseapp.volunteers.labels import DAYPARTS, GENDERS
from caseapp.volunteers.labels import LEVELS as LEVEL_WORDS
from caseapp.web.templating import weekday_name

CONSTRAINTS = {
    "inactive": _l("volunteer is paused or inactive"),
    "not_approved": _l("not approved for the programme"),
    "not_trained": _l("training not completed"),
    "good_conduct_missing_or_expired": _l("certificate of good conduct missing or expired"),
    "no_capacity": _l("no free place"),
    "out_of_reach": _l("lives too far away"),
    "no_shared_language": _l("no shared language"),
    "gender_preference": _l("gender preference not met"),
    "no_common_availability": _l("no common free time"),
    "do_not_rematch": _l("ended earlier with “do not match again”"),
    "rejected": _l("rejected earlier by a coordinator"),
    "not_waiting": _l("the newcomer is no longer waiting"),
}

FIXES = {
    "reactivate_volunteer": _l("reactivate the volunteer"),
    "approve_for_programme": _l("approve the volunteer for the programme"),
    "complete_training": _l("the volunteer completes the training"),
    "renew_good_conduct": _l("see a current certificate of good conduct"),
    "raise_capacity": _l("the volunteer takes one more person"),
    "extend_reach": _l("mark the districts as neighbours"),
    "arrange_interpreter": _l("arrange an interpreter"),
    "ask_about_gender_preference": _l("ask whether the gender preference can be relaxed"),
    "align_availability": _l("agree on a common time"),
}

END_REASONS = {
    "completed": _l("completed"),
    "moved_away": _l("moved away"),
    "no_contact": _l("no contact"),
    "conflict": _l("conflict"),
    "volunteer_stopped": _l("the volunteer stopped"),
    "other": _l("other reason"),
}

MATCH_STATUS = {"active": _l("active"), "paused": _l("paused"), "ended": _l("ended")}
PROPOSAL_STATUS = {
    "proposed": _l("proposed"),
    "accepted": _l("accepted"),
    "rejected": _l("rejected"),
    "superseded": _l("replaced by a newer round"),
}
REQUEST_STATUS = {
    "waiting": _l("waiting"),
    "matched": _l("matched"),
    "withdrawn": _l("withdrawn"),
    "done": _l("completed"),
}


def list_sep() -> str:
    """The separator of a list in running text: the Arabic comma in Arabic."""
    return "، " if current_language() == "ar" else ", "


def _level(level: str) -> str:
    return str(LEVEL_WORDS["native"]) if level == "native" else level


def _lang(code: str) -> str:
    return language_name(code) or code


def _need(code: str) -> str:
    label = NEED_AREAS.get(code)
    return str(label) if label else code


def _slot(slot) -> str:
    day, part = slot
    return f"{weekday_name(int(day))} {DAYPARTS.get(part, part)}"


def reason_text(code: str, params: dict) -> str:
    p = params or {}
    if code == "needs_skill":
        return _(
            "needs help with %(need)s — volunteer: %(skill)s",
            need=_need(p.get("need", "")),
            skill=p.get("skill", ""),
        )
    if code == "shared_interests":
        return _(
            "shared interests: %(interests)s", interests=list_sep().join(p.get("interests", []))
        )
    if code == "similar_age":
        return ngettext(
            "similar age (%(num)d year apart)",
            "similar age (%(num)d years apart)",
            int(p.get("difference", 0)),
        )
    if code == "shared_language":
        return _(
            "both speak %(language)s (at least %(level)s)",
            language=_lang(p.get("language", "")),
            level=_level(p.get("level", "")),
        )
    if code == "interpreter_arranged":
        return _("no shared language, an interpreter is arranged")
    if code == "same_district":
        return _("lives in the same district (%(district)s)", district=p.get("district", ""))
    if code == "neighbouring_district":
        return _("lives in the neighbouring district %(district)s", district=p.get("district", ""))
    if code == "waited_days":
        return ngettext("waited %(num)d day", "waited %(num)d days", int(p.get("days", 0)))
    if code == "continuity":
        return _("they already know each other")
    if code == "common_times":
        slots = list_sep().join(_slot(s) for s in p.get("slots", []))
        return ngettext(
            "%(num)d common free time (%(slots)s)",
            "%(num)d common free times (%(slots)s)",
            int(p.get("count", 0)),
            slots=slots,
        )
    return code


def unmatched_text(reason: dict, programme_name: str) -> str:
    code = (reason or {}).get("code", "")
    p = (reason or {}).get("params") or {}
    if code == "no_volunteers":
        return _("No volunteer has applied for %(programme)s yet.", programme=programme_name)
    if code == "no_eligible_volunteer":
        failed = CONSTRAINTS.get(p.get("failed", ""), "")
        return _(
            "No volunteer can take part in %(programme)s at the moment (most often: %(failed)s).",
            programme=programme_name,
            failed=failed,
        )
    if code == "no_candidate_in_reach":
        return _(
            "No available volunteer lives in or near %(district)s.",
            district=p.get("district") or _("an unknown district"),
        )
    if code == "no_candidate_language":
        languages = list_sep().join(_lang(c) for c in p.get("languages", []))
        languages = languages or _("no language given")
        return _(
            "No available volunteer in reach speaks %(languages)s.",
            languages=languages,
        )
    if code == "no_candidate_gender":
        gender = GENDERS.get(p.get("gender", ""), p.get("gender", ""))
        return _("No volunteer in reach is %(gender)s, as preferred.", gender=gender)
    if code == "no_candidate_availability":
        return _("No suitable volunteer is free at the same times.")
    if code == "no_candidate_excluded":
        return _("The only suitable volunteers were rejected earlier or must not be matched again.")
    if code == "candidates_taken":
        return ngettext(
            "%(num)d volunteer would fit, but the best overall pairing gave them to others.",
            "%(num)d volunteers would fit, but the best overall pairing gave them to others.",
            int(p.get("candidates", 0)),
        )
    return code


def constraint_text(code: str) -> str:
    return str(CONSTRAINTS.get(code, code))


def fix_text(code: str) -> str:
    return str(FIXES.get(code, code))


def round_quality_text(stats: dict) -> str:
    """How close a round's total is to the best possible one ('' for rounds stored before
    the bound existed). Pruned rounds name the proven gap; the others are exact."""
    if "upper_bound" not in stats:
        return ""
    if not stats.get("pruned"):
        return _("Exact: the best possible total score.")
    return _(
        "Within %(gap)s of the best possible total score. The round was large, so it compared "
        "each person's best candidates only; the best possible total is a proven bound over "
        "all pairs.",
        gap=format_percent(float(stats.get("gap", 0.0)), format="#,##0.0##%"),
    )
