"""The deadline kinds Lotse ships with (data, not gettext: the administrator may change them).

Texts are in German, Arabic, Turkish and English. Rules that need a date Lotse does not store
(the day of recognition, the integration-course entitlement) are entered by the caseworker.
The kinds for Turkish municipalities ship inactive; an administrator switches them on.
"""

from __future__ import annotations

from caseapp.deadlines.rules import CHILD_AGE, ENTERED, FROM_DATE

DEFAULT_KINDS: tuple[dict, ...] = (
    {
        "code": "residence_title",
        "rule": FROM_DATE,
        "source": "residence_valid_until",
        "warn_weeks": [12, 6],
        "names": {
            "de": "Aufenthaltstitel läuft ab",
            "ar": "انتهاء صلاحية تصريح الإقامة",
            "tr": "Oturma izninin süresi doluyor",
            "en": "Residence permit expires",
        },
        "explanations": {
            "de": "Der Aufenthaltstitel gilt nur bis zu diesem Tag. Wer die Verlängerung "
            "rechtzeitig beantragt, bleibt bis zur Entscheidung rechtmäßig hier.",
            "ar": "تصريح الإقامة صالح حتى هذا اليوم فقط. من يقدّم طلب التمديد في الوقت المناسب "
            "تبقى إقامته قانونية حتى صدور القرار.",
            "tr": "Oturma izni yalnızca bu güne kadar geçerlidir. Uzatma başvurusunu zamanında "
            "yapan kişi, karar verilene kadar yasal olarak burada kalır.",
            "en": "The residence permit is valid only until this day. If you apply for an "
            "extension in time, your stay remains lawful until the decision.",
        },
        "next_steps": {
            "de": "Verlängerung bei der Ausländerbehörde beantragen (Termin vereinbaren).",
            "ar": "يرجى تقديم طلب التمديد لدى دائرة الأجانب (مع حجز موعد).",
            "tr": "Yabancılar Dairesi'nden randevu alarak uzatma başvurusunda bulununuz.",
            "en": "Apply for an extension at the foreigners' authority (book an appointment).",
        },
        "documents": {
            "de": "Reisepass, aktueller Aufenthaltstitel, biometrisches Passfoto, "
            "Meldebescheinigung, Nachweise über Einkommen oder Leistungen, Mietvertrag",
            "ar": "جواز السفر، تصريح الإقامة الحالي، صورة بيومترية، شهادة تسجيل السكن، "
            "إثباتات الدخل أو الإعانات، عقد الإيجار",
            "tr": "Pasaport, geçerli oturma izni, biyometrik fotoğraf, ikamet belgesi, gelir "
            "veya yardım belgeleri, kira sözleşmesi",
            "en": "Passport, current residence permit, biometric photo, registration "
            "certificate, proof of income or benefits, tenancy agreement",
        },
    },
    {
        "code": "benefit_switch",
        "rule": FROM_DATE,
        "source": "arrived_germany_on",
        "months": 36,
        "warn_weeks": [12, 6],
        "names": {
            "de": "Wechsel des Leistungssystems nach 36 Monaten (Rechtskreiswechsel)",
            "ar": "الانتقال إلى نظام إعانات آخر بعد 36 شهرًا",
            "tr": "36 ay sonra yardım sisteminin değişmesi",
            "en": "Change of benefit system after 36 months",
        },
        "explanations": {
            "de": "Nach 36 Monaten Aufenthalt ändern sich Leistungsanspruch und zuständige "
            "Stelle (AsylbLG → SGB II/XII). Ohne rechtzeitigen Antrag entstehen Lücken.",
            "ar": "بعد 36 شهرًا من الإقامة تتغير الإعانات المستحقة والجهة المختصة. "
            "عدم تقديم الطلب في الوقت المناسب يؤدي إلى انقطاع الإعانات.",
            "tr": "36 aylık kalıştan sonra yardım hakkı ve yetkili kurum değişir. Başvuru "
            "zamanında yapılmazsa ödemelerde kesinti olur.",
            "en": "After 36 months of stay, the benefits and the responsible agency change. "
            "Without a timely application there will be gaps in payments.",
        },
        "next_steps": {
            "de": "Antrag beim Jobcenter bzw. Sozialamt vorbereiten und rechtzeitig stellen.",
            "ar": "يرجى تحضير الطلب وتقديمه في الوقت المناسب لدى مركز العمل أو مكتب الشؤون "
            "الاجتماعية.",
            "tr": "Başvurunuzu iş merkezine (Jobcenter) veya sosyal yardım dairesine zamanında "
            "yapınız.",
            "en": "Prepare the application and file it in time at the job centre or social "
            "welfare office.",
        },
        "documents": {
            "de": "Ausweisdokument, Aufenthaltsdokument, letzter Leistungsbescheid, "
            "Kontoauszüge, Mietvertrag",
            "ar": "وثيقة الهوية، وثيقة الإقامة، آخر قرار إعانة، كشوف الحساب، عقد الإيجار",
            "tr": "Kimlik belgesi, oturma belgesi, son yardım kararı, banka hesap dökümleri, "
            "kira sözleşmesi",
            "en": "Identity document, residence document, latest benefit notice, bank "
            "statements, tenancy agreement",
        },
    },
    {
        "code": "integration_course",
        "rule": ENTERED,
        "warn_weeks": [8, 4],
        "names": {
            "de": "Berechtigung zum Integrationskurs: Kursbeginn",
            "ar": "الأحقية في دورة الاندماج: موعد بدء الدورة",
            "tr": "Uyum kursu hakkı: kursa başlama süresi",
            "en": "Integration course entitlement: course start",
        },
        "explanations": {
            "de": "Die Berechtigung verfällt, wenn der Kurs nicht rechtzeitig begonnen wird.",
            "ar": "تسقط الأحقية إذا لم تبدأ الدورة في الوقت المحدد.",
            "tr": "Kursa zamanında başlanmazsa hak düşer.",
            "en": "The entitlement lapses if the course is not started in time.",
        },
        "next_steps": {
            "de": "Kursträger auswählen und zum Kurs anmelden.",
            "ar": "يرجى اختيار مقدّم الدورة والتسجيل فيها.",
            "tr": "Bir kurs kurumu seçip kursa kaydolunuz.",
            "en": "Choose a course provider and register for the course.",
        },
        "documents": {
            "de": "Berechtigungsschein, Ausweisdokument, Aufenthaltsdokument",
            "ar": "وثيقة الأحقية، وثيقة الهوية، وثيقة الإقامة",
            "tr": "Katılım hakkı belgesi, kimlik belgesi, oturma belgesi",
            "en": "Certificate of entitlement, identity document, residence document",
        },
    },
    {
        "code": "residence_obligation_12a",
        "rule": ENTERED,
        "warn_weeks": [8],
        "names": {
            "de": "Wohnsitzregelung nach § 12a AufenthG endet",
            "ar": "انتهاء إلزام السكن وفق المادة 12a من قانون الإقامة",
            "tr": "Oturma yükümlülüğü (§ 12a AufenthG) sona eriyor",
            "en": "Residence obligation under § 12a AufenthG ends",
        },
        "explanations": {
            "de": "Die Wohnsitzregelung gilt drei Jahre ab der Anerkennung. Bitte das Ende "
            "aus dem Bescheid eintragen.",
            "ar": "يسري إلزام السكن ثلاث سنوات من تاريخ الاعتراف.",
            "tr": "Oturma yükümlülüğü tanınma tarihinden itibaren üç yıl geçerlidir.",
            "en": "The residence obligation lasts three years from recognition.",
        },
        "next_steps": {
            "de": "Umzugspläne besprechen; prüfen, ob die Regelung verlängert wurde.",
            "ar": "يرجى مناقشة خطط الانتقال والتحقق من تمديد الإلزام.",
            "tr": "Taşınma planlarını görüşünüz ve yükümlülüğün uzatılıp uzatılmadığını "
            "kontrol ediniz.",
            "en": "Discuss any plans to move; check whether the obligation was extended.",
        },
        "documents": {
            "de": "Anerkennungsbescheid, Aufenthaltstitel",
            "ar": "قرار الاعتراف، تصريح الإقامة",
            "tr": "Tanınma kararı, oturma izni",
            "en": "Recognition notice, residence permit",
        },
    },
    {
        "code": "school_registration",
        "rule": CHILD_AGE,
        "source": "birth_date",
        "age_years": 6,
        "cutoff_month": 9,
        "cutoff_day": 30,
        "months": -10,
        "warn_weeks": [8, 4],
        "names": {
            "de": "Schulanmeldung",
            "ar": "تسجيل الطفل في المدرسة",
            "tr": "Okul kaydı",
            "en": "School registration",
        },
        "explanations": {
            "de": "Kinder, die bis zum Stichtag sechs Jahre alt werden, werden in diesem Jahr "
            "schulpflichtig und müssen vorher angemeldet werden.",
            "ar": "الأطفال الذين يبلغون ست سنوات حتى التاريخ المحدد يصبحون ملزمين بالمدرسة "
            "ويجب تسجيلهم مسبقًا.",
            "tr": "Belirlenen tarihe kadar altı yaşına giren çocuklar okula başlamakla "
            "yükümlüdür ve önceden kaydedilmelidir.",
            "en": "Children who turn six by the cut-off date must start school that year and "
            "be registered beforehand.",
        },
        "next_steps": {
            "de": "Kind bei der zuständigen Grundschule anmelden.",
            "ar": "يرجى تسجيل الطفل في المدرسة الابتدائية المختصة.",
            "tr": "Çocuğu bağlı olduğunuz ilkokula kaydettiriniz.",
            "en": "Register the child at the local primary school.",
        },
        "documents": {
            "de": "Geburtsurkunde oder Ausweis des Kindes, Meldebescheinigung, Impfnachweis "
            "(Masern)",
            "ar": "شهادة ميلاد الطفل أو هويته، شهادة تسجيل السكن، إثبات التطعيم ضد الحصبة",
            "tr": "Çocuğun doğum belgesi veya kimliği, ikamet belgesi, kızamık aşı belgesi",
            "en": "Child's birth certificate or ID, registration certificate, measles "
            "vaccination record",
        },
    },
    {
        "code": "kita_registration",
        "rule": CHILD_AGE,
        "source": "birth_date",
        "age_years": 1,
        "cutoff_month": 8,
        "cutoff_day": 1,
        "months": -6,
        "warn_weeks": [12, 6],
        "names": {
            "de": "Kita-Anmeldung",
            "ar": "التسجيل في روضة الأطفال",
            "tr": "Kreş kaydı",
            "en": "Day-care (Kita) registration",
        },
        "explanations": {
            "de": "Ab dem ersten Geburtstag besteht ein Anspruch auf einen Kita-Platz. Plätze "
            "für das Kita-Jahr werden Monate vorher vergeben.",
            "ar": "يحق للطفل الحصول على مكان في الروضة ابتداءً من عيد ميلاده الأول. تُوزَّع "
            "الأماكن قبل بداية العام بأشهر.",
            "tr": "Çocuğun birinci yaş gününden itibaren kreş hakkı vardır. Yerler kreş yılı "
            "başlamadan aylar önce dağıtılır.",
            "en": "From the first birthday a child is entitled to a day-care place. Places "
            "for the day-care year are given out months ahead.",
        },
        "next_steps": {
            "de": "Kind im Kita-Portal oder beim Jugendamt anmelden.",
            "ar": "يرجى تسجيل الطفل في بوابة رياض الأطفال أو لدى مكتب رعاية الشباب.",
            "tr": "Çocuğu kreş portalına veya Gençlik Dairesi'ne kaydettiriniz.",
            "en": "Register the child on the day-care portal or at the youth welfare office.",
        },
        "documents": {
            "de": "Geburtsurkunde des Kindes, Meldebescheinigung, Impfnachweis (Masern)",
            "ar": "شهادة ميلاد الطفل، شهادة تسجيل السكن، إثبات التطعيم ضد الحصبة",
            "tr": "Çocuğun doğum belgesi, ikamet belgesi, kızamık aşı belgesi",
            "en": "Child's birth certificate, registration certificate, measles vaccination record",
        },
    },
    {
        "code": "address_registration",
        "rule": ENTERED,
        "warn_weeks": [1],
        "names": {
            "de": "Wohnsitz anmelden",
            "ar": "تسجيل عنوان السكن",
            "tr": "Adres kaydı",
            "en": "Register your address",
        },
        "explanations": {
            "de": "Nach einem Umzug muss die neue Adresse innerhalb der Frist angemeldet werden.",
            "ar": "بعد الانتقال يجب تسجيل العنوان الجديد خلال المهلة المحددة.",
            "tr": "Taşındıktan sonra yeni adres süresi içinde kaydettirilmelidir.",
            "en": "After moving, the new address must be registered within the time limit.",
        },
        "next_steps": {
            "de": "Termin beim Bürgeramt bzw. Nüfus Müdürlüğü vereinbaren.",
            "ar": "يرجى حجز موعد لدى مكتب المواطنين أو مديرية النفوس.",
            "tr": "Vatandaşlık dairesinden (Nüfus Müdürlüğü) randevu alınız.",
            "en": "Book an appointment at the citizens' office (Nüfus Müdürlüğü in Türkiye).",
        },
        "documents": {
            "de": "Ausweisdokument, Wohnungsgeberbestätigung oder Mietvertrag",
            "ar": "وثيقة الهوية، تأكيد المؤجر أو عقد الإيجار",
            "tr": "Kimlik belgesi, ev sahibi beyanı veya kira sözleşmesi",
            "en": "Identity document, landlord's confirmation or tenancy agreement",
        },
    },
    {
        "code": "gecici_koruma_renewal",
        "rule": ENTERED,
        "warn_weeks": [8, 4],
        "active": False,
        "names": {
            "de": "Ausweis für vorübergehenden Schutz erneuern (Geçici Koruma, Türkei)",
            "ar": "تجديد بطاقة الحماية المؤقتة (الكملك)",
            "tr": "Geçici koruma kimlik belgesinin yenilenmesi",
            "en": "Renew the temporary protection ID (Geçici Koruma, Türkiye)",
        },
        "explanations": {
            "de": "Der Ausweis muss vor Ablauf bei der Migrationsbehörde erneuert werden.",
            "ar": "يجب تجديد البطاقة لدى إدارة الهجرة قبل انتهاء صلاحيتها.",
            "tr": "Kimlik belgesi süresi dolmadan Göç İdaresi'nde yenilenmelidir.",
            "en": "The ID must be renewed at the migration authority before it expires.",
        },
        "next_steps": {
            "de": "Termin bei der Provinzdirektion für Migration (İl Göç İdaresi) vereinbaren.",
            "ar": "يرجى حجز موعد لدى مديرية الهجرة في الولاية.",
            "tr": "İl Göç İdaresi Müdürlüğü'nden randevu alınız.",
            "en": "Book an appointment at the provincial migration directorate.",
        },
        "documents": {
            "de": "Bisheriger Ausweis, Adressnachweis, Passfoto",
            "ar": "البطاقة الحالية، إثبات العنوان، صورة شخصية",
            "tr": "Mevcut kimlik belgesi, adres belgesi, vesikalık fotoğraf",
            "en": "Current ID, proof of address, passport photo",
        },
    },
)
