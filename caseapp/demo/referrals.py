"""Demo services, routing rules and referrals in different states (idempotent)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.offices.models import District, Office
from caseapp.referrals import directory, services
from caseapp.referrals.models import Referral, Service

# (office, de, ar, tr, description de/ar/tr, needs, districts, languages, capacity, days)
SERVICES = [
    (
        "Jobcenter Weststadt",
        "Arbeitsvermittlung für Geflüchtete",
        "التوظيف للاجئين",
        "Mülteciler için iş bulma",
        (
            "Beratung zu Arbeit, Anerkennung von Abschlüssen und Praktika.",
            "استشارات حول العمل والاعتراف بالشهادات والتدريب العملي.",
            "İş, diploma denkliği ve staj konusunda danışmanlık.",
        ),
        ["work", "education"],
        ["Weststadt", "Hafenviertel"],
        ["de", "en", "ar"],
        "accepting",
        5,
    ),
    (
        "Sozialamt Oststadt",
        "Wohnungsamt Oststadt",
        "مكتب السكن أوستشتات",
        "Oststadt konut ofisi",
        (
            "Wohnberechtigungsschein, Wohnungssuche, drohender Wohnungsverlust.",
            "شهادة استحقاق السكن، البحث عن سكن، خطر فقدان السكن.",
            "Konut hakkı belgesi, ev arama, konut kaybı riski.",
        ),
        ["housing", "benefits"],
        ["Oststadt", "Südstadt"],
        ["de", "tr"],
        "waiting_list",
        7,
    ),
    (
        "Sozialamt Oststadt",
        "Wohnraumberatung Stadt",
        "استشارات السكن للمدينة",
        "Şehir konut danışmanlığı",
        (
            "Für alle Stadtteile, wenn kein Amt im Stadtteil zuständig ist.",
            "لجميع الأحياء إذا لم يكن هناك مكتب مختص في الحي.",
            "Semtte yetkili ofis yoksa tüm semtler için.",
        ),
        ["housing"],
        [],
        ["de", "ar", "tr"],
        "accepting",
        10,
    ),
    (
        "Integrationszentrum Altstadt",
        "Sprachkursberatung",
        "استشارات دورات اللغة",
        "Dil kursu danışmanlığı",
        (
            "Welcher Integrationskurs passt? Anmeldung und Kinderbetreuung.",
            "أي دورة اندماج مناسبة؟ التسجيل ورعاية الأطفال.",
            "Hangi uyum kursu uygun? Kayıt ve çocuk bakımı.",
        ),
        ["language", "family"],
        [],
        ["de", "ar", "tr", "fa"],
        "accepting",
        3,
    ),
]

# (need, district or None for the whole city, language, service name, priority)
RULES = [
    ("work", None, "", "Arbeitsvermittlung für Geflüchtete", 100),
    ("housing", "Oststadt", "", "Wohnungsamt Oststadt", 10),
    ("housing", "Südstadt", "", "Wohnungsamt Oststadt", 10),
    ("housing", None, "", "Wohnraumberatung Stadt", 100),
    ("language", None, "", "Sprachkursberatung", 100),
]


def seed() -> None:
    if db.session.scalar(select(Service.id).where(Service.name_de == SERVICES[0][1])):
        return
    offices = {o.name: o for o in db.session.scalars(select(Office))}
    districts = {d.name: d.id for d in db.session.scalars(select(District))}
    created = {}
    for office, de, ar, tr, texts, needs, area, langs, capacity, days in SERVICES:
        if office not in offices:
            continue
        created[de] = directory.create_service(
            None,
            directory.ServiceData(
                office_id=offices[office].id,
                name_de=de,
                name_ar=ar,
                name_tr=tr,
                description_de=texts[0],
                description_ar=texts[1],
                description_tr=texts[2],
                need_areas=needs,
                district_ids=[districts[d] for d in area if d in districts],
                languages=langs,
                capacity=capacity,
                response_days=days,
                how_to_reach=offices[office].phone,
            ),
            date(2026, 11, 1),
        )
    for need, district, language, name, priority in RULES:
        if name in created:
            directory.save_rule(
                None,
                None,
                directory.RuleData(
                    need=need,
                    service_id=created[name].id,
                    district_id=districts.get(district) if district else None,
                    language=language,
                    priority=priority,
                ),
            )
    db.session.flush()
    _referrals(offices, created)


def _referrals(offices, created) -> None:
    """Three referrals from the Altstadt integration centre: sent (overdue), accepted, done."""
    from caseapp.people import casework
    from caseapp.people.services import register_person
    from caseapp.people.validation import PersonData

    sender = db.session.scalar(select(User).where(User.email == "a.yilmaz@lotse.example"))
    receiver = db.session.scalar(select(User).where(User.email == "s.haddad@lotse.example"))
    office = offices.get("Integrationszentrum Altstadt")
    service = created.get("Arbeitsvermittlung für Geflüchtete")
    if not (sender and receiver and office and service):
        return
    if db.session.scalar(select(Referral.id).limit(1)):
        return
    today = date(2026, 11, 22)
    people = [
        ("Yusuf", "Darwish", 1994, "+49 171 3004001"),
        ("Hevin", "Ahmad", 1989, "+49 171 3004002"),
        ("Oksana", "Melnyk", 1986, "+49 171 3004003"),
    ]
    for step, (given, family, year, phone) in enumerate(people):
        person = register_person(
            sender,
            PersonData(
                given_name=given,
                family_name=family,
                birth_year=year,
                phone=phone,
                languages=[{"code": "ar" if step < 2 else "uk", "level": "native"}],
            ),
            office_id=office.id,
            caseworker_id=sender.id,
            today=today,
        )
        casework.record_consent(
            sender,
            person.case,
            purpose="referral",
            receiving_office_id=service.office_id,
            categories=["contact", "languages"],
            scope="",
            given_on=today,
            form="oral_interpreter",
            today=today,
        )
        referral = services.create_referral(
            sender,
            person,
            services.ReferralData(
                need="work",
                service_id=service.id,
                message="Sucht Arbeit; ein Berufsabschluss liegt vor.",
                categories=["contact", "languages"],
            ),
        )
        sent_at = utcnow() - timedelta(days=8 - 3 * step)
        services.send_referral(sender, referral, now=sent_at)
        if step >= 1:
            services.change_status(receiver, referral, "accepted")
        if step == 2:
            services.change_status(receiver, referral, "in_progress")
            services.change_status(
                receiver, referral, "completed", note="Praktikum bei den Stadtwerken vermittelt."
            )
