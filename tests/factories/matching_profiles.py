"""Random newcomer and volunteer profiles for the pure matching engine (no database)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from caseapp.matches.engine.scoring import (
    ALL_SLOTS,
    Districts,
    NewcomerProfile,
    Programme,
    VolunteerProfile,
)

TODAY = date(2026, 11, 30)
MENTOR = Programme(code="mentor", requires_good_conduct=True)
DISTRICTS = Districts(
    {
        "Altstadt": {"Weststadt", "Oststadt"},
        "Weststadt": {"Nordstadt"},
        "Oststadt": set(),
        "Hafen": set(),
    }
)


def random_round(seed: int, n_new: int = 80, n_vol: int = 25):
    """Newcomers and volunteers with mixed languages, districts, slots and capacities 0–3;
    about one volunteer in ten fails a programme requirement."""
    rng = random.Random(seed)
    names = ["Altstadt", "Weststadt", "Oststadt", "Nordstadt", "Hafen"]
    langs = ["ar", "de", "fa", "uk", "tr"]
    levels = ["A2", "B1", "B2", "C1", "native"]
    slots = sorted(ALL_SLOTS)
    hobbies = ["football", "chess", "music", "cooking", "hiking"]
    newcomers = [
        NewcomerProfile(
            id=i,
            programme="mentor",
            languages={c: rng.choice(levels) for c in rng.sample(langs, rng.randint(1, 3))},
            district=rng.choice(names),
            gender=rng.choice(["male", "female"]),
            gender_preference=rng.choice([None, None, None, "female"]),
            age=rng.choice([None, rng.randint(18, 70)]),
            needs=tuple(rng.sample(["work", "housing", "language", "health"], 2)),
            interests=tuple(rng.sample(hobbies, rng.randint(0, 3))),
            availability=frozenset(rng.sample(slots, rng.randint(3, 12))),
            waiting_since=TODAY - timedelta(days=rng.randint(0, 500)),
            previous_volunteer_ids=frozenset({f"v{rng.randint(0, n_vol)}"}),
            do_not_match_ids=frozenset({f"v{rng.randint(0, n_vol)}"})
            if rng.random() < 0.2
            else frozenset(),
        )
        for i in range(n_new)
    ]
    volunteers = [
        VolunteerProfile(
            id=f"v{j}",
            languages={c: rng.choice(levels) for c in rng.sample(langs, rng.randint(1, 3))},
            district=rng.choice(names),
            approved_programmes=frozenset({"mentor"}),
            trained_programmes=frozenset({"mentor"} if rng.random() < 0.9 else ()),
            good_conduct_valid_until=TODAY + timedelta(days=365),
            gender=rng.choice(["male", "female", "diverse"]),
            age=rng.choice([None, rng.randint(18, 80)]),
            profession=rng.choice(["HR clerk", "teacher", "nurse", "engineer", ""]),
            interests=tuple(rng.sample(hobbies, rng.randint(0, 3))),
            availability=frozenset(rng.sample(slots, rng.randint(3, 14))),
            capacity=rng.randint(0, 3),
        )
        for j in range(n_vol)
    ]
    return newcomers, volunteers


def locks_and_rejections(seed: int, newcomers, volunteers):
    """A few locked pairs (newcomer id → volunteer id) and rejected pairs."""
    rng = random.Random(seed + 1000)
    ids = [n.id for n in newcomers]
    vols = [v.id for v in volunteers]
    locked = {n: rng.choice(vols) for n in rng.sample(ids, 3)}
    rejected = {(rng.choice(ids), rng.choice(vols)) for _ in range(10)}
    return locked, rejected
