"""Caseworkers' browsers for the load benchmark: sessions, the mix, closed and open loops,
figures and the ledger of acknowledged writes."""

from __future__ import annotations

import http.client
import os
import platform
import queue
import random
import re
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from load.world import FAMILY, GIVEN, PASSWORD

BERLIN = ZoneInfo("Europe/Berlin")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

MIX = [
    ("home", 10),
    ("case_list", 18),
    ("search_typing", 15),
    ("search", 7),
    ("case_file", 30),
    ("consultation", 10),
    ("booking", 5),
    ("calendar", 4),
    ("sign_in_again", 1),
]
# --mix search: ten caseworkers at the search box (issue 13: "under 10 concurrent searchers"),
# the live search as they type and now and then a submitted search.
MIXES = {"caseworker": list(MIX), "search": [("search_typing", 3), ("search", 1)]}


def use_mix(name: str) -> None:
    MIX[:] = MIXES[name]


REQUESTS = {"consultation": 2, "booking": 2, "sign_in_again": 4}  # per action; others: 1
EXPECTED = {
    "sign_in": 302,
    "sign_out": 302,
    "consultation_save": 302,
    "booking_save": 302,
}  # others: 200


@dataclass
class Record:
    kind: str
    at: float  # when the request (or its action, in the open loop) was due
    ms: float
    status: int


@dataclass
class Ledger:
    """Writes the server acknowledged (302), by marker; and writes that got no answer."""

    acknowledged: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unanswered: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, table: str, marker: str, acknowledged: bool) -> None:
        with self.lock:
            (self.acknowledged if acknowledged else self.unanswered)[table].append(marker)


class Session:
    """One caseworker's browser: a cookie jar, a keep-alive connection, the CSRF token."""

    def __init__(self, port, email, office_id, persons, ledger, records, rng):
        self.port, self.email, self.office_id = port, email, office_id
        self.persons, self.ledger, self.records, self.rng = persons, ledger, records, rng
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def call(self, kind, method, path, form=None, due=None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        due = started if due is None else due
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
        except (OSError, http.client.HTTPException):
            self.conn.close()
            text, status = "", 0
        self.records.append(Record(kind, due, (time.perf_counter() - due) * 1000, status))
        token = CSRF.search(text)
        if token:
            self.csrf = token.group(1)
        return status, text

    def sign_in(self, due=None) -> bool:
        self.cookies.clear()
        self.call("login_page", "GET", "/login", due=due)
        form = {"email": self.email, "password": PASSWORD, "csrf_token": self.csrf}
        status, _text = self.call("sign_in", "POST", "/login", form)
        self.call("home", "GET", "/home")  # where the sign-in leads; brings a fresh token
        return status == 302

    def act(self, action: str, due=None) -> None:
        rng = self.rng
        person = rng.choice(self.persons)
        if action == "home":
            self.call("home", "GET", "/home", due=due)
        elif action == "case_list":
            sort = rng.choice(["-updated", "name", "case_number"])
            self.call("case_list", "GET", f"/people/?page={rng.randint(1, 5)}&sort={sort}", due=due)
        elif action in ("search_typing", "search"):
            q = rng.choice(FAMILY)[: rng.randint(3, 6)]
            if rng.random() < 0.3:
                q = f"{rng.choice(GIVEN)} {q}"
            form = {"csrf_token": self.csrf, "q": q}
            if action == "search_typing":
                form.update(fragment="1", compact="1")
            self.call(action, "POST", "/people/", form, due=due)
        elif action == "case_file":
            self.call("case_file", "GET", f"/people/{person}", due=due)
        elif action == "consultation":
            self.call("consultation_form", "GET", f"/people/{person}/consultations/new", due=due)
            marker = f"bench:{uuid.uuid4()}"
            at = datetime.now(BERLIN).replace(second=0, microsecond=0) - timedelta(minutes=5)
            form = {
                "csrf_token": self.csrf,
                "submission_id": str(uuid.uuid4()),
                "at": at.strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "20",
                "mode": "in_person",
                "interpreter_language": "",
                "notes": marker,
            }
            status, _ = self.call(
                "consultation_save", "POST", f"/people/{person}/consultations/new", form
            )
            self.ledger.add("consultations", marker, status == 302)
        elif action == "booking":
            self.call("booking_form", "GET", f"/appointments/person/{person}/new", due=due)
            marker = f"bench:{uuid.uuid4()}"
            day = date.today() + timedelta(days=rng.randint(1, 60))
            while day.weekday() >= 5:
                day += timedelta(days=1)
            starts = datetime.combine(day, clock_time(rng.randint(8, 16), rng.choice([0, 30])))
            form = {
                "csrf_token": self.csrf,
                "submission_id": str(uuid.uuid4()),
                "office": str(self.office_id),
                "room": "0",
                "caseworker": "0",
                "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "30",
                "need_area": "",
                "purpose": marker,
                "interpreter_language": "",
                "notes_for_newcomer": "",
                "confirm_overlap": "y",
            }
            status, _ = self.call(
                "booking_save", "POST", f"/appointments/person/{person}/new", form
            )
            self.ledger.add("appointments", marker, status == 302)
        elif action == "calendar":
            self.call("calendar", "GET", "/appointments/calendar", due=due)
        elif action == "sign_in_again":
            self.call("sign_out", "POST", "/logout", {"csrf_token": self.csrf}, due=due)
            self.sign_in()


def _actions(rng: random.Random, count: int) -> list[str]:
    names, weights = zip(*MIX, strict=True)
    return rng.choices(names, weights, k=count)


def make_sessions(port, world, count, ledger, records, seed) -> list[Session]:
    sessions = []
    for n in range(count):
        email, office_id = world["accounts"][n % len(world["accounts"])]
        persons = world["persons"][office_id]
        session = Session(port, email, office_id, persons, ledger, records, random.Random(seed + n))
        sessions.append(session)

    def sign_in(session: Session) -> None:
        for _attempt in range(5):
            if session.sign_in():
                return
        raise SystemExit(f"{session.email} could not sign in")

    threads = [threading.Thread(target=sign_in, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sessions


def closed_loop(sessions: list[Session], seconds: float, until=None, think: float = 0) -> float:
    """Every session works for `seconds` (or until `until()` is true), without pause or with
    a random pause of `think` seconds on average after each answer; returns the wall time."""
    stop_at = time.perf_counter() + seconds

    def work(session: Session):
        while (until() is False) if until else time.perf_counter() < stop_at:
            session.act(_actions(session.rng, 1)[0])
            if think:
                time.sleep(session.rng.expovariate(1 / think))

    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def open_loop(sessions: list[Session], rate: float, seconds: float, seed: int, until=None) -> float:
    """Actions start at fixed times (Poisson arrivals) so that requests arrive at `rate`/s."""
    rng = random.Random(seed)
    weights = dict(MIX)
    per_action = sum(w * REQUESTS.get(a, 1) for a, w in MIX) / sum(weights.values())
    action_rate = rate / per_action
    idle: queue.Queue[Session] = queue.Queue()
    for s in sessions:
        idle.put(s)
    threads = []
    started = time.perf_counter()
    due = started
    while until() is False if until else due < started + seconds:
        due += rng.expovariate(action_rate)
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        action = _actions(rng, 1)[0]

        def run(action=action, due=due):
            session = idle.get()  # waiting for a free session counts in the request's time
            try:
                session.act(action, due=due)
            finally:
                idle.put(session)

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)
    for t in threads:
        t.join()
    return time.perf_counter() - started


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else 0.0


def summary(records: list[Record], wall: float) -> dict:
    latencies = [r.ms for r in records]
    errors = [r for r in records if r.status != EXPECTED.get(r.kind, 200)]
    return {
        "requests": len(records),
        "rps": len(records) / wall,
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "max": max(latencies, default=0.0),
        "errors": len(errors),
        "error_kinds": Counter(f"{r.kind}:{r.status}" for r in errors),
        "by_kind": {
            kind: (len(ms), percentile(ms, 0.5), percentile(ms, 0.95))
            for kind, ms in _by_kind(records).items()
        },
    }


def _by_kind(records):
    grouped = defaultdict(list)
    for r in records:
        grouped[r.kind].append(r.ms)
    return grouped


def check_ledger(database_url: str, ledger: Ledger) -> dict:
    """Every acknowledged write exists exactly once; unanswered ones at most once."""
    from collections import Counter

    from sqlalchemy import create_engine, text

    from caseapp.crypto.keys import Keyring, split_keys

    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    columns = {"consultations": "notes", "appointments": "purpose"}
    # Notes are stored encrypted (caseapp/crypto): read every value and decrypt it here with
    # the key the server was given (world.py), then count the markers.
    keyring = Keyring(split_keys(os.environ["CASEAPP_DATA_KEYS"]))
    result = {"acknowledged": 0, "missing": 0, "duplicated": 0, "unanswered_stored": 0}
    with engine.connect() as conn:
        for table, column in columns.items():
            values = conn.execute(text(f"SELECT {column} FROM {table}")).scalars()  # noqa: S608
            counts = Counter(
                plain
                for plain in (keyring.decrypt(v or "") for v in values)
                if plain.startswith("bench:")
            )
            for marker in ledger.acknowledged[table]:
                result["acknowledged"] += 1
                n = counts.get(marker, 0)
                result["missing"] += n == 0
                result["duplicated"] += n > 1
            for marker in ledger.unanswered[table]:
                n = counts.get(marker, 0)
                result["unanswered_stored"] += n == 1
                result["duplicated"] += n > 1
    engine.dispose()
    return result


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} at the end"
    )
