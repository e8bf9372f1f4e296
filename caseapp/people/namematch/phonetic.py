"""Transliteration skeletons and vowel-aware codes of single name tokens; token similarity."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from caseapp.people.namematch.script import is_arabic, tokenise

# A token has two phonetic forms. The *skeleton* keeps only consonant classes (Mohammed,
# Muhammad, محمد → "mhmt"); it is coarse on purpose because blocking keys are built from it
# and a missed variant costs recall. The *code* also keeps the class of each vowel group
# (Mohammed → "mUhAmEt", Mahmoud → "mAhmUt", Hussein → "hUsIn", Hassan → "hAsAn"), so that
# distinct names sharing a skeleton (Mohammed/Mahmoud, Hassan/Hussein, Ali/Aliya) differ.

# Forms no rule would bring together: Turkish Mehmet, Syrian passport abbreviations, and
# Ukrainian h for Russian g in names often written the Russian way (Olha/Olga, Ihor/Igor).
_ALIASES = {
    "mehmet": "muhammad", "mehmed": "muhammad", "mhd": "muhammad", "mohd": "muhammad",
    "muhd": "muhammad", "md": "muhammad", "olha": "olga", "oleh": "oleg", "ihor": "igor",
    "halyna": "galina", "bohdan": "bogdan", "hlib": "gleb",
}  # fmt: skip

# Arabic script has no short vowels; letters become pseudo-Latin that the Latin rules read.
_ARABIC_TO_LATIN = str.maketrans(
    {"ا": "a", "ع": "a", "ء": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h",
     "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s",
     "ض": "d", "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l",
     "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "پ": "p", "چ": "ch", "ژ": "zh",
     "گ": "g", "ڤ": "v", "ټ": "t", "ډ": "d", "ړ": "r", "ښ": "sh", "ږ": "zh", "ځ": "z",
     "څ": "s", "ڼ": "n"}
)  # fmt: skip

# "Alhassan" glued; not "Alina", "Almaz", "Elham" (vowel next, or too short to be "al" + name).
_GLUED_ARTICLE = re.compile(r"^(?:al|el)(?=[b-df-hj-np-tv-z][a-z]{3})")
# Abd + article in any spelling: Abdulrahman, Abdelrahman, Abdurrahman, Abd al-Rahman.
_ABD = re.compile(r"^abd(?:[aeiou]?l|[aeiou])?(?=[a-z]{2})")
_DIGRAPH = re.compile(r"tsch|dsch|sch|zh|sh|ch|kh|gh|ph|th|dh|ck|ts|tz|x|q|c|j|p")
# German (Chaled, Schami, Tschelik), English and French renderings share one class each.
_DIGRAPH_CLASS = {
    "tsch": "h", "dsch": "j", "sch": "s", "zh": "s", "sh": "s", "ch": "h", "kh": "h",
    "gh": "g", "ph": "f", "th": "s", "dh": "d", "ck": "k", "ts": "z", "tz": "z", "x": "ks",
    "q": "k", "c": "k", "j": "y", "p": "b",
}  # fmt: skip
# Letters read differently by the traditions that wrote the name: "ch" is German kh (Chaled)
# or French sh (Hicham, Aicha); "c" is French s before e/i (Yacine, Hocine) and Turkish j
# everywhere (Cemal, Recep, Hatice). Each token gets every reading (the first is its primary
# one, as before), keys are built from all of them and similarity takes the best pair.
# "dj" is German d + j (Nadja) or French j (Djamel, Belhadj).
# "j" is German y (Jussuf) or English/French j (Jamal, Hajar), which Turkish writes c (Hacer);
# "ǰ" stands for that consonant j inside this module.
_AMBIGUOUS = re.compile(r"dsch|(?<![std])ch|(?<![s])c(?![hk])|dj|(?<!d)j")
_J = "ǰ"
_MAX_READINGS = 4
# French ou before a vowel at the start is w (Ouali, Oualid).
_FRENCH_OU = re.compile(r"^ou(?=[aei])")
_ARABIC_VOWEL_W = re.compile(r"(?<=.)w(?!a)")
_VOWELS = frozenset("aeiou")
# Similarities that mean "a different name", whatever the letters have in common.
_DISTINCT_ENDING = 0.35
_DISTINCT_VOWELS = 0.55
_SILENT_E = 0.9


def _classes(token: str) -> str:
    token = _ALIASES.get(token, token)
    if is_arabic(token):
        # A final hā' is the feminine ending, read as a vowel like Latin "Fatima"; wāw and
        # yā' inside a word are long vowels unless a long a follows (Marwan, Ziyad).
        token = token[:-1] + "a" if token.endswith("ه") and len(token) > 2 else token
        token = _ARABIC_VOWEL_W.sub("u", token.translate(_ARABIC_TO_LATIN))
    if token.startswith("x") or token.endswith("x"):
        # Kurmanji x is kh (Xelîl = Khalil, Şêx = Sheikh); inside a word x is ks (Olexandr).
        token = "kh" + token[1:] if token[0] == "x" else token[:-1] + "kh"
    if len(token) >= 6 and token.endswith("eh"):
        token = token[:-1]  # Persian feminine -eh is Arabic -a: Sakineh, Fatemeh, Hamideh
    elif len(token) >= 5 and token.endswith("ah") and not token.endswith("llah"):
        token = token[:-1]  # the written tā' marbūṭa: Fatimah, Aminah, Sarah, Hamzah
    if token.endswith("llah"):
        token = token[:-1]
    token = _GLUED_ARTICLE.sub("", token)
    token = _ABD.sub("abd", token)
    token = _FRENCH_OU.sub("w", token)
    token = _DIGRAPH.sub(lambda m: _DIGRAPH_CLASS[m.group()], token)
    return token.replace("j", "y")


def _vowel_class(group: str, final: bool) -> str:
    if "i" in group or "y" in group:
        # "ia", "iya", "ya" (Ziad, Aliya, Maryam) differ from diphthongs "ai", "ei" (Hussein);
        # Turkish writes e for that a (Rukiye/Ruqayya, Recep = Rejep/Rajab).
        ya = len(group) > 1 and group[-1] == "a" and group[-2] in "iy"
        turkish = group.endswith(("iye", "eye")) or (group == "ye" and not final)
        return "Y" if ya or turkish else "I"  # Ilyes/Ilyas too
    if final:
        return "A" if group[-1] == "a" else "E" if group[-1] == "e" else "U"
    if "o" in group or "u" in group or "w" in group:
        return "U"
    return "A" if set(group) == {"a"} else "E"


def _is_vowel(s: str, i: int) -> bool:
    c = s[i]
    if c in _VOWELS:
        return True
    if i == 0:
        return False
    # y inside a word is a vowel or glide (Huseyin, Maryam); w is one only in a diphthong
    # "aw" before a consonant (Sawsan), German w is v (Schewtschenko, Iwanow).
    if c == "y":
        return True
    return c == "w" and s[i - 1] == "a" and not (i + 1 < len(s) and s[i + 1] in _VOWELS)


@lru_cache(maxsize=131072)
def _analyse(token: str) -> tuple[str, tuple[str, ...]]:
    """The code, and per consonant gap the vowel class there: "" none, lower case for a
    single letter (may be short or long), upper case for a long vowel or diphthong."""
    s = _classes(token)
    out: list[str] = []
    gaps = [""]
    i, n = 0, len(s)
    while i < n:
        if _is_vowel(s, i):
            j = i + 1
            while j < n and _is_vowel(s, j):
                j += 1
            group = s[i:j]
            out.append(_vowel_class(group, final=j == n))
            gaps[-1] = out[-1].lower() if len(group) == 1 and group in _VOWELS else out[-1]
            i = j
            continue
        c = "v" if s[i] == "w" else s[i]
        if not out or out[-1] != c:
            out.append(c)
            gaps.append("")
        i += 1
    if out and out[-1] == "d":
        out[-1] = "t"  # final devoicing: Ahmed/Ahmet, Khalid/Halit, Mohammed/Muhammet
    return "".join(out), tuple(gaps)


@lru_cache(maxsize=131072)
def spellings(token: str) -> tuple[str, ...]:
    """The token as each tradition would read its ambiguous letters, primary reading first."""
    if ("c" not in token and "j" not in token) or is_arabic(token):  # dsch has a c
        return (token,)
    variants, pos = [""], 0
    for match in _AMBIGUOUS.finditer(token):
        if match.group() == "ch":
            options: tuple[str, ...] = ("ch", "sh")
        elif match.group() in ("dsch", "dj", "j"):
            options = (match.group(), _J)
        else:
            following = token[match.end() : match.end() + 1]
            options = ("s", _J) if following and following in "eiy" else ("c", _J)
        literal = token[pos : match.start()]
        variants = [v + literal + o for v in variants for o in options][:_MAX_READINGS]
        pos = match.end()
    return tuple(dict.fromkeys(v + token[pos:] for v in variants))


@lru_cache(maxsize=131072)
def _readings(token: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(dict.fromkeys(_analyse(spelling) for spelling in spellings(token)))


def phonetic_code(token: str) -> str:
    """Consonant classes with upper-case vowel classes A E I U Y, e.g. Mohammed → mUhAmEt."""
    return _readings(token)[0][0]


def _skeleton_of(code: str) -> str:
    if not code:
        return ""
    out = ["a"] if code[0].isupper() else []
    for c in code:  # letters of other scripts (Tigrinya originals) count as consonants
        if not c.isupper() and (not out or out[-1] != c):
            out.append(c)
    return "".join(out)


@lru_cache(maxsize=131072)
def token_skeleton(token: str) -> str:
    """Skeleton of one normalised token: initial vowel as "a", then consonants, no repeats."""
    return _skeleton_of(phonetic_code(token))


@lru_cache(maxsize=131072)
def token_skeletons(token: str) -> tuple[str, ...]:
    """The skeletons of every reading of the token, primary first (see `spellings`)."""
    return tuple(dict.fromkeys(s for s in (_skeleton_of(c) for c, _ in _readings(token)) if s))


def skeleton(token: str) -> str:
    """Transliteration skeleton of one name token (Mohammed, Muhammad, محمد → "mhmt")."""
    return token_skeleton("".join(tokenise(token)))


def _cross_script(arabic: str, latin: str) -> float:
    """Arabic script writes long vowels only: محمد has none where Mahmoud writes "ou"."""
    written = _readings(arabic)[0]
    return max(_cross_reading(written, reading) for reading in _readings(latin))


def _cross_reading(written, reading) -> float:
    (code_a, gaps_a), (code_b, gaps_b) = written, reading
    sa, sb = _skeleton_of(code_a), _skeleton_of(code_b)
    if sa != sb:
        return 0.5 * OSA.normalized_similarity(sa, sb)
    if [c for c in code_a if not c.isupper()] != [c for c in code_b if not c.isupper()]:
        return 0.8
    last = len(gaps_b) - 1
    conflicts = 0
    for k, (written, vowel) in enumerate(zip(gaps_a, gaps_b, strict=True)):
        if written and not vowel:
            conflicts += 1
        elif vowel.isupper() and not written and k != last:
            conflicts += 1  # Latin "ou", "ee", "ei" where Arabic writes no long vowel
        elif (
            written
            and k
            and "E" not in (written.upper(), vowel.upper())
            and (written.upper() != vowel.upper())
        ):
            conflicts += 1  # ي written where Latin has "a": حسين is not Hassan
    return 0.85 if conflicts == 0 else 0.6 if conflicts == 1 else 0.45


def _relation(reading_a, reading_b) -> float:
    """Similarity of two readings whose codes differ, from vowel classes or edit distance."""
    (ca, gaps_a), (cb, gaps_b) = reading_a, reading_b
    same_shape = len(ca) == len(cb) and all(
        x == y or (x.isupper() and y.isupper()) for x, y in zip(ca, cb, strict=True)
    )
    if same_shape:
        long_a = iter([g.isupper() for g in gaps_a if g])
        long_b = iter([g.isupper() for g in gaps_b if g])
        conflicts = 0
        for pos, (x, y) in enumerate(zip(ca, cb, strict=True)):
            if not x.isupper():
                continue
            both_long = next(long_a) & next(long_b)
            if x == y or "E" in (x, y):
                continue
            if pos == len(ca) - 1 and {x, y} <= {"A", "I", "Y"}:
                return _DISTINCT_ENDING  # gendered or distinct: Ali/Aliya, Sami/Samia, Rana/Rania
            # A different first vowel (Omar/Ammar, Omar/Amir), a/ia (Maram/Mariam) or two
            # different long vowels (Saad/Said, Zaid/Ziad) separate names; a single other
            # short vowel is usually transliteration (Yusuf/Yusif).
            strong = pos == 0 or both_long or {x, y} == {"A", "Y"}
            conflicts += 2 if strong else 1
        return 0.95 if conflicts == 0 else 0.86 if conflicts == 1 else _DISTINCT_VOWELS
    short, long_ = sorted((ca, cb), key=len)
    if len(long_) == len(short) + 1 and long_.startswith(short):
        extra = long_[-1]
        if extra == "E":
            return _SILENT_E  # French silent e: Amine/Amin, Yacine/Yassin, Hocine/Husein
        if extra.isupper():
            return _DISTINCT_ENDING  # an extra final vowel: Karim/Karima, Rahim/Rahimi
        if short[-1].isupper() and extra != "h":
            return _DISTINCT_ENDING  # an extra final consonant: Sami/Samir, Mebrahtu/-tom
    return OSA.normalized_similarity(ca, cb)


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    # Normalised tokens are in one script each; Arabic letters sort after Latin ones.
    arabic_a, arabic_b = a[0] >= "\u0600" and is_arabic(a), b[0] >= "\u0600" and is_arabic(b)
    if arabic_a and arabic_b:
        # Arabic script spells long vowels, so any difference is more telling than in Latin.
        return max(0.0, OSA.normalized_similarity(a, b) - 0.1)
    if arabic_a or arabic_b:
        return _cross_script(a, b) if arabic_a else _cross_script(b, a)
    if len(a) == 1 or len(b) == 1:
        return 0.7 if a[0] == b[0] else 0.0  # an initial
    readings_a, readings_b = _readings(a), _readings(b)
    sim = 0.0
    for reading_a in readings_a:
        for reading_b in readings_b:
            if reading_a[0] == reading_b[0]:
                return 0.97
            sim = max(sim, _relation(reading_a, reading_b))
    if len(a) >= 6 and len(b) >= 6 and sim not in (_DISTINCT_ENDING, _DISTINCT_VOWELS):
        # Typing errors in long names (Khaled/Khalde) show better on the letters themselves.
        sim = max(sim, OSA.normalized_similarity(a, b))
    return sim


def gendered_variant(a: str, b: str) -> bool:
    """True when two tokens differ only by a final vowel: Amine/Amina, Emin/Emine, Cemil/Cemile
    (the same name for a man and a woman, so siblings or spouses when the sexes differ)."""
    if a == b:
        return False
    for code_a, _ in _readings(a):
        for code_b, _ in _readings(b):
            stem_a = code_a[:-1] if code_a[-1:].isupper() else code_a
            stem_b = code_b[:-1] if code_b[-1:].isupper() else code_b
            if stem_a == stem_b and code_a != code_b and len(stem_a) >= 2:
                return True
    return False


_SIMILARITIES: dict[tuple[str, str], float] = {}
_MAX_CACHED = 300_000  # about 30 MB


def token_similarity(a: str, b: str) -> float:
    """0..1 for two normalised tokens: 1 same, ~0.95 variant, ~0.85 typo, below 0.8 different."""
    key = (a, b) if a <= b else (b, a)
    sim = _SIMILARITIES.get(key)
    if sim is None:
        # A plain dict beats lru_cache in the scan's inner loop; names repeat a lot.
        if len(_SIMILARITIES) >= _MAX_CACHED:
            _SIMILARITIES.clear()
        sim = _SIMILARITIES[key] = _similarity(*key)
    return sim


def similarity_row(x: str, others: tuple[str, ...]) -> list[float]:
    """`token_similarity` of one token against several, cache lookups inlined (scan loop)."""
    cache = _SIMILARITIES
    row = []
    for y in others:
        if x == y:
            row.append(1.0)
            continue
        sim = cache.get((x, y) if x < y else (y, x))
        row.append(token_similarity(x, y) if sim is None else sim)
    return row


def one_typing_error(a: str, b: str) -> bool:
    """True when two Latin tokens are one keystroke apart — a letter wrong, added or left
    out, or two neighbours swapped (Noor/Nooa, Ahmad/Ahmda, Diaa/Dia) — but not in the first
    letter, which is typed and checked with most care and which sets most short names apart
    (Rami/Sami, Hadi/Fadi, Dana/Rana). Such tokens may still be two real names (Zaid/Ziad,
    Sami/Samir): the caller believes it only with evidence a namesake would not share."""
    if a == b or a[0] != b[0] or max(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if a[0] >= "\u0600" or b[0] >= "\u0600":
        return False  # Arabic script is compared by its own rules
    # Karim/Karima, Rana/Rania: a brother's and a sister's name, not a slip of the finger.
    return OSA.distance(a, b, score_cutoff=1) == 1 and not gendered_variant(a, b)


_VARIANT = 0.9  # token_similarity of spelling variants (~0.95); a typing error is ~0.85


@lru_cache(maxsize=65536)
def typing_error_in_variant(a: str, b: str) -> bool:
    """True when one keystroke in `a` — a letter left out, two neighbours swapped, a letter
    of `b` typed wrongly or added — makes it a spelling variant of `b` (Mhuamed: Muhamed is
    Mohammed's variant; Farma: Fatma is Fatima's). The same limits as `one_typing_error`: not
    the first letter, tokens of four letters and more, no brother's or sister's ending."""
    if a == b or a[0] != b[0] or min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 2:
        return False
    if a[0] >= "\u0600" or b[0] >= "\u0600":
        return False
    # A variant is at most two edits from the name (Muhamed/Mohammed), the slip one more:
    # names further apart are different names, told apart at the cost of one OSA distance.
    if OSA.distance(a, b, score_cutoff=3) > 3 or gendered_variant(a, b):
        return False
    letters = sorted(set(b))
    seen: set[str] = set()
    for i in range(1, len(a)):
        candidates = [a[:i] + a[i + 1 :]]
        if i + 1 < len(a):
            candidates.append(a[:i] + a[i + 1] + a[i] + a[i + 2 :])
        candidates += [a[:i] + c + a[i + 1 :] for c in letters if c != a[i]]
        candidates += [a[:i] + c + a[i:] for c in letters]
        for c in candidates:
            if c not in seen and len(c) >= 3:
                seen.add(c)
                if token_similarity(c, b) >= _VARIANT:
                    return True
    return False
