"""Command-line interface: demo data, scripted account setup, translations, quickstart."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.catalogs import TRANSLATIONS
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")
translate_cli = AppGroup("translate", help="Extract, update, compile and check translations.")
attempts_cli = AppGroup("attempts", help="Failed sign-ins and other throttled tries.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    help="May be given several times.",
)
@click.option("--office", "offices", multiple=True, help="Office name; may be given several times.")
@click.option("--password", required=True, help="Initial password.")
@click.option("--name", default=None, help="Display name (defaults to the e-mail address).")
@with_appcontext
def create_user_command(email, roles, offices, password, name):
    """Create an account for scripted setup."""
    from caseapp.offices.models import Office
    from caseapp.users.services import UserData, create_user

    office_ids = []
    for office_name in offices:
        office = db.session.scalar(select(Office).where(Office.name == office_name))
        if office is None:
            raise click.ClickException(f"unknown office: {office_name}")
        office_ids.append(office.id)
    data = UserData(
        email=email, display_name=name or email, roles=list(roles), office_ids=office_ids
    )
    try:
        user = create_user(None, data, password)
    except ValidationFailed as error:
        db.session.rollback()
        for field, messages in error.errors.items():
            for message in messages:
                click.echo(f"{field}: {message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"created user {user.id} {user.email}")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create realistic demo data (idempotent) and print the demo logins."""
    from caseapp.demo import DEMO_PASSWORD
    from caseapp.demo import seed_demo as seed

    logins = seed()
    db.session.commit()
    click.echo("")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    width = max(len(e) for e, _r, _o in logins)
    roles = max(12, *(len(r) for _e, r, _o in logins))
    click.echo(f"  {'E-MAIL'.ljust(width)}  {'ROLE'.ljust(roles)}  OFFICE")
    for email, role, office in logins:
        click.echo(f"  {email.ljust(width)}  {role.ljust(roles)}  {office}")
    from caseapp.demo import portal_demo_login

    portal = portal_demo_login()
    db.session.commit()
    if portal:
        click.echo("")
        click.echo("Newcomer portal (/portal/login), a new code on every run:")
        click.echo(f"  case number {portal[0]}  access code {portal[1]}")


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", *args])


@translate_cli.command("extract")
def translate_extract():
    """Write translations/messages.pot from the code and templates."""
    root = str(TRANSLATIONS.parent)
    _pybabel(
        "extract",
        "-F",
        f"{root}/babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "-o",
        str(TRANSLATIONS / "messages.pot"),
        root,
    )


@translate_cli.command("update")
def translate_update():
    """Extract, then merge new strings into every catalog."""
    translate_extract.callback()
    _pybabel(
        "update",
        "-i",
        str(TRANSLATIONS / "messages.pot"),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


@translate_cli.command("compile")
def translate_compile():
    """Compile .po catalogs into .mo files (done by setup and tests; .mo is not committed)."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


@translate_cli.command("check")
def translate_check():
    """Fail on untranslated, fuzzy or inconsistent entries."""
    from caseapp.catalogs import catalog_problems, extract_ids
    from caseapp.i18n import LANGUAGES

    ids = extract_ids()
    problems = [p for code in LANGUAGES if code != "en" for p in catalog_problems(code, ids)]
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo(f"catalogs complete: {len(ids)} messages in {len(LANGUAGES) - 1} languages")


@attempts_cli.command("purge")
@with_appcontext
def purge_attempts_command():
    """Delete tries no throttle rule counts any more (older than a day); run it daily."""
    from caseapp.core.clock import utcnow
    from caseapp.web import throttle

    removed = throttle.purge(utcnow())
    db.session.commit()
    click.echo(f"removed {removed} attempts")


def register_cli(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(attempts_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(seed_demo_command)
