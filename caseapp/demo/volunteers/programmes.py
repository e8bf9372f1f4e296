"""The six demo programmes, in German, Arabic and Turkish."""

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
