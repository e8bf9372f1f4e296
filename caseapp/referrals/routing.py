"""Choosing the responsible service for a need (pure: dataclasses in, a decision out).

Rules are tried by priority (lower number first), district-specific before city-wide; the
first rule whose criteria all match and whose service takes referrals wins. Without a
matching rule, any service of the directory that covers the need and the district is
proposed. Every decision carries reasons as codes with parameters; the web layer words them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MINOR_AGE = 18
SENIOR_AGE = 65
AGE_GROUPS = ("minor", "adult", "senior")


@dataclass(frozen=True)
class ServiceFacts:
    id: int
    office_id: int
    name: str
    needs: frozenset[str]
    district_ids: frozenset[int]  # empty: the whole city
    languages: frozenset[str]
    capacity: str = "accepting"  # accepting, waiting_list, not_accepting
    active: bool = True


@dataclass(frozen=True)
class RuleFacts:
    id: int
    need: str
    service_id: int
    priority: int = 100
    district_id: int | None = None  # None: city-wide fallback
    language: str = ""
    age_group: str = ""
    residence_status: str = ""


@dataclass(frozen=True)
class ReferredPerson:
    """What routing knows of the person a referral is for (not the case file's Person)."""

    district_id: int | None = None
    languages: frozenset[str] = frozenset()
    age: int | None = None
    residence_status: str = ""

    @property
    def age_group(self) -> str:
        if self.age is None:
            return ""
        if self.age < MINOR_AGE:
            return "minor"
        return "senior" if self.age >= SENIOR_AGE else "adult"


@dataclass(frozen=True)
class Reason:
    code: str
    value: str | int | None = None


@dataclass(frozen=True)
class Decision:
    service_id: int | None
    rule_id: int | None = None
    reasons: tuple[Reason, ...] = ()
    skipped: tuple[tuple[int, str], ...] = field(default=())  # (service id, reason code)


def _rule_matches(rule: RuleFacts, need: str, person: ReferredPerson) -> bool:
    if rule.need != need:
        return False
    if rule.district_id is not None and rule.district_id != person.district_id:
        return False
    if rule.language and rule.language not in person.languages:
        return False
    if rule.age_group and rule.age_group != person.age_group:
        return False
    return not (rule.residence_status and rule.residence_status != person.residence_status)


def _usable(service: ServiceFacts | None, need: str) -> str:
    """'' if the service can take the referral, else a reason code."""
    if service is None or not service.active:
        return "service_inactive"
    if need not in service.needs:
        return "need_not_offered"
    if service.capacity == "not_accepting":
        return "not_accepting"
    return ""


def _service_reasons(service: ServiceFacts, need: str, person: ReferredPerson) -> list[Reason]:
    reasons = []
    if person.district_id is not None and person.district_id in service.district_ids:
        reasons.append(Reason("serves_district", person.district_id))
    elif not service.district_ids:
        reasons.append(Reason("serves_city", None))
    reasons.append(Reason("offers_need", need))
    for code in sorted(service.languages & person.languages):
        if code != "de":
            reasons.append(Reason("speaks", code))
    if service.capacity == "waiting_list":
        reasons.append(Reason("waiting_list", None))
    return reasons


def route(
    need: str,
    person: ReferredPerson,
    rules: list[RuleFacts],
    services: list[ServiceFacts],
    *,
    exclude: frozenset[int] = frozenset(),
) -> Decision:
    """The responsible service for `need`, or Decision(None) with the reasons why not."""
    by_id = {s.id: s for s in services}
    skipped: list[tuple[int, str]] = []
    ordered = sorted(rules, key=lambda r: (r.priority, r.district_id is None, r.id))
    for rule in ordered:
        if rule.service_id in exclude or not _rule_matches(rule, need, person):
            continue
        service = by_id.get(rule.service_id)
        problem = _usable(service, need)
        if problem:
            skipped.append((rule.service_id, problem))
            continue
        reasons = [Reason("rule_fallback" if rule.district_id is None else "rule", rule.id)]
        if rule.age_group:
            reasons.append(Reason("age_group", rule.age_group))
        if rule.residence_status:
            reasons.append(Reason("residence_status", rule.residence_status))
        return Decision(
            service.id,
            rule.id,
            tuple(_service_reasons(service, need, person) + reasons),
            tuple(skipped),
        )
    # No rule: a directory entry that covers the need where the person lives.
    candidates = [
        s
        for s in services
        if s.id not in exclude
        and not _usable(s, need)
        and (not s.district_ids or person.district_id in s.district_ids)
    ]
    if candidates:

        def score(s: ServiceFacts):
            return (
                person.district_id not in s.district_ids,  # district-specific first
                s.capacity != "accepting",
                -len(s.languages & person.languages),
                s.id,
            )

        best = min(candidates, key=score)
        reasons = [*_service_reasons(best, need, person), Reason("directory", None)]
        return Decision(best.id, None, tuple(reasons), tuple(skipped))
    return Decision(None, None, (Reason("no_service", need),), tuple(skipped))


def candidates(
    need: str, person: ReferredPerson, services: list[ServiceFacts]
) -> list[ServiceFacts]:
    """Every service a caseworker may choose instead: covers the need and takes referrals."""
    usable = [s for s in services if not _usable(s, need)]
    return sorted(
        usable,
        key=lambda s: (
            bool(s.district_ids) and person.district_id not in s.district_ids,
            s.name.casefold(),
        ),
    )
