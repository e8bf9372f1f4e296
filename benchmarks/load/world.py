"""The load benchmark's data set, the gunicorn server under test and the importer."""

from __future__ import annotations

import http.client
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent  # the repository
sys.path.insert(0, str(ROOT))
PASSWORD = "benchmark password 2026"  # noqa: S105 - throw-away data
SECRET = secrets.token_hex(32)
FAMILY = ["Rahimi", "Haddad", "Kovalenko", "Özdemir", "Yılmaz", "Noori", "Karimi", "Hussein",
          "Demir", "Khalil", "Al-Hassan", "Ahmadi", "Mohammadi", "Shevchenko", "Kaya"]  # fmt: skip
GIVEN = ["Ahmad", "Zahra", "Omar", "Olena", "Ayşe", "Mehmet", "Fatima", "Ali", "Hassan",
         "Leyla", "Yusuf", "Mariam", "Dmytro", "Amina", "Karim"]  # fmt: skip

# (action, weight): how often a caseworker does what, per action (saves are 2 requests).


def build(database_url: str, *, offices: int, caseworkers: int, persons: int, seed: int) -> dict:
    """Fill an empty database; returns who signs in and which persons each office has."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["CASEAPP_ENV"] = "development"
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from caseapp.app import create_app
    from caseapp.auth.passwords import hash_password
    from caseapp.extensions import db
    from caseapp.offices.models import OpeningHours
    from caseapp.offices.services import OfficeData, create_office
    from caseapp.people import casework
    from caseapp.people.models import Person
    from caseapp.people.services import bulk_register
    from caseapp.people.validation import PersonData
    from caseapp.users import services as users
    from caseapp.users.services import UserData

    rng = random.Random(seed)
    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        office_ids = []
        for n in range(offices):
            office = create_office(
                None, OfficeData(name=f"Integrationszentrum {n + 1}", kind="integration_centre")
            )
            db.session.flush()
            for weekday in range(5):
                db.session.add(
                    OpeningHours(
                        office_id=office.id,
                        weekday=weekday,
                        opens=clock_time(8),
                        closes=clock_time(18),
                    )
                )
            office_ids.append(office.id)
        hashed = hash_password(PASSWORD)  # once: argon2 is deliberately slow
        users.hash_password = lambda _password: hashed
        accounts = []
        for n in range(caseworkers):
            office_id = office_ids[n % offices]
            email = f"berater{n + 1}@bench.example"
            users.create_user(
                None,
                UserData(
                    email=email,
                    display_name=f"Berater:in {n + 1}",
                    roles=["caseworker"],
                    office_ids=[office_id],
                    preferred_language="de",
                ),
                PASSWORD,
            )
            accounts.append((email, office_id))
        db.session.commit()
        for index, office_id in enumerate(office_ids):
            share = persons // offices
            people = [
                PersonData(
                    given_name=rng.choice(GIVEN),
                    family_name=rng.choice(FAMILY),
                    birth_year=rng.randint(1950, 2015),
                    birth_month=rng.randint(1, 12),
                    birth_day=rng.randint(1, 28),
                    sex=rng.choice("mf"),
                    nationalities=["SY"],
                    languages=[{"code": "ar", "level": "native"}],
                    phone=f"+49 170 {rng.randint(1000000, 9999999)}",
                    external_id=f"B{index}-{i}",
                )
                for i in range(share)
            ]
            bulk_register(None, people, office_id=office_id)
            db.session.commit()
        by_office = defaultdict(list)
        for pid, office_id in db.session.execute(select(Person.id, Person.office_id)):
            by_office[office_id].append(pid)
        # Some history in the case files: three consultations for every tenth person.
        now = datetime.now(UTC)
        for office_id, ids in by_office.items():
            for pid in ids[::10]:
                person = db.session.get(Person, pid)
                for k in range(3):
                    casework.log_consultation(
                        None,
                        person.case,
                        casework.ConsultationData(
                            at=now - timedelta(days=30 * (k + 1)),
                            duration_minutes=30,
                            mode="in_person",
                            notes="Beratung zu Wohnung und Sprachkurs.",
                        ),
                        office_id=office_id,
                    )
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        db.session.remove()
        db.engine.dispose()
    return {"accounts": accounts, "persons": dict(by_office)}


DATA_KEY = "bGotc2UtYmVuY2htYXJrLWtleS0wMDAwMDAwMDAwMDA="  # 32 bytes, urlsafe base64
# The data is built in this process and read by the server: both encrypt with this key.
os.environ.setdefault("CASEAPP_DATA_KEYS", DATA_KEY)


def server_env(database_url: str, port: int) -> dict:
    env = dict(os.environ)
    env.update(
        CASEAPP_ENV="production",
        CASEAPP_SECRET_KEY=SECRET,
        CASEAPP_BASE_URL=f"http://127.0.0.1:{port}",
        CASEAPP_SECURE_COOKIES="0",  # plain HTTP on loopback
        DATABASE_URL=database_url,
        # Encryption at rest is part of what is measured; a fixed key for the throw-away data.
        CASEAPP_DATA_KEYS=os.environ["CASEAPP_DATA_KEYS"],
    )
    return env


def start_gunicorn(database_url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = server_env(database_url, port)
    command = [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--error-logfile", str(log), "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop(server)
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log}")


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) of gunicorn's master and workers so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == server.pid or int(fields[1]) == server.pid:  # fields[1]: parent
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


ONE_TRANSACTION = """
import sys, time
from wsgi import app
from caseapp.core.clock import local_today
from caseapp.extensions import db
from caseapp.people.importing import import_people
with app.app_context():
    raw = open(sys.argv[1], "rb").read()
    report = import_people(None, raw, office_id=1, today=local_today())
    db.session.commit()
    print(f"created {report.created}, rejected {len(report.errors)} (one transaction)")
"""


def start_import(
    database_url: str, rows: int, tag: str, env: dict, one_transaction: bool = False
) -> subprocess.Popen:
    """`flask people import` of a CSV with `rows` new persons, as an operator would run it."""
    path = Path(tempfile.mkdtemp()) / "persons.csv"
    rng = random.Random(tag)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("external_id;given_name;family_name;birth_date;sex;nationality;languages;")
        fh.write("district;phone;email\n")
        for n in range(rows):
            fh.write(
                f"I{tag}-{n};{rng.choice(GIVEN)};{rng.choice(FAMILY)};"
                f"{rng.randint(1950, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d};"
                f"{rng.choice('mf')};SY;ar;;;\n"
            )
    command = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "people", "import", str(path)]
    command += ["--office", "Integrationszentrum 1"]
    if one_transaction:  # the upload page's import_people (and the CLI's before issue 11)
        command = [str(ROOT / ".venv/bin/python"), "-c", ONE_TRANSACTION, str(path)]
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
