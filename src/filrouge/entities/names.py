"""Name keys: what two spellings of one name have in common.

A *key* is a name folded so that the variants news writes for one name meet: case, accents,
hyphens and apostrophes go; French and English transliterations of Russian and Korean names
are brought together ("Choïgou", "Choigu", "Shoigu" → ``shoigu``; "Vostotchny", "Vostochny"
→ ``vostoshni``; "Sergueï" and "Sergei" → ``sergei``). Two keys one edit apart are *near*
("Choïgo" / "Choïgou", "Kim Jung Un" / "Kim Jong Un"); "Kim Jong Il" is two edits from
"Kim Jong Un" and never near it.

>>> key("Sergueï Choïgou") == key("Sergei Shoigu")
True
>>> key("Kim Jong-un") == key("Kim Jong Un")
True
>>> near(key("Kim Jung Un"), key("Kim Jong Un")), near(key("Kim Jong Il"), key("Kim Jong Un"))
(True, False)
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

# Ordered rewrites of a folded word: French and German spellings of Russian sounds to one
# form (tch/tsch/ch/sch → sh; ou → u; gue → ge), y → i, w → v, doubled letters once.
_REWRITES = (
    ("tsch", "sh"), ("tch", "sh"), ("sch", "sh"), ("ch", "sh"), ("ou", "u"),
    ("gue", "ge"), ("gui", "gi"), ("y", "i"), ("w", "v"), ("ph", "f"), ("ck", "k"),
)
_DOUBLE = re.compile(r"(.)\1+")
_SPLIT = re.compile(r"[\s\-‐‑–—'’`´.]+")
# Definite articles that may open a name or a subject ("La Russie", "Les États-Unis").
ARTICLES = frozenset(["le", "la", "les", "l", "the"])
# Words that join a surname to what comes before it ("Saïf al-Islam", "Ibn Khaldoun",
# "Ursula von der Leyen"): the word after one is part of a surname, not a name on its own.
PARTICLES = frozenset(["al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "bin", "ben", "ibn", "abu", "abou",
                       "abd", "ould", "bou", "de", "du", "des", "van", "von", "der", "den", "da", "di", "del",
                       "della", "le", "la"])
# A key this short is never matched approximately: "Li" and "Lee" stay apart.
NEAR_MIN = 6


_LATIN_MARKS = re.compile(r"[\u0300-\u036f]")


def unaccent(text: str) -> str:
    """Accents off: ``Choïgou`` → ``Choigou`` (compatibility decomposition, every combining
    mark dropped: the Latin ones by a regex, any other the text holds by one built for it)."""
    decomposed = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if decomposed.isascii():
        return decomposed
    marks = "".join(sorted(c for c in set(decomposed) if unicodedata.combining(c)))
    return _marks_pattern(marks).sub("", decomposed) if marks else decomposed


@lru_cache(maxsize=256)
def _marks_pattern(marks: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in marks) + "]")


def fold_text(text: str) -> str:
    """Lower case and Latin accents off, for whole texts (a regex in C rather than a loop
    over characters; marks outside the Latin combining block stay)."""
    return _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents off, hyphens and apostrophes as spaces: ``Kim Jong-Un`` → ``kim jong un``."""
    return " ".join(w for w in _SPLIT.split(unaccent(text).casefold()) if w)


def word_key(word: str) -> str:
    """One folded word's key: transliteration variants rewritten, doubled letters once,
    a final mute e dropped (Poutine / Putin)."""
    w = word
    for a, b in _REWRITES:
        w = w.replace(a, b)
    w = _DOUBLE.sub(r"\1", w)
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


@lru_cache(maxsize=65536)
def key(name: str) -> str:
    """The key of a whole name."""
    return " ".join(word_key(w) for w in fold(name).split())


def near(a: str, b: str) -> bool:
    """Whether two keys are one edit apart (or equal), both long enough to risk it, name
    the same numbers and have words that start alike."""
    if a == b:
        return True
    if min(len(a), len(b)) < NEAR_MIN or abs(len(a) - len(b)) > 1 \
            or not same_numbers(a, b) or not same_initials(a, b):
        return False
    return bool(deletions(a) & (deletions(b) | {b})) or a in deletions(b)


# First letters that spell one sound across transliterations: Kadhafi / Qadhafi / Gaddafi,
# Usama / Osama, Iouri / Jouri, Sinai / Zinai (y and w are already rewritten to i and v).
_LIKE_INITIALS = (frozenset("ckqg"), frozenset("aeiou"), frozenset("ij"), frozenset("sz"))


def same_initials(a: str, b: str) -> bool:
    """Whether the words of two keys start alike: a word of three letters or more that
    starts with another letter is another word (Calais / Valais, Manama / Panama, al-Baida
    / al-Qaida), unless the two letters spell one sound across transliterations or one word
    is the other with a letter put before it (Djibril / Jibril). Short words vary freely
    (al / el, du / au).

    >>> same_initials("calais", "valais"), same_initials("seif al islam", "seif el islam")
    (False, True)
    """
    for x, y in zip(a.split(), b.split()):
        if x == y or x[0] == y[0] or min(len(x), len(y)) < 3 or x[1:] == y or y[1:] == x:
            continue
        if not any(x[0] in c and y[0] in c for c in _LIKE_INITIALS):
            return False
    return True


_ROMAN = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})")


def same_numbers(a: str, b: str) -> bool:
    """Whether two keys name the same numbers, in figures or in Roman numerals: one edit
    apart, "COP 26" and "COP 27", "G7" and "G8", "Charles I" and "Charles VI" are still two.

    >>> same_numbers("cop 26", "cop 27"), same_numbers("cop 26", "kop 26")
    (False, True)
    """
    return _numbers(a) == _numbers(b)


def _numbers(k: str) -> list[str]:
    return [w for w in k.split() if any(c.isdigit() for c in w) or _ROMAN.fullmatch(w)]


def deletions(k: str) -> set[str]:
    """The key with one character deleted, every way: two keys one substitution apart share
    one, so an index of these finds near keys with exact lookups."""
    return {k[:i] + k[i + 1:] for i in range(len(k)) if k[i] != " "}


class NearIndex:
    """Keys found again by exact lookups on their one-letter deletions: ``lookup(k)`` gives
    the indexed keys equal to ``k`` or one edit from it, in time that does not grow with
    the number of keys.

    >>> NearIndex(["kim jong un", "kim jong il"]).lookup("kim jung un")
    ['kim jong un']
    """

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.keys: set[str] = set()
        self.variants: dict[str, set[str]] = {}
        for k in keys:
            self.add(k)

    def add(self, k: str) -> None:
        if k in self.keys:
            return
        self.keys.add(k)
        if len(k) >= NEAR_MIN:
            for d in deletions(k):
                self.variants.setdefault(d, set()).add(k)

    def lookup(self, k: str) -> list[str]:
        found = {k} & self.keys
        for probe, kind in near_probes(k):
            if kind == "del":
                found |= self.variants.get(probe, set())
            elif probe in self.keys and len(probe) >= NEAR_MIN:
                found.add(probe)
        return sorted(x for x in found if near(x, k))


def near_probes(k: str) -> list[tuple[str, str]]:
    """What to look up to find the keys one edit from ``k``, in an index that holds each key
    whole (kind ``name``) and with each of its letters deleted (kind ``del``): ``k`` among
    their deletions (``k`` lacks a letter of theirs), ``k``'s deletions among their deletions
    (one letter differs), and ``k``'s deletions among their names (theirs lacks a letter).
    The NearIndex and the store's entity keys are both searched this way."""
    if len(k) < NEAR_MIN:
        return []
    dels = sorted(deletions(k))
    return [(k, "del")] + [(d, "del") for d in dels] + [(d, "name") for d in dels]


def slug(name: str) -> str:
    """An id-friendly form of a display name, accents off, words joined by hyphens.

    >>> slug("Sergueï Choïgou")
    'serguei-choigou'
    """
    return "-".join(re.findall(r"[a-z0-9]+", fold(name))) or "entity"


def acronym(words: list[str], skip: frozenset[str]) -> str:
    """The initials of a name's content words: "Banque centrale européenne" → ``BCE``."""
    return "".join(w[0].upper() for w in words if w and w.casefold() not in skip and w[0].isalpha())


# ---------------------------------------------------------------------------- resources
def _entries(value: str) -> tuple[str, ...]:
    return tuple(e.strip() for e in re.split(r"[|\n]", value) if e.strip())


@dataclass(frozen=True)
class Words:
    """The word lists of one language (``data/entities.toml``)."""

    titles: tuple[str, ...] = ()
    street_heads: frozenset[str] = frozenset()
    portfolio_heads: frozenset[str] = frozenset()
    office_tails: frozenset[str] = frozenset()
    common_capitalised: frozenset[str] = frozenset()
    event_heads: frozenset[str] = frozenset()
    weather_heads: frozenset[str] = frozenset()
    demonym_endings: tuple[str, ...] = ()
    demonym_min_length: int = 6
    demonym_articles: frozenset[str] = frozenset()
    patronymic_endings: tuple[str, ...] = ()
    pronouns: frozenset[str] = frozenset()
    locatives: tuple[str, ...] = ()
    speech_verbs: tuple[str, ...] = ()
    source_words: tuple[str, ...] = ()
    that: tuple[str, ...] = ()
    role_heads: tuple[str, ...] = ()
    definite: tuple[str, ...] = ()
    prepositions: frozenset[str] = frozenset()
    attribution_verbs: tuple[str, ...] = ()
    attribution_after_comma: tuple[str, ...] = ()


@cache
def _data() -> dict[str, object]:
    with resources.files("filrouge").joinpath("data/entities.toml").open("rb") as f:
        return tomllib.load(f)


def models() -> dict[str, str]:
    """spaCy model package per language."""
    return dict(_data()["models"])  # type: ignore[call-overload]


@cache
def words(language: str | None) -> Words:
    """The word lists of a language; a language without lists gets empty ones."""
    raw = _data().get(language or "", {})
    assert isinstance(raw, dict)
    kw: dict[str, object] = {}
    for name, value in raw.items():
        if name == "demonym_min_length":
            kw[name] = int(value)
        elif name in ("street_heads", "event_heads", "weather_heads", "demonym_articles", "pronouns",
                      "portfolio_heads", "office_tails", "common_capitalised", "prepositions"):
            kw[name] = frozenset(_entries(value))
        else:
            kw[name] = _entries(value)
    return Words(**kw)  # type: ignore[arg-type]


def alternation(entries: Iterable[str]) -> str:
    """A regular-expression alternation of literal entries, the longest first."""
    return "|".join(re.escape(v) for v in sorted(entries, key=len, reverse=True))


@cache
def _locative_pattern(language: str | None) -> re.Pattern[str] | None:
    """A word that makes the name right after it a place or an addressee ("à ", "place ",
    "in "; ``locatives`` in ``data/entities.toml``), searched up to the name."""
    lang = words(language)
    if not lang.locatives:
        return None
    return re.compile(r"(?:^|\W)(?:" + alternation(lang.locatives) + r")\s+$", re.IGNORECASE)


# A relative clause right after a name (its apposition aside) makes it a subject: "à Alain
# Deklerk, son supérieur, qui s'est dit…".
_RELATIVE_AFTER = re.compile(r"\s*(?:,[^,.;]{0,60},)?\s*(?:qui|who|quien)\b", re.IGNORECASE)


def named_as_place(text: str, start: int, end: int, language: str | None) -> bool:
    """Whether the name at text[start:end] comes right after a word that makes it a place
    or an addressee ("à Benghazi", "place Tahrir", "in Misrata"; ``locatives``), and is not
    the subject of a relative clause ("à Alain Deklerk, son supérieur, qui s'est dit…")."""
    pattern = _locative_pattern(language)
    return pattern is not None and pattern.search(text, max(0, start - 25), start) is not None \
        and not _RELATIVE_AFTER.match(text, end)


@dataclass(frozen=True)
class Alias:
    """An entry of the bundled alias table."""

    id: str
    type: str
    names: tuple[str, ...]


@cache
def alias_table() -> dict[str, Alias]:
    """Key → alias entry, for every name in ``data/aliases.toml``."""
    with resources.files("filrouge").joinpath("data/aliases.toml").open("rb") as f:
        data = tomllib.load(f)
    out: dict[str, Alias] = {}
    for etype, entries in data.items():
        for eid, names in entries.items():
            entry = Alias(eid, etype, tuple(names))
            for n in names:
                out[key(n)] = entry
    return out


@cache
def alias_ids() -> frozenset[str]:
    """The ids of the alias table's entities."""
    return frozenset(e.id for e in alias_table().values())
