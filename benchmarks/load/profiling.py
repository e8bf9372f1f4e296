"""The load benchmark's mix in-process under cProfile: where a request's time goes."""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import defaultdict

from load.client import CSRF, Ledger, Record, Session, _actions


def profile(database_url: str, world: dict, count: int, seed: int) -> None:
    """The mix through Flask's test client under cProfile: time and SQL statements per kind."""
    import cProfile
    import pstats

    from sqlalchemy import event

    os.environ.update(CASEAPP_ENV="development", DATABASE_URL=database_url)
    from caseapp.app import create_app
    from caseapp.extensions import db

    app = create_app()
    statements = [0]
    with app.app_context():

        @event.listens_for(db.engine, "before_cursor_execute")
        def counting(*_args):
            statements[0] += 1

    records: list[Record] = []
    per_kind = defaultdict(list)

    class TestClientSession(Session):
        def __init__(self, *args):
            super().__init__(*args)
            self.client = app.test_client()

        def call(self, kind, method, path, form=None, due=None):
            before = statements[0]
            started = time.process_time()
            response = self.client.open(path, method=method, data=form)
            text = response.get_data(as_text=True)
            per_kind[kind].append(((time.process_time() - started) * 1000, statements[0] - before))
            token = CSRF.search(text)
            if token:
                self.csrf = token.group(1)
            return response.status_code, text

    email, office_id = world["accounts"][0]
    session = TestClientSession(
        0, email, office_id, world["persons"][office_id], Ledger(), records, random.Random(seed)
    )
    session.sign_in()
    for action in _actions(random.Random(seed), 50):  # warm caches and templates
        session.act(action)
    per_kind.clear()
    for action in _actions(random.Random(seed + 1), count):  # timed without the profiler
        session.act(action)
    print(f"\n{'request':<20} {'n':>5} {'CPU ms median':>14} {'SQL median':>11} {'SQL max':>8}")
    everything = []
    for kind, samples in sorted(per_kind.items()):
        ms = [m for m, _s in samples]
        sql = [s for _m, s in samples]
        everything += samples
        print(
            f"{kind:<20} {len(samples):>5} {statistics.median(ms):>14.1f} "
            f"{statistics.median(sql):>11.0f} {max(sql):>8}"
        )
    print(
        f"{'all (mean)':<20} {len(everything):>5} "
        f"{statistics.mean(m for m, _s in everything):>14.1f} "
        f"{statistics.mean(s for _m, s in everything):>11.1f}"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for action in _actions(random.Random(seed + 1), count):
        session.act(action)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if os.environ.get("BENCH_PROFILE_OUT"):
        stats.dump_stats(os.environ["BENCH_PROFILE_OUT"])
    stats.sort_stats("cumulative").print_stats(r"caseapp|flask_login|jinja2/environment", 45)
    stats.sort_stats("tottime").print_stats(25)
