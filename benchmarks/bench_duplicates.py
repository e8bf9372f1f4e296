"""Duplicate-detection benchmark: blocking keys, whole-register scan and name search in memory.

Run:  .venv/bin/python benchmarks/bench_duplicates.py [--persons 100000] [--seed 7]
Generates synthetic persons (Syrian/Iraqi, Afghan, Kurdish, Turkish, Ukrainian, Eritrean
names with realistic skew: Mohammed, Ahmad and Ali are very common), injects ~2 % duplicates
spelled differently, then prints timings, candidate counts, precision/recall against the
injected duplicates and the machine it ran on. No database and no Flask involved.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from dataclasses import replace

from caseapp.people.namematch import (
    PersonFacts,
    blocking_keys,
    find_duplicates,
    query_keys,
    search_score,
)

# Per origin: (share, male names, female names, family names, placeholder-date rate).
# Comma-separated entries; in "A|B|C" the first spelling is the most frequent, the others
# are real variants of the same name.
SYRIAN_MALE = """Mohammed|Muhammad|Mohamad|Mohammad|Mohamed|Muhamed, Ahmad|Ahmed|Ahmet, Ali|Aly,
Mahmoud|Mahmud|Mahmood, Hassan|Hasan, Hussein|Husain|Hussain, Omar|Umar, Khaled|Khalid|Chaled,
Abdullah|Abdallah|Abdulla, Ibrahim|Ebrahim, Mustafa|Moustafa|Mostafa,
Yusuf|Youssef|Yousef|Jussuf, Abdulrahman|Abdul Rahman|Abdelrahman, Khalil|Chalil,
Samir|Sameer, Tariq|Tarek|Tarik, Ziad|Ziyad, Jamal|Dschamal, Bilal, Hamza|Hamzah, Rami|Ramy,
Fadi|Fady, Walid|Waleed, Majid|Majed, Nabil|Nabeel, Osama|Usama, Anas, Yasin|Yassin|Jasin,
Adnan, Saleh|Salih, Bashar, Firas, Ghassan|Gassan, Marwan, Kareem|Karim, Qasim|Kassem|Kasim,
Ayman|Aiman, Muhannad, Imad|Emad, Hisham|Hesham, Husam|Hossam, Jumaa|Dschuma|Jumah,
Nour Aldin|Nureddin, Diaa|Dia, Eyad|Iyad, Raed|Raid, Wael|Wail, Said|Saeed"""
SYRIAN_FEMALE = """Fatima|Fatma|Fatimah, Maryam|Mariam, Aisha|Aischa|Ayesha, Zainab|Zeinab|Zaynab,
Noor|Nour|Nur, Rasha|Rascha, Hiba|Heba, Reem|Rim, Iman|Eman, Amal, Huda|Hoda, Layla|Laila|Leila,
Rana, Rania|Ranya, Nada, Nadia|Nadja, Samira, Sara|Sarah, Yasmin|Jasmin|Yasmine, Lina, Dana,
Asmaa|Asma, Khadija|Khadidja|Chadidscha, Ruqaya|Rokaya, Shaimaa|Schaimaa, Amina|Aminah, Alaa,
Batoul|Batool"""
SYRIAN_FAMILY = """Al-Hassan|Alhasan|El Hassan, Al-Ahmad|Ahmad, Al-Ali|Ali, Hussein|Husain, Khalil,
Al-Khatib|Alkhatib|Khatib, Al-Shami|Schami|Shami, Haddad, Al-Masri|Masri, Darwish|Darwisch,
Al-Hamwi|Hamwi, Al-Halabi|Halabi, Al-Homsi|Homsi, Al-Jabouri|Aljaburi|Jubouri,
Al-Obaidi|Obeidi, Al-Tamimi|Tamimi, Al-Rawi|Rawi, Al-Dulaimi|Dulaimi, Al-Saadi|Saadi,
Al-Musawi|Mousawi, Kanaan, Al-Hariri|Hariri, Barakat, Nasser|Nasir, Suleiman|Sulaiman|Sleiman,
Al-Sayed|Sayed|El Sayed, Al-Kurdi|Kurdi, Al-Ibrahim|Ibrahim, Mohammed|Muhammad, Omar,
Othman|Osman, Hamad|Al-Hamad, Al-Jasim|Jassem|Jasem, Qassab|Kassab, Al-Khalaf|Alkhalaf,
Haj Ali|Hajj Ali, Abu Bakr|Abubaker, Al-Zoubi|Zoubi|Al Zubi, Shaaban|Schaaban, Al-Akkad|Akkad,
Al-Bakri|Bakri, Mansour|Mansur, Al-Najjar|Najjar|Naddschar, Qasim|Kassem, Al-Sheikh|Scheich,
Tahhan|Tahan, Khoury|Khouri, Al-Azzawi|Azzawi, Al-Jundi|Jundi, Hammoud|Hamoud,
Al-Bitar|Bitar, Farhat, Al-Asaad|Assad, Al-Rifai|Rifai, Al-Hamdan|Hamdan,
Al-Sabbagh|Sabbagh, Al-Attar|Attar, Ghanem|Ghanim, Qabbani|Kabbani, Al-Khayyat|Khayat,
Tarabishi, Al-Dabbagh|Dabbagh, Al-Shawa|Schawa, Idlibi, Al-Hakim|Hakim, Al-Hashemi|Haschemi,
Al-Qaisi|Kaisi, Al-Janabi|Janabi, Al-Karbouli|Karbuli, Al-Saffar|Saffar,
Al-Khafaji|Chafadschi, Al-Shammari|Schammari, Al-Zubaidi, Al-Daraji|Daradschi,
Al-Samarrai|Samarrai, Al-Bayati|Bayati, Al-Naimi|Naimi, Al-Hashimi, Kanjo|Kandscho, Sukkar,
Hallak|Halak, Jabri|Dschabri, Mardini, Dalati, Fakhouri|Fachouri, Sibai, Atassi|Al-Atassi,
Kayali|Kajali, Shishakli, Barazi, Mulla|Molla, Hamidi, Tlass|Tlas, Al-Raqqawi,
Deiri|Al-Deiri, Hourani|Horani, Qudsi|Kudsi, Nabulsi, Safadi, Zaza, Shaker|Schaker,
Nahhas|Nahas, Allaf|Al-Allaf, Kabbara, Saqqa|Sakka, Jazairi, Maghribi"""
AFGHAN_MALE = """Mohammad|Muhammad|Mohammed, Ahmad, Abdul Rahim|Abdulrahim, Ali,
Gul Ahmad|Gulahmad, Ahmad Shah|Ahmadshah, Hamid|Hamed, Jawad|Javad, Farid|Fareed,
Wahid|Vahid, Habibullah|Habib Ullah, Zabihullah|Zabiullah, Qudratullah|Kudratullah,
Naqibullah|Naqib Ullah, Hekmatullah|Hikmatullah, Rahmatullah|Rahmat Ullah, Mohammad Nabi,
Mohammad Ishaq, Sayed Jawad, Ali Reza|Alireza, Mustafa|Mostafa, Hussain|Hossein,
Hassan|Hasan, Mahdi|Mehdi, Reza, Jamshid, Sohrab, Bashir|Basheer, Nasir|Naser,
Karim|Kareem, Rahim|Raheem, Shafiq, Sharif|Shareef, Ismail|Esmail, Yaqub|Yakub"""
AFGHAN_FEMALE = """Fatima|Fatema, Maryam|Mariam, Zahra|Sahra, Zainab|Zeinab, Shirin|Schirin,
Parwana, Marzia|Marziya, Sakina|Sakineh, Masooma|Masuma, Freshta|Fereshta, Gulalai, Malalai,
Nazanin, Sima, Roya, Nargis|Narges, Mahbooba|Mahbuba, Latifa|Latifah, Khadija|Khadidscha,
Farzana, Hamida|Hamideh"""
AFGHAN_FAMILY = """Rahimi|Rahimy, Karimi|Karimy, Ahmadi, Mohammadi|Muhammadi, Hosseini|Husseini,
Ahmadzai|Ahmadsai, Noorzai|Nurzai, Popalzai, Yousafzai|Yusufzai, Hakimi, Azizi,
Sultani|Soltani, Noori|Nouri|Nuri, Nazari, Rezaei|Rezai, Hashimi|Haschimi|Hashemi, Safi,
Stanikzai, Wardak, Amiri, Habibi, Jafari|Dschafari, Sadat, Sharifi, Qaderi|Kaderi,
Rasuli|Rasooli, Haidari|Haydari, Hussaini|Husaini, Faizi, Samadi, Rashidi, Akbari, Omari,
Barakzai, Durrani, Alizai, Achakzai|Atschakzai, Kakar, Mohmand, Shinwari|Schinwari, Afridi,
Khogyani, Sahak, Naseri, Jalali, Mirzai, Tajik, Rahmani, Ghafoori|Ghafuri, Hamidi,
Yousufi|Yusufi, Zaheer|Zahir, Sediqi|Siddiqi, Ansari, Kohistani, Panjshiri,
Mansoori|Mansuri, Nabizada|Nabizadeh, Hashimzada, Qarizada|Karizada, Amini, Bahrami,
Sultanzada, Wali|Vali, Ahmadyar, Hotak, Tokhi, Niazi"""
KURDISH_MALE = """Shivan|Şivan|Schiwan, Xebat|Khabat, Aziz|Ezîz, Berzan, Rebwar, Dilshad|Dilşad,
Azad, Baran, Kawa|Kawe, Serhat, Hozan, Welat|Walat, Mihemed|Mohammed|Muhammad,
Xelîl|Khalil, Hesen|Hassan, Ehmed|Ahmad|Ahmed, Silêman|Sulaiman, Ferhad|Farhad,
Jiyan|Dschijan, Roj"""
KURDISH_FEMALE = """Berivan|Bêrîvan, Rojda, Rojin, Dilan, Hevin|Hevîn, Jiyan, Zozan,
Nesrin|Nasrin, Gulistan|Gulîstan, Sosin|Sausan, Avesta, Berfin, Nujin, Ronahi|Ronahî,
Shilan|Şilan, Viyan"""
KURDISH_FAMILY = """Ahmed|Ahmad, Mihemed|Mohammed, Hesen|Hassan, Xelîl|Khalil, Omar|Umar,
Ezîz|Aziz, Ibrahim|Îbrahîm, Mustafa, Silêman|Sulaiman, Ali|Elî, Hussein|Husên,
Rashid|Reşîd, Osman|Usman, Bakir|Bekir, Ismail|Îsmaîl, Sheikh|Şêx, Mirza, Haji|Hecî, Abdo,
Murad|Mirad, Barzani, Zebari, Dosky|Doski, Amedi, Hawrami, Jaf|Dschaf, Talabani, Botani,
Kobani, Afrini, Qamishlo|Kamischlo, Salih|Saleh, Hamo, Bozan, Sino, Temo, Hajo|Hadscho,
Kejo, Mamo, Nabo, Zaki|Zeki, Shekho|Schecho"""
TURKISH_MALE = """Mehmet, Mustafa, Ahmet, Ali, Hüseyin|Hueseyin|Huseyin, Hasan, İbrahim|Ibrahim,
İsmail|Ismail, Osman, Yusuf, Murat, Ömer|Oemer|Omer, Ramazan, Halil, Süleyman|Suleyman,
Abdullah, Mahmut, Recep, Fatih, Emre, Burak, Kemal, Yaşar|Yasar, Orhan, Erdoğan|Erdogan,
Cemal, Mehmet Ali"""
TURKISH_FEMALE = """Fatma, Ayşe|Ayse|Aysche, Emine, Hatice|Hatidsche, Zeynep, Elif, Meryem,
Şerife|Serife, Zehra, Hanife, Sultan, Hülya|Huelya|Hulya, Merve, Özlem|Oezlem|Ozlem, Esra,
Büşra|Buesra|Busra"""
TURKISH_FAMILY = """Yılmaz|Yilmaz, Kaya, Demir, Şahin|Sahin|Schahin, Çelik|Celik|Tschelik,
Yıldız|Yildiz, Yıldırım|Yildirim, Öztürk|Oeztuerk|Ozturk, Aydın|Aydin,
Özdemir|Oezdemir|Ozdemir, Arslan, Doğan|Dogan, Kılıç|Kilic, Aslan, Çetin|Cetin, Kara,
Koç|Koc, Kurt, Özkan|Ozkan, Şimşek|Simsek, Polat, Korkmaz, Erdoğan|Erdogan, Güneş|Gunes,
Aksoy, Tekin, Bulut, Keskin, Ünal|Unal, Acar, Bozkurt, Aktaş|Aktas, Kaplan, Yalçın|Yalcin,
Şen|Sen, Avcı|Avci, Türk|Tuerk|Turk, Uçar|Ucar, Kocabaş|Kocabas, Güler|Gueler, Özer|Oezer,
Tunç|Tunc, Sarı|Sari, Başaran|Basaran, Karaca, Duman, Çakır|Cakir, Güven|Gueven,
Ateş|Ates, Ekinci, Turan, Genç|Genc, Kılınç|Kilinc, Altun, Yavuz, Metin, Özcan|Oezcan,
Sezer, Tan, Coşkun|Coskun"""
UKRAINIAN_MALE = """Oleksandr|Olexandr|Oleksander, Volodymyr|Wolodymyr, Serhii|Serhiy|Serhij,
Andrii|Andriy|Andrij, Dmytro|Dmitro, Mykola|Mikola, Vasyl|Wasyl, Yurii|Yuriy|Jurij, Ivan,
Oleh|Oleg, Viktor|Wiktor, Bohdan|Bogdan, Maksym|Maxym, Taras, Roman, Mykhailo|Mychajlo,
Petro, Ihor|Igor, Vitalii|Vitaliy|Witalij, Denys|Denis, Artem, Yevhen|Jewhen,
Anatolii|Anatolij"""
UKRAINIAN_FEMALE = """Olena, Tetiana|Tetjana|Tatiana, Natalia|Nataliya|Natalija, Yuliia|Julija,
Oksana|Oxana, Iryna|Irina, Svitlana|Switlana, Olha|Olga, Mariia|Marija, Anna,
Kateryna|Katerina, Halyna|Galina, Liudmyla|Ljudmyla, Viktoriia|Wiktorija, Alina,
Anastasiia|Anastasija, Daria|Darija"""
UKRAINIAN_ROOTS = """Koval Shevch Bondar Tkach Kravch Melnych Boyk Moroz Lys Marchen Rudn Savch
Ponomar Kushn Tymosh Levch Horb Zinch Pavl Semen Fedor Vlasen Klymen Lytvyn Hrytsen Tarasen
Oliyn Hnatiuk Kozak Karpen Danyl Yarosh Prokop Stepan Ostap Kuzmen Mazur Romaniuk Tkachuk
Poliak Dovzhen Voron Kyryl Sydor Shvets Bilous Chorn Zhuk Ivashch Rybal Hordiien"""
UKRAINIAN_SUFFIXES = ["enko", "uk", "yshyn", "ovych"]
ERITREAN_MALE = """Tesfaye|Tesfay, Yohannes|Johannes|Yohanes, Semere|Semre, Mussie|Musie,
Filmon|Filimon, Yonas|Jonas, Abraham|Abrham, Kidane, Haile, Tekle, Mehari, Goitom,
Berhane|Birhane, Tsegay|Tsegaye, Habtom, Amanuel, Dawit, Samuel, Daniel, Okbay|Okubay, Kibrom"""
ERITREAN_FEMALE = """Selam, Helen, Senait|Senayt, Yordanos|Jordanos, Ruta, Saba, Meron, Luwam,
Hiwet, Feven, Tsega, Lidya|Lidia, Eden, Rahel|Rachel, Winta, Almaz, Abeba, Mebrat"""
ERITREAN_FAMILY_EXTRA = """Gebremedhin|Ghebremedhin|Gebre Medhin, Tesfamariam|Tesfa Mariam,
Hailemariam|Haile Mariam, Weldemichael|Woldemichael, Gebreyesus|Ghebreyesus"""
ARABIC = {
    "Mohammed": "محمد", "Ahmad": "أحمد", "Ali": "علي", "Mahmoud": "محمود", "Hassan": "حسن",
    "Hussein": "حسين", "Omar": "عمر", "Khaled": "خالد", "Abdullah": "عبد الله",
    "Ibrahim": "إبراهيم", "Mustafa": "مصطفى", "Yusuf": "يوسف", "Abdulrahman": "عبد الرحمن",
    "Khalil": "خليل", "Fatima": "فاطمة", "Maryam": "مريم", "Aisha": "عائشة", "Zainab": "زينب",
    "Noor": "نور", "Al-Hassan": "الحسن", "Al-Ahmad": "الأحمد", "Al-Ali": "العلي",
    "Al-Khatib": "الخطيب", "Al-Shami": "الشامي", "Haddad": "حداد", "Al-Masri": "المصري",
    "Darwish": "درويش", "Al-Halabi": "الحلبي", "Al-Obaidi": "العبيدي", "Said": "سعيد",
}  # fmt: skip


def split_entries(text: str) -> list[str]:
    return [e.strip() for e in text.split(",")]


ORIGINS = {
    origin: (share, split_entries(male), split_entries(female), family and split_entries(family), p)
    for origin, share, male, female, family, p in [
        ("syrian_iraqi", 0.45, SYRIAN_MALE, SYRIAN_FEMALE, SYRIAN_FAMILY, 0.15),
        ("afghan", 0.20, AFGHAN_MALE, AFGHAN_FEMALE, AFGHAN_FAMILY, 0.45),
        ("kurdish", 0.08, KURDISH_MALE, KURDISH_FEMALE, KURDISH_FAMILY, 0.15),
        ("turkish", 0.07, TURKISH_MALE, TURKISH_FEMALE, TURKISH_FAMILY, 0.02),
        ("ukrainian", 0.15, UKRAINIAN_MALE, UKRAINIAN_FEMALE, "", 0.0),
        ("eritrean", 0.05, ERITREAN_MALE, ERITREAN_FEMALE, "", 0.35),
    ]
}


def zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


# Family names are long-tailed: half come from the frequent lists above, half from a tail
# of rarer names built here from syllables, written with the usual spelling variants.
TAIL_SYLLABLES = {
    "syrian_iraqi": "ba da ha ja ka ma na ra sa ta za qa sha kha ri di mi ni bu du ru ja",
    "afghan": "ba da ha ja ka ma na ra sa ta za sha kha gul mir nur pa shi",
    "kurdish": "be de he ke me ne re se te ze ba ja ro di zi sha",
    "turkish": "ka te ye ba ko su de ar er ak bo ci gü tü yu",
    "ukrainian": "ko va le ne ry ba ho ro da ly mo pe sy te hu",
    "eritrean": "te ke ha gi be me se ha yo ab go ne",
}
TAIL_ENDINGS = {
    "syrian_iraqi": ["b", "d", "l", "m", "n", "r", "s", "t", "di", "ri", "ni", "wi"],
    "afghan": ["zai", "i", "yar", "zada", "khel", "wal"],
    "kurdish": ["o", "an", "i", "ki", "ani"],
    "turkish": ["oğlu", "er", "an", "can", "soy", "ci", "li"],
    "ukrainian": ["enko", "uk", "chuk", "iv", "ych"],
    "eritrean": ["y", "e", "om", "it", "ai"],
}
TAIL_VARIANTS = [("ou", "u"), ("sh", "sch"), ("kh", "ch"), ("ch", "tsch"), ("v", "w"), ("ğ", "g")]


def tail_names(origin: str, count: int, rng: random.Random) -> list[str]:
    names = set()
    syllables, endings = TAIL_SYLLABLES[origin].split(), TAIL_ENDINGS[origin]
    while len(names) < count:
        stem = "".join(rng.choices(syllables, k=rng.choice((1, 2, 2, 3)))) + rng.choice(endings)
        names.add(stem.capitalize())
    entries = []
    for name in sorted(names):
        spellings = [name]
        for a, b in TAIL_VARIANTS:
            if a in name.lower():
                spellings.append(name.replace(a, b).replace(a.capitalize(), b.capitalize()))
        if origin == "syrian_iraqi" and rng.random() < 0.5:
            spellings = [f"Al-{name}", f"Al{name.lower()}", f"El {name}", *spellings]
        entries.append("|".join(dict.fromkeys(spellings)))
    return entries


def families_of(origin: str, male: list[str]) -> list[str]:
    if origin == "ukrainian":
        return [r + s for s in UKRAINIAN_SUFFIXES for r in UKRAINIAN_ROOTS.split()]
    if origin == "eritrean":  # the father's given name serves as family name
        return male + split_entries(ERITREAN_FAMILY_EXTRA)
    if origin == "syrian_iraqi":  # often a grandfather's given name: Al-Ahmad, Al-Hussein
        return ORIGINS[origin][3] + [f"Al-{m.split('|')[0]}" for m in male if " " not in m]
    return ORIGINS[origin][3]


class Generator:
    """Random persons, spelled mostly the common way, and respelled duplicates of them."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.tables = {}
        for origin, (share, male, female, _family, placeholder) in ORIGINS.items():
            head = families_of(origin, male)
            tail = tail_names(origin, 3000, random.Random(f"{seed}-{origin}"))
            # The tail as a whole is as frequent as the head list: weight = head total.
            head_weights = zipf_weights(len(head), 0.6)
            tail_weights = [sum(head_weights) / len(tail)] * len(tail)
            self.tables[origin] = (
                share,
                (male, zipf_weights(len(male), 0.9)),
                (female, zipf_weights(len(female), 0.8)),
                (head + tail, head_weights + tail_weights),
                placeholder,
            )
        self.origins = list(self.tables)
        self.shares = [self.tables[o][0] for o in self.origins]

    def spell(self, entry: str, canonical_share: float = 0.75) -> str:
        spellings = entry.split("|")
        if len(spellings) == 1 or self.rng.random() < canonical_share:
            return spellings[0]
        return self.rng.choice(spellings[1:])

    def pick(self, table) -> str:
        names, weights = table
        return self.rng.choices(names, weights)[0]

    def person(self, person_id: int) -> tuple[PersonFacts, str]:
        rng = self.rng
        origin = rng.choices(self.origins, self.shares)[0]
        _share, male, female, family, placeholder = self.tables[origin]
        sex = rng.choice("fm")
        given_entry = self.pick(male if sex == "m" else female)
        given = self.spell(given_entry)
        middle = ""
        if origin in ("syrian_iraqi", "afghan", "eritrean") and rng.random() < 0.3:
            middle = self.spell(self.pick(male))  # the father's name as a middle name
        family_entry = self.pick(family)
        family_name = self.spell(family_entry)
        year = int(min(2023, max(1935, rng.gauss(1988, 16))))
        roll = rng.random()
        if roll < 0.02:
            year_, month, day = None, None, None
        elif roll < 0.07:
            year_, month, day = year, None, None
        elif roll < 0.07 + placeholder:
            year_, month, day = year, 1, 1
        else:
            year_, month, day = year, rng.randint(1, 12), rng.randint(1, 28)
        original = ""
        if origin == "syrian_iraqi" and rng.random() < 0.3:
            words = [ARABIC.get(e.split("|")[0]) for e in (given_entry, family_entry)]
            original = " ".join(words) if all(words) else ""
        if origin == "ukrainian" and rng.random() < 0.1:
            original = ""  # Cyrillic originals are rare in registrations
        facts = PersonFacts(
            id=person_id,
            given_name=f"{given} {middle}".strip(),
            family_name=family_name,
            original_name=original,
            birth_year=year_,
            birth_month=month,
            birth_day=day,
            sex=sex if rng.random() > 0.03 else "",
        )
        return facts, f"{given_entry}#{middle}#{family_entry}"

    def typo(self, name: str) -> str:
        letters = [i for i, c in enumerate(name) if c.isalpha()]
        if len(letters) < 4:
            return name
        i = self.rng.choice(letters[1:])
        if self.rng.random() < 0.5 and i + 1 < len(name) and name[i + 1].isalpha():
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        return name[:i] + self.rng.choice("abdeiklmnorstu") + name[i + 1 :]

    def duplicate(self, facts: PersonFacts, entries: str, person_id: int) -> PersonFacts:
        rng = self.rng
        given_entry, middle, family_entry = entries.split("#")
        given = self.spell(given_entry, canonical_share=0.3)
        family = self.spell(family_entry, canonical_share=0.4)
        if rng.random() < 0.05:
            family = self.typo(family)
        elif rng.random() < 0.05:
            given = self.typo(given)
        if middle and rng.random() > 0.3:  # else the middle name is left out this time
            given = f"{given} {middle}"
        given_name = given
        if rng.random() < 0.1:
            given_name, family = family, given_name  # swapped at registration
        year, month, day = facts.birth_year, facts.birth_month, facts.birth_day
        roll = rng.random()
        if year is not None and day is not None and roll < 0.2:
            month = day = None  # only the year known this time
        elif year is not None and roll < 0.35:
            month, day = 1, 1  # papers with the placeholder date
        return replace(
            facts,
            id=person_id,
            given_name=given_name,
            family_name=family,
            original_name=facts.original_name if rng.random() < 0.5 else "",
            birth_year=year,
            birth_month=month,
            birth_day=day,
            sex=facts.sex if rng.random() > 0.1 else "",
        )

    def query(self, facts: PersonFacts) -> str:
        roll = self.rng.random()
        if facts.original_name and roll < 0.2:
            return facts.original_name
        given = facts.given_name.split()[0]
        if roll < 0.4:
            return f"{facts.family_name}, {given}"
        if roll < 0.6:
            return f"{self.typo(given)} {facts.family_name}"
        return f"{given.lower()} {facts.family_name.lower()}"


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--duplicates", type=float, default=0.02)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    gen = Generator(args.seed)
    n_dups = int(args.persons * args.duplicates)
    people, entries = [], []
    for person_id in range(1, args.persons - n_dups + 1):
        facts, entry = gen.person(person_id)
        people.append(facts)
        entries.append(entry)
    truth = set()
    for person_id in range(args.persons - n_dups + 1, args.persons + 1):
        k = gen.rng.randrange(len(entries))
        people.append(gen.duplicate(people[k], entries[k], person_id))
        entries.append(entries[k])
        truth.add((people[k].id, person_id))
    # The same given and family name in any spelling: pairs the data cannot tell apart
    # when the birth dates are compatible too.
    names = {
        p.id: tuple(part.split("|")[0] for part in entry.split("#")[::2])
        for p, entry in zip(people, entries, strict=True)
    }

    start = time.perf_counter()
    index: dict[str, list[int]] = {}
    n_keys = 0
    for i, p in enumerate(people):
        keys = blocking_keys(p.given_name, p.family_name, p.original_name)
        n_keys += len(keys)
        for key in keys:
            index.setdefault(key, []).append(i)
    keys_seconds = time.perf_counter() - start

    stats: dict[str, int] = {}
    start, cpu_start = time.perf_counter(), time.process_time()
    pairs = find_duplicates(people, stats=stats)
    scan_seconds, scan_cpu = time.perf_counter() - start, time.process_time() - cpu_start

    search_ms, top20 = [], 0
    targets = gen.rng.sample(range(len(people)), args.queries)
    for i in targets:
        q = gen.query(people[i])
        start = time.perf_counter()
        ids = {j for key in query_keys(q) for j in index.get(key, ())}
        ranked = sorted(ids, key=lambda j: -search_score(q, people[j]))[:20]
        search_ms.append((time.perf_counter() - start) * 1000)
        top20 += i in ranked

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine: {platform.machine()} {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average {load}"
    )
    print(f"data: {len(people):,} persons, {len(truth):,} injected duplicates, seed {args.seed}")
    print(
        f"blocking_keys: {keys_seconds:.1f} s for all, {n_keys / len(people):.1f} keys/person, "
        f"{len(index):,} distinct keys, largest bucket {max(map(len, index.values())):,}"
    )
    print(
        f"find_duplicates: {scan_seconds:.1f} s ({scan_cpu:.1f} s CPU), "
        f"{stats['candidate_pairs']:,} candidate pairs, {stats['scored_pairs']:,} scored after "
        f"the date check, {len(pairs):,} pairs found"
    )
    found = {(a, b) for a, b, _ in pairs}
    hits = len(found & truth)
    print(
        f"against injected duplicates: precision={hits / max(1, len(found)):.3f} "
        f"recall={hits / len(truth):.3f}"
    )
    for label, test in [
        ("same full birth date", lambda c: "same_birth_date" in c.reasons),
        ("same birth year only", lambda c: "same_birth_date" not in c.reasons),
    ]:
        group = {(a, b) for a, b, c in pairs if test(c)}
        others = group - truth
        alike = sum(1 for a, b in others if names[a] == names[b])
        print(
            f"  {label}: {len(group):,} pairs, {len(group & truth):,} injected, "
            f"{len(others):,} others of which {alike:,} have the same names in some spelling"
        )
    print(
        f"search ({args.queries} queries, in-memory key index): "
        f"median {statistics.median(search_ms):.1f} ms, p95 {percentile(search_ms, 0.95):.1f} ms, "
        f"target in top 20: {top20 / len(targets):.1%}"
    )


if __name__ == "__main__":
    main()
