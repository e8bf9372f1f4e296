"""Both sides of a match are told when it starts and ends, each in their own language."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from caseapp.appointments.reminders import contacts_for
from caseapp.matches.models import Match
from caseapp.outbox.links import external_url
from caseapp.outbox.services import enqueue, enqueue_template
from caseapp.portal.access import newcomer_language


def first_name(full: str) -> str:
    return (full or "").strip().split(" ")[0]


def _send_both(match: Match, event: str) -> None:
    volunteer = match.volunteer
    person = match.person
    v_lang = volunteer.language
    enqueue_template(
        volunteer.email,
        f"emails/matches/{event}_volunteer",
        v_lang,
        dedupe_key=f"match-{match.id}-{event}-volunteer",
        name=first_name(volunteer.name),
        newcomer=person.given_name,
        programme=match.programme.name(v_lang),
        contact=match.agreed_contact,
        home_url=external_url("volunteers.me"),
    )
    n_lang = newcomer_language(person)
    for contact in contacts_for(person):
        if contact.channel == "sms":
            with force_locale(n_lang):
                body = render_template(
                    f"emails/matches/sms_{event}.txt",
                    volunteer=first_name(volunteer.name),
                    programme=match.programme.name(n_lang),
                    contact=match.agreed_contact,
                )
            enqueue(
                contact.recipient,
                "",
                body.strip() + "\n",
                language=n_lang,
                channel="sms",
                dedupe_key=f"match-{match.id}-{event}-newcomer-sms",
            )
            continue
        enqueue_template(
            contact.recipient,
            f"emails/matches/{event}_newcomer",
            n_lang,
            dedupe_key=f"match-{match.id}-{event}-newcomer",
            name=person.given_name,
            volunteer=first_name(volunteer.name),
            programme=match.programme.name(n_lang),
            contact=match.agreed_contact,
            portal_url=external_url("portal.home", lang=n_lang),
        )


def match_started(match: Match) -> None:
    _send_both(match, "started")


def match_ended(match: Match) -> None:
    _send_both(match, "ended")
