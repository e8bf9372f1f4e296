"""Demo persons: families of Syrian, Afghan, Iraqi, Turkish, Ukrainian and Eritrean origin."""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from caseapp.auth.models import OfficeMembership, User, UserRole
from caseapp.core.clock import OFFICE_TZ, local_today
from caseapp.extensions import db
from caseapp.offices.models import District, Office
from caseapp.people import casework, services
from caseapp.people.models import AidKind, Person
from caseapp.people.validation import PersonData

BERLIN = OFFICE_TZ

# origin -> (nationality, languages, male given names, female given names, family names, script)
ORIGINS = {
    "SY": (
        "SY",
        ["ar"],
        ["Mohammed", "Ahmad", "Khaled", "Omar", "Yusuf", "Hassan", "Abdulrahman", "Samer"],
        ["Fatima", "Aisha", "Rania", "Nour", "Huda", "Layla", "Rasha", "Amal"],
        ["Al-Hassan", "Haddad", "Khalil", "Darwish", "Al-Masri", "Shami", "Hamdan", "Youssef"],
    ),
    "AF": (
        "AF",
        ["fa", "ps"],
        ["Ahmad", "Mohammad", "Farid", "Jawad", "Rahim", "Naweed"],
        ["Zahra", "Maryam", "Fereshta", "Nilofar", "Shabnam"],
        ["Ahmadi", "Hakimi", "Rahimi", "Karimi", "Noori", "Sultani"],
    ),
    "IQ": (
        "IQ",
        ["ar", "ku"],
        ["Ali", "Hussein", "Mustafa", "Karwan", "Haider"],
        ["Zainab", "Sara", "Shilan", "Noor", "Ruqaya"],
        ["Al-Jubouri", "Barzani", "Kareem", "Al-Obaidi", "Hassan"],
    ),
    "TR": (
        "TR",
        ["tr", "ku"],
        ["Mehmet", "Emre", "Mustafa", "Hüseyin", "Ömer"],
        ["Ayşe", "Elif", "Zeynep", "Fatma", "Emine"],
        ["Yılmaz", "Kaya", "Demir", "Özdemir", "Şahin", "Çelik"],
    ),
    "UA": (
        "UA",
        ["uk", "ru"],
        ["Oleksandr", "Dmytro", "Andrii", "Serhii", "Mykola"],
        ["Olena", "Iryna", "Kateryna", "Natalia", "Oksana"],
        ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk"],
    ),
    "ER": (
        "ER",
        ["ti"],
        ["Tesfay", "Yonas", "Dawit", "Mehari", "Berhane"],
        ["Helen", "Senait", "Mebrat", "Selam", "Rahel"],
        ["Gebremedhin", "Tesfamariam", "Haile", "Kidane", "Woldemichael"],
    ),
}
# origin -> places of birth as the papers write them, and parents' given names (father, mother).
BIRTH_PLACES = {
    "SY": ["Aleppo", "Damaskus", "Homs", "Idlib", "Deir ez-Zor"],
    "AF": ["Kabul", "Herat", "Masar-e Scharif", "Kandahar"],
    "IQ": ["Mossul", "Bagdad", "Erbil", "Sindschar"],
    "TR": ["Gaziantep", "Diyarbakır", "Mardin", "Hatay"],
    "UA": ["Charkiw", "Kiew", "Mariupol", "Odessa"],
    "ER": ["Asmara", "Keren", "Massawa"],
}
PARENTS = {
    "SY": (["Abdullah", "Mahmoud", "Ibrahim", "Mustafa"], ["Khadija", "Maryam", "Samira", "Hanan"]),
    "AF": (["Ghulam", "Abdul", "Nasir", "Karim"], ["Gulalai", "Parwin", "Nasrin", "Soraya"]),
    "IQ": (["Jasim", "Kadhim", "Salih", "Aziz"], ["Fatima", "Amira", "Souad", "Nadia"]),
    "TR": (["Ahmet", "İbrahim", "Hasan", "Osman"], ["Hatice", "Meryem", "Hanife", "Gülsüm"]),
    "UA": (["Volodymyr", "Petro", "Ivan", "Viktor"], ["Halyna", "Liudmyla", "Tetiana", "Nina"]),
    "ER": (["Tekle", "Gebre", "Habte", "Asmerom"], ["Letebrhan", "Abrehet", "Tsega", "Saba"]),
}
ARABIC = {
    "Mohammed": "محمد",
    "Ahmad": "أحمد",
    "Khaled": "خالد",
    "Omar": "عمر",
    "Yusuf": "يوسف",
    "Hassan": "حسن",
    "Fatima": "فاطمة",
    "Aisha": "عائشة",
    "Rania": "رانيا",
    "Nour": "نور",
    "Al-Hassan": "الحسن",
    "Haddad": "حداد",
    "Khalil": "خليل",
    "Ali": "علي",
    "Hussein": "حسين",
}

AID_KINDS = [
    ("Möbelgutschein", "قسيمة أثاث", "Mobilya kuponu", 365),
    ("Kleiderkammer-Gutschein", "قسيمة ملابس", "Giysi kuponu", 90),
    ("Fahrkarte (Monatsticket)", "تذكرة مواصلات شهرية", "Aylık toplu taşıma bileti", 25),
    ("Sprachkursplatz", "مقعد في دورة لغة", "Dil kursu yeri", 180),
    ("Schulstarterpaket", "حقيبة بداية المدرسة", "Okula başlangıç paketi", 300),
]

NOTES = [
    "Termin beim Jobcenter vorbereitet, Unterlagen geprüft.",
    "Wohnungssuche besprochen; Wohnberechtigungsschein beantragt.",
    "Kita-Platz für die jüngste Tochter angefragt.",
    "Anmeldung zum Integrationskurs (B1) erledigt.",
    "Fragen zur Aufenthaltserlaubnis, Termin bei der Ausländerbehörde vereinbart.",
    "Anerkennung des Berufsabschlusses besprochen.",
]


def seed_people(count: int = 240, seed: int = 7) -> None:
    if db.session.scalar(select(func.count(Person.id))):
        return
    rng = random.Random(seed)  # noqa: S311 - made-up data, reproducible
    # The papers' details from a generator of their own, so the rest of the demo stays as it was.
    papers = random.Random(seed + 1)  # noqa: S311 - made-up data, reproducible
    for name_de, name_ar, name_tr, days in AID_KINDS:
        if not db.session.scalar(select(AidKind.id).where(AidKind.name_de == name_de)):
            db.session.add(
                AidKind(name_de=name_de, name_ar=name_ar, name_tr=name_tr, min_interval_days=days)
            )
    db.session.flush()
    kinds = list(db.session.scalars(select(AidKind)))
    districts = [d.id for d in db.session.scalars(select(District))]
    offices = [o for o in db.session.scalars(select(Office)) if o.kind != "coordination_office"]
    today = local_today()
    made = 0
    while made < count:
        office = rng.choice(offices)
        workers = list(
            db.session.scalars(
                select(User)
                .join(OfficeMembership)
                .where(OfficeMembership.office_id == office.id)
                .where(User.roles.any(UserRole.role == "caseworker"))
            )
        )
        if not workers:  # an office without caseworkers registers nobody
            offices.remove(office)
            if not offices:
                break
            continue
        worker = rng.choice(workers)
        origin = rng.choice(list(ORIGINS))
        nationality, languages, men, women, families = ORIGINS[origin]
        family = rng.choice(families)
        district = rng.choice(districts)
        arrived = today - timedelta(days=rng.randint(60, 900))
        members = [("head", "m", rng.randint(1970, 1995)), ("spouse", "f", rng.randint(1972, 1998))]
        members += [
            ("child", rng.choice("mf"), rng.randint(2008, 2022)) for _ in range(rng.randint(0, 4))
        ]
        if rng.random() < 0.3:
            members = members[:1]
        head = None
        for role, sex, year in members:
            given = rng.choice(men if sex == "m" else women)
            placeholder = rng.random() < 0.15
            data = PersonData(
                given_name=given,
                family_name=family,
                original_name=f"{ARABIC[given]} {ARABIC.get(family, '')}".strip()
                if given in ARABIC
                else "",
                birth_year=year,
                birth_month=None if placeholder else rng.randint(1, 12),
                birth_day=None if placeholder else rng.randint(1, 28),
                sex=sex,
                nationalities=[nationality],
                languages=[{"code": code, "level": "native"} for code in languages]
                + (
                    [{"code": "de", "level": rng.choice(["A1", "A2", "B1"])}]
                    if rng.random() < 0.6
                    else []
                ),
                interpreter_language=languages[0] if rng.random() < 0.4 else "",
                phone=f"+49 1{rng.randint(50, 79)} {rng.randint(1000000, 9999999)}"
                if role == "head"
                else "",
                street=f"{rng.choice(['Lennestraße', 'Bahnhofstraße', 'Am Markt', 'Kirchweg'])} {rng.randint(1, 80)}",
                postcode="58762",
                city="Altena",
                district_id=district,
                residence_status=rng.choice(
                    [
                        "asylum_seeker",
                        "recognised_refugee",
                        "subsidiary_protection",
                        "tolerated",
                        "temporary_protection",
                    ]
                ),
                arrived_germany_on=arrived,
                arrived_municipality_on=arrived + timedelta(days=rng.randint(0, 60)),
            )
            if origin == "UA":
                data.residence_status = "temporary_protection"
            _papers(papers, data, origin)
            person = services.register_person(
                worker, data, office_id=office.id, caseworker_id=worker.id, today=today
            )
            made += 1
            if head is None:
                head = person
            else:
                casework.link_household(worker, person, head, role=role, other_role="head")
            _history(rng, worker, person, kinds, today)
        if made < 12 and head is not None:
            # A deliberate duplicate: the same person registered again with another spelling.
            services.register_person(
                worker,
                PersonData(
                    given_name=head.given_name.replace("Mohammed", "Muhammad").replace(
                        "Ahmad", "Ahmed"
                    ),
                    family_name=head.family_name.replace("Al-", "El "),
                    birth_year=head.birth_year,
                    sex=head.sex,
                    nationalities=head.nationalities,
                    birth_place=head.birth_place,
                ),
                office_id=office.id,
                caseworker_id=worker.id,
                today=today,
            )
            made += 1
    db.session.flush()


def _papers(rng, data: PersonData, origin: str) -> None:
    """Place of birth and parents' names for most persons, the AZR number for some (it is on
    letters of the immigration office, which not everyone has brought yet)."""
    if rng.random() < 0.75:
        data.birth_place = rng.choice(BIRTH_PLACES[origin])
    if rng.random() < 0.6:
        fathers, mothers = PARENTS[origin]
        data.father_name = f"{rng.choice(fathers)} {data.family_name}"
        data.mother_name = rng.choice(mothers)
    if rng.random() < 0.3:
        data.azr_number = f"{rng.randrange(10**11, 10**12)}"


def _history(rng, worker, person, kinds, today) -> None:
    case = person.case
    if rng.random() < 0.35:
        return
    needs = rng.sample(
        ["language", "work", "housing", "health", "benefits", "family", "education"], 2
    )
    casework.update_case(
        worker,
        case,
        status="active",
        closed_reason="",
        caseworker_id=worker.id,
        needs=needs,
        vulnerabilities=["single_parent"] if rng.random() < 0.05 else [],
        loaded_version=case.version,
    )
    for _ in range(rng.randint(1, 5)):
        day = today - timedelta(days=rng.randint(1, 540))
        at = datetime.combine(day, time(rng.randint(8, 15), rng.choice([0, 30])), tzinfo=BERLIN)
        steps = []
        if rng.random() < 0.3:
            steps = [
                casework.StepData(
                    "Unterlagen nachreichen", today + timedelta(days=rng.randint(-5, 14)), worker.id
                )
            ]
        casework.log_consultation(
            worker,
            case,
            casework.ConsultationData(
                at=at,
                duration_minutes=rng.choice([15, 30, 45, 60]),
                mode=rng.choice(["in_person", "in_person", "phone", "home_visit"]),
                need_areas=needs[:1],
                notes=rng.choice(NOTES),
                steps=steps,
            ),
            office_id=case.office_id,
        )
    if rng.random() < 0.4:
        kind = rng.choice(kinds)
        with contextlib.suppress(casework.RepeatedAid):  # a realistic gap, not a bug
            casework.record_aid(
                worker,
                case,
                kind_id=kind.id,
                given_on=today - timedelta(days=rng.randint(1, 540)),
                value_cents=rng.choice([0, 2500, 5000, 15000]),
                note="",
                override_reason="",
                office_id=case.office_id,
                today=today,
            )
