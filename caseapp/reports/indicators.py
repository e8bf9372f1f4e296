"""The catalogue: sections (fields of work), their indicators (one cube each per year) and the
figures (one table and chart each) that show a breakdown of an indicator.

Definitions in words live in docs/indicators.md; the short `note` of a figure is what the
dashboard and the PDF print under it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from caseapp.i18n import _l
from caseapp.reports.queries import aid, appointments, barriers, casework, matching, referrals
from caseapp.reports.queries import volunteering as vol

# section -> its title; OFFICE_SECTIONS can be filtered by office, COORDINATION_SECTIONS not
# (volunteers belong to no office).
SECTIONS = {
    "casework": _l("Cases and consultations"),
    "aid": _l("Aid"),
    "referrals": _l("Referrals"),
    "appointments": _l("Appointments"),
    "volunteering": _l("Volunteers"),
    "matching": _l("Matching"),
    "barriers": _l("Structural barriers"),
}
OFFICE_SECTIONS = ("casework", "aid", "referrals", "appointments", "barriers")
COORDINATION_SECTIONS = ("volunteering", "matching")


@dataclass(frozen=True)
class Indicator:
    key: str
    section: str
    compute: Callable
    area_kinds: tuple[str, ...] = ("office", "district")
    quantiles: bool = False
    # a stock at the period's end (computed for the shown periods only)
    stock: bool = False


INDICATORS = {
    i.key: i
    for i in (
        Indicator("registrations", "casework", casework.registrations),
        Indicator("cases_open", "casework", casework.cases_open, stock=True),
        Indicator("cases_closed", "casework", casework.cases_closed),
        Indicator("persons_consulted", "casework", casework.persons_consulted),
        Indicator(
            "first_consultation_days",
            "casework",
            casework.first_consultation_days,
            quantiles=True,
        ),
        Indicator("consultations", "casework", casework.consultations),
        Indicator("next_steps", "casework", casework.next_steps),
        Indicator("aid", "aid", aid.aid),
        Indicator("repeated_aid", "aid", aid.repeated_aid),
        Indicator("referrals", "referrals", referrals.referrals, area_kinds=referrals.AREA_KINDS),
        Indicator(
            "referral_turnaround",
            "referrals",
            referrals.referral_turnaround,
            area_kinds=referrals.AREA_KINDS,
            quantiles=True,
        ),
        Indicator("appointments", "appointments", appointments.appointments),
        Indicator("reschedule_requests", "appointments", appointments.reschedule_requests),
        Indicator(
            "volunteer_signups", "volunteering", vol.volunteer_signups, area_kinds=("district",)
        ),
        Indicator(
            "volunteer_decisions",
            "volunteering",
            vol.volunteer_decisions,
            area_kinds=("district",),
        ),
        Indicator(
            "volunteers_trained", "volunteering", vol.volunteers_trained, area_kinds=("district",)
        ),
        Indicator("volunteer_hours", "volunteering", vol.volunteer_hours, area_kinds=("district",)),
        Indicator("matches_started", "matching", matching.matches_started),
        Indicator("matches_active", "matching", matching.matches_active, stock=True),
        Indicator("matches_ended", "matching", matching.matches_ended),
        Indicator("matches_six_months", "matching", matching.matches_six_months),
        Indicator("match_waiting_days", "matching", matching.match_waiting_days, quantiles=True),
        Indicator("barriers", "barriers", barriers.barriers),
    )
}


@dataclass(frozen=True)
class Figure:
    """One table (and chart) on a dashboard and in the report: a breakdown of an indicator.

    `measure`: count, value (euros), minutes (shown as hours), volunteers, quantiles
    (median and p90 rows), no_show_rate. `role`: for referrals, whether the office is the
    sending ("from") or receiving ("to") one.
    """

    key: str
    indicator: str
    title: object
    breakdown: str | None = None
    measure: str = "count"
    role: str | None = None
    note: object = ""

    @property
    def section(self) -> str:
        return INDICATORS[self.indicator].section


FIGURES = [
    Figure(
        "registrations",
        "registrations",
        _l("New registrations"),
        note=_l("Cases opened in the period (one case per person)."),
    ),
    Figure("registrations_sex", "registrations", _l("New registrations by sex"), "sex"),
    Figure("registrations_age", "registrations", _l("New registrations by age"), "age"),
    Figure(
        "registrations_nationality",
        "registrations",
        _l("New registrations by nationality"),
        "nationality",
        note=_l("The first nationality recorded."),
    ),
    Figure(
        "registrations_language",
        "registrations",
        _l("New registrations by language"),
        "language",
        note=_l("The first language recorded."),
    ),
    Figure(
        "cases_open",
        "cases_open",
        _l("Open cases at the end of the period"),
        "status",
        note=_l("Status on the last day of the period; today for the running period."),
    ),
    Figure("cases_closed", "cases_closed", _l("Closed cases by reason"), "reason"),
    Figure(
        "persons_consulted",
        "persons_consulted",
        _l("Persons with at least one consultation"),
        note=_l("Each person once per period, at the office of their case."),
    ),
    Figure(
        "first_consultation_days",
        "first_consultation_days",
        _l("Days from registration to the first consultation"),
        measure="quantiles",
        note=_l("For cases whose first consultation took place in the period."),
    ),
    Figure("consultations_mode", "consultations", _l("Consultations by mode"), "mode"),
    Figure(
        "consultations_need",
        "consultations",
        _l("Consultations by need area"),
        "need",
        note=_l("A consultation can concern several need areas; the rows do not add up."),
    ),
    Figure(
        "next_steps",
        "next_steps",
        _l("Next steps due in the period"),
        "state",
        note=_l("Done on time means done on or before the due date."),
    ),
    Figure("aid_count", "aid", _l("Aid given by kind"), "kind"),
    Figure("aid_value", "aid", _l("Value of aid given by kind (euros)"), "kind", "value"),
    Figure(
        "repeated_aid",
        "repeated_aid",
        _l("Aid given despite a repeated-aid warning"),
        "kind",
        note=_l("Given with a reason after Lotse warned of the same aid recently."),
    ),
    Figure("referrals_status", "referrals", _l("Referrals sent, by status"), "status", role="from"),
    Figure("referrals_need", "referrals", _l("Referrals sent, by need area"), "need", role="from"),
    Figure(
        "referrals_answer",
        "referrals",
        _l("Referrals sent, answered in time"),
        "answer",
        role="from",
        note=_l("Accepted or declined within the service's response time."),
    ),
    Figure(
        "referral_turnaround",
        "referral_turnaround",
        _l("Days to accept and to complete referrals sent"),
        "step",
        "quantiles",
        role="from",
    ),
    Figure(
        "referrals_received_status",
        "referrals",
        _l("Referrals received, by status"),
        "status",
        role="to",
    ),
    Figure(
        "referrals_received_answer",
        "referrals",
        _l("Referrals received, answered in time"),
        "answer",
        role="to",
    ),
    Figure(
        "referral_received_turnaround",
        "referral_turnaround",
        _l("Days to accept and to complete referrals received"),
        "step",
        "quantiles",
        role="to",
    ),
    Figure("appointments_status", "appointments", _l("Appointments by outcome"), "status"),
    Figure(
        "no_show_rate",
        "appointments",
        _l("No-show rate"),
        measure="no_show_rate",
        note=_l("Not attended, as a share of attended and not attended appointments."),
    ),
    Figure("appointments_need", "appointments", _l("Appointments by need area"), "need"),
    Figure(
        "reschedule_requests",
        "reschedule_requests",
        _l("Requests to move an appointment"),
        "state",
    ),
    Figure("volunteer_signups", "volunteer_signups", _l("Volunteer sign-ups")),
    Figure("volunteer_decisions", "volunteer_decisions", _l("Applications decided"), "decision"),
    Figure(
        "volunteers_trained",
        "volunteers_trained",
        _l("Volunteers trained, by programme"),
        "programme",
        note=_l("Certificates issued for completed training."),
    ),
    Figure(
        "volunteers_active",
        "volunteer_hours",
        _l("Active volunteers, by programme"),
        "programme",
        "volunteers",
        note=_l("Volunteers who logged at least one meeting or hour in the period."),
    ),
    Figure(
        "volunteer_hours",
        "volunteer_hours",
        _l("Hours volunteered, by programme"),
        "programme",
        "minutes",
    ),
    Figure("matches_started", "matches_started", _l("Matches made, by programme"), "programme"),
    Figure(
        "matches_active",
        "matches_active",
        _l("Matches running at the end of the period"),
        "programme",
    ),
    Figure("matches_ended", "matches_ended", _l("Matches ended, by reason"), "reason"),
    Figure(
        "matches_six_months",
        "matches_six_months",
        _l("Matches that reached six months"),
        "programme",
        note=_l("The minimum commitment of the mentoring programmes."),
    ),
    Figure(
        "match_waiting_days",
        "match_waiting_days",
        _l("Days waiting for a match"),
        measure="quantiles",
        note=_l("From joining the waiting list to the start of the match."),
    ),
    Figure(
        "barriers_field",
        "barriers",
        _l("Structural barriers by field of action"),
        "field",
        note=_l("Counts of tagged consultations only; notes never leave the case file."),
    ),
    Figure("barriers", "barriers", _l("Structural barriers"), "barrier"),
]
FIGURES_BY_KEY = {f.key: f for f in FIGURES}


def figures_of(section: str) -> list[Figure]:
    return [f for f in FIGURES if f.section == section]
