"""Demo data for volunteers: the six programmes, about twenty volunteers in every state,
trainings with attendance, certificates and logged hours (idempotent)."""

from __future__ import annotations

import contextlib
from datetime import datetime, time, timedelta

from sqlalchemy import delete, select

from caseapp.auth.models import User
from caseapp.auth.normalise import normalise_email
from caseapp.core.clock import OFFICE_TZ, local_today, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.offices.models import District
from caseapp.outbox.models import OutboxMessage
from caseapp.users.services import UserData, create_user
from caseapp.volunteers import services, trainings
from caseapp.volunteers.models import Programme, TrainingRegistration, Volunteer

BERLIN = OFFICE_TZ

PROGRAMMES = [
    {
        "kind": "kuemmerer",
        "name_de": "Kümmerer",
        "name_ar": "الراعي المتطوع (كوميرر)",
        "name_tr": "Kümmerer – gönüllü hane destekçisi",
        "description_de": (
            "Wie in Altena: Ehrenamtliche Kümmerer nehmen sich einer Wohneinheit oder "
            "Familie an, helfen bei den ersten Schritten im neuen Zuhause, begleiten zu "
            "Terminen und setzen sich mit den Sorgen der Menschen auseinander – bis sie ihren "
            "Alltag allein bewältigen."
        ),
        "description_ar": (
            "كما في مدينة ألتينا: يتكفّل المتطوعون برعاية مسكن أو أسرة، ويساعدون في الخطوات "
            "الأولى في البيت الجديد، ويرافقون إلى المواعيد، ويهتمون بهموم الناس حتى يتمكنوا "
            "من تدبير حياتهم اليومية بأنفسهم."
        ),
        "description_tr": (
            "Altena'daki gibi: Gönüllü Kümmerer'ler bir konutu ya da aileyi üstlenir, yeni "
            "evdeki ilk adımlarda yardım eder, randevulara eşlik eder ve insanlar günlük "
            "hayatlarını kendi başlarına yürütene kadar sorunlarıyla ilgilenir."
        ),
        "min_commitment_months": 12,
        "required_trainings": 2,
        "good_conduct_required": True,
        "max_newcomers": 2,
    },
    {
        "kind": "welcome_ambassador",
        "name_de": "Willkommensbotschafter",
        "name_ar": "سفراء الترحيب",
        "name_tr": "Hoş geldin elçileri",
        "description_de": (
            "Sie treffen eine oder mehrere neu angekommene Personen für einige Monate, "
            "erklären örtliche Gepflogenheiten und einfache Behördenwege, üben Alltagsdeutsch "
            "und stellen andere Menschen aus der Nachbarschaft vor."
        ),
        "description_ar": (
            "تلتقي بشخص أو أكثر من القادمين الجدد لبضعة أشهر، وتشرح العادات المحلية "
            "والإجراءات الإدارية البسيطة، وتتدرب معهم على الألمانية اليومية، وتعرّفهم على "
            "أهل الحي."
        ),
        "description_tr": (
            "Birkaç ay boyunca bir ya da daha fazla yeni gelen kişiyle buluşur, yerel "
            "alışkanlıkları ve basit resmi işlemleri anlatır, günlük Almanca pratiği yapar "
            "ve onları mahalleden başka insanlarla tanıştırırsınız."
        ),
        "min_commitment_months": 6,
        "required_trainings": 1,
        "good_conduct_required": False,
        "max_newcomers": 3,
    },
    {
        "kind": "mentor",
        "name_de": "Mentoring Beruf, Ausbildung und Gründung",
        "name_ar": "الإرشاد في العمل والتدريب المهني وتأسيس المشاريع",
        "name_tr": "İş, meslek eğitimi ve girişimcilik mentorluğu",
        "description_de": (
            "Berufserfahrene begleiten Zugewanderte mit Qualifikation im gleichen Feld: "
            "Lebenslauf, Anerkennung von Abschlüssen, Praktikum, Bewerbung – oder den Weg "
            "in die eigene Firma."
        ),
        "description_ar": (
            "يرافق أصحاب الخبرة المهنية القادمين الجدد المؤهلين في المجال نفسه: السيرة "
            "الذاتية، ومعادلة الشهادات، والتدريب العملي، وطلبات العمل – أو الطريق إلى "
            "تأسيس مشروع خاص."
        ),
        "description_tr": (
            "Deneyimli çalışanlar aynı alanda nitelikli göçmenlere eşlik eder: özgeçmiş, "
            "diploma denkliği, staj, iş başvurusu – ya da kendi işini kurma yolu."
        ),
        "min_commitment_months": 6,
        "required_trainings": 1,
        "good_conduct_required": False,
        "max_newcomers": 2,
    },
    {
        "kind": "language_partner",
        "name_de": "Sprachpatenschaft",
        "name_ar": "شريك اللغة",
        "name_tr": "Dil ortaklığı",
        "description_de": (
            "Einmal pro Woche Deutsch sprechen – beim Spaziergang, Kochen oder Einkaufen. "
            "Ergänzt den Integrationskurs mit Umgangssprache für den Alltag."
        ),
        "description_ar": (
            "التحدث بالألمانية مرة في الأسبوع – أثناء المشي أو الطبخ أو التسوق، مكمّلًا "
            "لدورة الاندماج باللغة اليومية."
        ),
        "description_tr": (
            "Haftada bir kez Almanca konuşmak – yürüyüşte, yemek yaparken ya da alışverişte. "
            "Uyum kursunu günlük dille tamamlar."
        ),
        "min_commitment_months": 6,
        "required_trainings": 1,
        "good_conduct_required": False,
        "max_newcomers": 2,
    },
    {
        "kind": "housing_sponsor",
        "name_de": "Wohnpatenschaft",
        "name_ar": "كفالة السكن",
        "name_tr": "Konut sponsorluğu",
        "description_de": (
            "Unterstützung bei der Wohnungssuche und beim Einleben: Besichtigungen, "
            "Mietvertrag, Nebenkosten, Mülltrennung und gute Nachbarschaft."
        ),
        "description_ar": (
            "المساعدة في البحث عن سكن وفي الاستقرار: المعاينات، وعقد الإيجار، والتكاليف "
            "الإضافية، وفرز النفايات، وحسن الجوار."
        ),
        "description_tr": (
            "Ev arama ve yerleşmede destek: ev görme, kira sözleşmesi, yan giderler, çöp "
            "ayrıştırma ve iyi komşuluk."
        ),
        "min_commitment_months": 6,
        "required_trainings": 1,
        "good_conduct_required": True,
        "max_newcomers": 1,
    },
    {
        "kind": "interpreter",
        "name_de": "Ehrenamtliche Sprachmittlung",
        "name_ar": "الترجمة التطوعية",
        "name_tr": "Gönüllü tercümanlık",
        "description_de": (
            "Sprachmittlung bei Terminen in Ämtern, Schulen und Beratungsstellen – neutral, "
            "vertraulich und nach Schulung in Gesprächsdolmetschen."
        ),
        "description_ar": (
            "الترجمة في المواعيد لدى الدوائر الرسمية والمدارس ومراكز الاستشارة – بحياد "
            "وسرية، بعد تدريب على الترجمة الشفهية."
        ),
        "description_tr": (
            "Resmi dairelerde, okullarda ve danışma merkezlerinde randevularda tercümanlık – "
            "tarafsız, gizli ve sözlü tercüme eğitiminden sonra."
        ),
        "min_commitment_months": 12,
        "required_trainings": 2,
        "good_conduct_required": False,
        "max_newcomers": 4,
    },
]

# (e-mail, name, language, district, languages, profession, skills, interests, capacity,
#  gender, birth year, {programme kind: target status})
VOLUNTEERS = [
    (
        "ehrenamt@lotse.example",
        "Karin Vogel",
        "de",
        "Altstadt",
        [("de", "native"), ("en", "good")],
        "Lehrerin im Ruhestand",
        "Behördengänge, Hausaufgabenhilfe",
        "Wandern, Chor",
        3,
        "female",
        1958,
        {"welcome_ambassador": "trained", "language_partner": "active"},
    ),
    (
        "yusuf.alali@example.org",
        "Yusuf Al-Ali",
        "ar",
        "Nordstadt",
        [("ar", "native"), ("de", "fluent"), ("en", "good")],
        "Pflegefachkraft",
        "Gesundheitssystem erklären, Dolmetschen",
        "Fußball, Kochen",
        2,
        "male",
        1990,
        {"interpreter": "active", "welcome_ambassador": "trained"},
    ),
    (
        "merve.aydin@example.org",
        "Merve Aydın",
        "tr",
        "Oststadt",
        [("tr", "native"), ("de", "native")],
        "Bankkauffrau",
        "Konto eröffnen, Verträge lesen",
        "Lesen, Yoga",
        2,
        "female",
        1987,
        {"mentor": "active"},
    ),
    (
        "hamid.rahimi@example.org",
        "Hamid Rahimi",
        "de",
        "Weststadt",
        [("fa", "native"), ("de", "fluent"), ("ps", "good")],
        "Elektroniker",
        "Handwerk, Bewerbungen",
        "Radfahren, Schach",
        1,
        "male",
        1994,
        {"welcome_ambassador": "approved"},
    ),
    (
        "selam.tesfaye@example.org",
        "Selam Tesfaye",
        "de",
        "Südstadt",
        [("ti", "native"), ("am", "good"), ("de", "good")],
        "Erzieherin",
        "Kinderbetreuung, Schule",
        "Kaffeezeremonie, Tanzen",
        2,
        "female",
        1992,
        {"kuemmerer": "approved"},
    ),
    (
        "klaus.brinkmann@example.org",
        "Klaus Brinkmann",
        "de",
        "Altstadt",
        [("de", "native")],
        "Hausmeister",
        "Reparaturen, Mietrecht aus Erfahrung",
        "Garten, Angeln",
        2,
        "male",
        1961,
        {"kuemmerer": "active", "housing_sponsor": "trained"},
    ),
    (
        "ayse.celik@example.org",
        "Ayşe Çelik",
        "tr",
        "Hafenviertel",
        [("tr", "native"), ("de", "fluent"), ("ku", "basic")],
        "Studentin Soziale Arbeit",
        "Formulare, Jugendliche",
        "Musik, Fotografie",
        3,
        "female",
        2001,
        {"language_partner": "applied"},
    ),
    (
        "omar.khalil@example.org",
        "Omar Khalil",
        "ar",
        "Nordstadt",
        [("ar", "native"), ("de", "good")],
        "Informatiker",
        "Computer, Smartphone, Online-Anträge",
        "Programmieren, Basketball",
        2,
        "male",
        1996,
        {"mentor": "applied", "interpreter": "approved"},
    ),
    (
        "sabine.krueger@example.org",
        "Sabine Krüger",
        "de",
        "Weststadt",
        [("de", "native"), ("fr", "good")],
        "Personalreferentin",
        "Lebenslauf, Vorstellungsgespräch",
        "Theater, Laufen",
        2,
        "female",
        1975,
        {"mentor": "trained"},
    ),
    (
        "thomas.lange@example.org",
        "Thomas Lange",
        "de",
        "Oststadt",
        [("de", "native"), ("en", "fluent")],
        "Unternehmer (Schreinerei)",
        "Gründung, Buchhaltung",
        "Holzarbeiten",
        1,
        "male",
        1968,
        {"mentor": "paused"},
    ),
    (
        "leyla.demir@example.org",
        "Leyla Demir",
        "tr",
        "Südstadt",
        [("tr", "native"), ("de", "native"), ("en", "good")],
        "Ärztin",
        "Arztbesuche begleiten",
        "Kochen, Wandern",
        1,
        "female",
        1983,
        {"interpreter": "trained"},
    ),
    (
        "nour.haddad@example.org",
        "Nour Haddad",
        "ar",
        "Altstadt",
        [("ar", "native"), ("de", "good"), ("fr", "basic")],
        "Apothekerin (Anerkennung läuft)",
        "Frauengruppen, Gesundheit",
        "Nähen, Backen",
        2,
        "female",
        1988,
        {"welcome_ambassador": "applied"},
    ),
    (
        "peter.schulz@example.org",
        "Peter Schulz",
        "de",
        "Hafenviertel",
        [("de", "native")],
        "Rentner, früher Busfahrer",
        "Stadt zeigen, Fahrpläne",
        "Eisenbahn, Skat",
        2,
        "male",
        1952,
        {"welcome_ambassador": "ended"},
    ),
    (
        "fatma.yildiz@example.org",
        "Fatma Yıldız",
        "tr",
        "Oststadt",
        [("tr", "native"), ("de", "good")],
        "Schneiderin",
        "Nähen, Haushalt",
        "Handarbeit",
        2,
        "female",
        1979,
        {"language_partner": "trained"},
    ),
    (
        "dawit.haile@example.org",
        "Dawit Haile",
        "de",
        "Nordstadt",
        [("ti", "native"), ("de", "good"), ("en", "good")],
        "Lagerlogistiker",
        "Begleitung zum Jobcenter",
        "Laufen, Kochen",
        1,
        "male",
        1993,
        {"welcome_ambassador": "active"},
    ),
    (
        "julia.wagner@example.org",
        "Julia Wagner",
        "de",
        "Weststadt",
        [("de", "native"), ("es", "good")],
        "Architektin",
        "Wohnungssuche, Grundrisse lesen",
        "Radfahren, Malen",
        1,
        "female",
        1986,
        {"housing_sponsor": "applied"},
    ),
    (
        "mahmoud.saleh@example.org",
        "Mahmoud Saleh",
        "ar",
        "Südstadt",
        [("ar", "native"), ("ku", "fluent"), ("de", "good")],
        "Lehrer",
        "Hausaufgaben, Elterngespräche",
        "Lesen, Volleyball",
        3,
        "male",
        1980,
        {"language_partner": "declined"},
    ),
    (
        "elif.sahin@example.org",
        "Elif Şahin",
        "tr",
        "Altstadt",
        [("tr", "native"), ("de", "fluent")],
        "Verwaltungsfachangestellte",
        "Anträge, Fristen",
        "Kino, Backen",
        2,
        "female",
        1991,
        {"kuemmerer": "applied", "welcome_ambassador": "approved"},
    ),
    (
        "michael.becker@example.org",
        "Michael Becker",
        "de",
        "Hafenviertel",
        [("de", "native"), ("ru", "basic")],
        "Polizist",
        "Sicherheit, Rechte und Pflichten erklären",
        "Fußball",
        1,
        "male",
        1977,
        {"welcome_ambassador": "trained"},
    ),
    (
        "zahra.ahmadi@example.org",
        "Zahra Ahmadi",
        "de",
        "Nordstadt",
        [("fa", "native"), ("de", "fluent")],
        "Zahnmedizinische Fachangestellte",
        "Arzttermine, Frauengruppen",
        "Kochen, Nähen",
        2,
        "female",
        1995,
        {"interpreter": "applied"},
    ),
]

ACTIONS = {"active": "activate", "paused": "pause", "ended": "end"}
REACHED = {  # target status -> statuses passed on the way
    "applied": [],
    "declined": ["declined"],
    "approved": ["approved"],
    "trained": ["approved", "trained"],
    "active": ["approved", "trained", "active"],
    "paused": ["approved", "trained", "paused"],
    "ended": ["approved", "trained", "ended"],
}


def _at(days: int, hour: int) -> datetime:
    day = (utcnow() + timedelta(days=days)).astimezone(BERLIN).date()
    return datetime.combine(day, time(hour, 0), tzinfo=BERLIN)


def seed(coordinator: User | None) -> None:
    """Create the volunteer demo unless it exists (programmes are the marker)."""
    if db.session.scalar(select(Programme.id).limit(1)):
        return
    from caseapp.demo import DEMO_PASSWORD

    programmes = {}
    for spec in PROGRAMMES:
        programmes[spec["kind"]] = services.create_programme(
            coordinator, services.ProgrammeData(**spec)
        )
    districts = {d.name: d.id for d in db.session.scalars(select(District))}
    today = local_today()

    # Trainings: two in the past (with attendance), three ahead.
    all_ids = [p.id for p in programmes.values()]
    past_basics = trainings.create_training(
        coordinator,
        trainings.TrainingData(
            title="Grundkurs: Ankommen begleiten",
            starts_at=_at(-40, 17),
            ends_at=_at(-40, 20),
            place="Koordinierungsstelle Ehrenamt, Kirchstraße 7",
            capacity=25,
            programme_ids=all_ids,
        ),
    )
    past_roles = trainings.create_training(
        coordinator,
        trainings.TrainingData(
            title="Rolle, Grenzen und Schweigepflicht",
            starts_at=_at(-12, 10),
            ends_at=_at(-12, 14),
            place="Integrationszentrum Altstadt, Marktplatz 3",
            capacity=20,
            programme_ids=[programmes[k].id for k in ("kuemmerer", "interpreter", "mentor")],
        ),
    )
    future = [
        trainings.create_training(
            coordinator,
            trainings.TrainingData(
                title=title,
                starts_at=_at(days, hour),
                ends_at=_at(days, hour + 3),
                place=place,
                capacity=capacity,
                programme_ids=[programmes[k].id for k in kinds],
            ),
        )
        for title, days, hour, place, capacity, kinds in [
            ("Grundkurs: Ankommen begleiten", 9, 17, "Kirchstraße 7", 25, list(programmes)),
            ("Dolmetschen im Gespräch", 16, 10, "Kirchstraße 7", 12, ["interpreter"]),
            (
                "Wohnen: Mietrecht für Wohnpaten",
                23,
                18,
                "Rathaus, Raum 2.14",
                15,
                ["housing_sponsor", "kuemmerer"],
            ),
        ]
    ]
    past = [past_basics, past_roles]

    volunteers = []
    for (
        email,
        name,
        language,
        district,
        languages,
        profession,
        skills,
        interests,
        capacity,
        gender,
        birth_year,
        wanted,
    ) in VOLUNTEERS:
        user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            user = create_user(
                None,
                UserData(
                    email=email, display_name=name, roles=["volunteer"], preferred_language=language
                ),
                DEMO_PASSWORD,
            )
        else:
            user.preferred_language = user.preferred_language or language
        if db.session.scalar(select(Volunteer.id).where(Volunteer.user_id == user.id)):
            continue
        volunteer = services.create_profile(
            user,
            services.ProfileData(
                name=name,
                phone="+49 2352 9" + str(1000 + len(volunteers)),
                district_id=districts.get(district),
                languages=languages,
                skills=skills,
                profession=profession,
                interests=interests,
                availability=["1-afternoon", "3-evening", "5-morning"][: 1 + len(volunteers) % 3],
                capacity=capacity,
                gender=gender,
                birth_year=birth_year,
                programme_ids=[programmes[k].id for k in wanted],
            ),
        )
        if any(programmes[k].good_conduct_required for k in wanted):
            # One record is close to renewal, so the list filter has something to show.
            seen = today - timedelta(days=5 * 365 - 40 if len(volunteers) % 4 == 0 else 200)
            services.record_good_conduct(
                coordinator, volunteer, seen, seen + timedelta(days=5 * 365), today
            )
        volunteers.append((volunteer, wanted))

    for volunteer, wanted in volunteers:
        for application in volunteer.applications:
            kind = application.programme.kind
            steps = REACHED[wanted[kind]]
            if not steps:
                continue
            if steps[0] == "declined":
                services.decline(
                    coordinator,
                    application,
                    "Die Sprachpatenschaften sind bis zum Frühjahr vergeben. Wir melden uns.",
                )
                continue
            services.approve(coordinator, application, today)
            if "trained" in steps:
                needed = application.programme.required_trainings
                for training in [t for t in past if application.programme in t.programmes][:needed]:
                    if not any(r.volunteer_id == volunteer.id for r in training.registrations):
                        training.registrations.append(
                            TrainingRegistration(volunteer_id=volunteer.id, attended=True)
                        )
                db.session.flush()
                trainings.check_completion(coordinator, volunteer)
            for step in steps[2:]:
                services.change_engagement(coordinator, application, ACTIONS[step])
            if application.status in ("trained", "active"):
                for weeks in range(1, 4 + volunteer.id % 5):
                    services.log_hours(
                        volunteer.user,
                        volunteer,
                        application.programme_id,
                        today - timedelta(days=7 * weeks),
                        60 + 30 * (weeks % 3),
                        "Treffen, Begleitung zu einem Termin, Deutsch im Alltag geübt",
                        today,
                    )
        # Approved volunteers register for the next basics course.
        if any(a.status == "approved" for a in volunteer.applications):
            with contextlib.suppress(ValidationFailed):  # a full course is fine here
                trainings.register(volunteer.user, volunteer, future[0], utcnow())
    # The demo's approvals and certificates would mail made-up addresses: drop those mails.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.status == "queued"))
    db.session.flush()
