"""Folding person names to comparable lower-case tokens: Latin, Arabic script and Cyrillic."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Ukrainian-first Cyrillic romanisation (г → h as in Ukrainian passports); Russian letters too.
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye",
        "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "yu",
        "я": "ya", "ё": "yo", "ы": "y", "э": "e", "ъ": "",
    }
)  # fmt: skip

# Letters that Unicode decomposition does not reduce to a base letter (or reduces badly).
_LATIN_SPECIAL = str.maketrans(
    {"ß": "ss", "ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th",
     "ł": "l", "ħ": "h", "ə": "a"}
)  # fmt: skip

# Arabic-script spelling variation that carries no information about the name: hamza seats,
# alef variants, Persian/Urdu/Kurdish letter shapes, tā' marbūṭa written as hā'.
_ARABIC_UNIFY = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي",
     "ئ": "ي", "ؤ": "ء", "ک": "ك", "ة": "ه", "ۀ": "ه", "ە": "ه", "ہ": "ه", "ھ": "ه",
     "ێ": "ي", "ۆ": "و", "ڕ": "ر", "ڵ": "ل"}
)  # fmt: skip

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06d5]")
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")

# Detached articles: "Al-Hassan", "El Hassan", "ul-Haq"; sun-letter forms only with a hyphen
# ("Ar-Rashid", "ad-Din") because "As", "An" stand alone in other languages.
_ARTICLE = re.compile(
    r"(?<![^\W\d_])(?:(?:al|el|ul|il)[\s\-‐‑–'’ʼ`]+|(?:[aeu](?:[dnrstz]|sh|th|dh))-)(?=[^\W\d_])"
)
_APOSTROPHES = re.compile(r"['’ʼ`´ʿʾ‘]")
_SEPARATORS = re.compile(r"[^\w]+|[\d_]+")
_GERMAN_DIGRAPH = re.compile(r"([aou])e")

# Tokens that are not names: placeholders for unknown names and filiation particles.
_PLACEHOLDERS = frozenset(
    {"fnu", "lnu", "nn", "xx", "xxx", "unknown", "unbekannt", "none", "null", "ohne", "keine"}
)
_PARTICLES = frozenset({"bin", "ben", "ibn", "bint", "binti", "ould", "walad", "بن", "ابن", "بنت"})
# First elements that are written separately or joined: "Abd al-Rahman", "Abu Bakr",
# Tigrinya "Gebre Medhin", "Haile Mariam".
_PREFIX_ELEMENTS = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdur", "abdus", "abu", "abou", "abo",
     "gebre", "ghebre", "gebra", "ghebra", "habte", "welde", "wolde", "walda", "tekle",
     "haile", "kidane", "zere", "tesfa", "عبد", "ابو"}
)  # fmt: skip
# Second elements of compound names: "Nur ad-Din", "Zia ul-Haq", "Habib Ullah".
_SUFFIX_ELEMENT = re.compile(r"^(?:[aeiou]?[ld]{0,2})?(?:din|deen|dine|haq|hak)$|^[aeiou]?ll?ah?$")
_GLUED_SUFFIX = re.compile(
    r"^(?P<base>[a-z]{2,}?)(?:[aeiou](?:l|dd?|rr?|ss?|zz?))?(?P<tail>din|deen|dine|haq|hak|islam)$"
)
_ARABIC_SUFFIX = frozenset({"الدين", "الله", "الحق", "الاسلام"})
# Turkish writes ad-Din as -ettin/-attin: Nurettin, Kemalettin, Bahattin (not Martin, Metin).
_TURKISH_DIN = re.compile(r"^(?P<base>[a-z]{2,}?)[aeiou]tt(?P<i>[iı]?)n$")


def is_arabic(token: str) -> bool:
    return bool(_ARABIC_LETTER.search(token))


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Case-folded, accent-free, article-free name text with single spaces.

    German and Turkish letters fold to their base letter (ö, oe → o; ş → s; ı, İ → i),
    Cyrillic is romanised, Arabic script keeps its letters with spelling variants unified.
    """
    text = unicodedata.normalize("NFKC", text or "").casefold().replace("i\u0307", "i")
    text = text.translate(_CYRILLIC)
    text = _ARTICLE.sub("", text)
    text = _APOSTROPHES.sub("", text)
    text = unicodedata.normalize("NFKD", text.translate(_LATIN_SPECIAL))
    text = "".join(c for c in text if not unicodedata.combining(c) or "\u0600" <= c <= "\u06ff")
    text = _GERMAN_DIGRAPH.sub(r"\1", text)
    if is_arabic(text):
        text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFC", text)).translate(_ARABIC_UNIFY)
    return " ".join(_SEPARATORS.sub(" ", text).split())


def _join_arabic(first: str, second: str) -> str:
    # The article of a joined second element is not written in Latin either: "Abdulrahman".
    return first + (second[2:] if second.startswith("ال") and len(second) > 3 else second)


@lru_cache(maxsize=65536)
def tokenise(text: str) -> tuple[str, ...]:
    """Name tokens of one name field: normalised, compounds joined, particles dropped."""
    raw = [t for t in normalise(text).split() if t not in _PLACEHOLDERS]
    tokens: list[str] = []
    i = 0
    while i < len(raw):
        token = raw[i]
        if token in _PREFIX_ELEMENTS and i + 1 < len(raw):
            token = _join_arabic(token, raw[i + 1])
            i += 1
        elif tokens and (_SUFFIX_ELEMENT.match(token) or token in _ARABIC_SUFFIX):
            joined = _join_arabic(tokens[-1], token)
            tokens[-1] = _GLUED_SUFFIX.sub(r"\g<base>\g<tail>", joined)
            i += 1
            continue
        if token in _PARTICLES and tokens:
            i += 1
            continue
        if is_arabic(token) and token.startswith("ال") and len(token) > 3:
            token = token[2:]
        else:
            token = _GLUED_SUFFIX.sub(r"\g<base>\g<tail>", _TURKISH_DIN.sub(r"\g<base>din", token))
        tokens.append(token)
        i += 1
    return tuple(tokens)
