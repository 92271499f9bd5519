"""Telling a story: dated timelines and extractive summaries in which every sentence
cites the articles that contain it.

Both read *units*: the sentences of a set of articles, each kept once however many
articles print it (the same words, up to case, accents and punctuation), with every
article that prints it as a source. Articles of one copy group are one *independent*
source: a wire dispatch in ten outlets is one voice, and counts once wherever sources
are counted (dates, agreement).

- :func:`timeline` picks the dates the articles say things happened on (resolved
  date mentions, weighted by independent sources, none for a date still to come; and
  publication days), then for each date the sentences nearest the centre of what is said
  about that day and of the whole story, no two alike, page furniture left out; a
  sentence that names the day only as the start of what is still going on ("depuis le
  15 février") tells it no better than a lead sentence of that day, and a day named as
  when something was said ("a annoncé jeudi l'agence", "said on Thursday") is not one of
  the sentence's days.
- :func:`summarize` picks sentences by closeness to the centre of the articles, their
  place in their article, and agreement (how many independent sources say much the
  same), with maximal marginal relevance against redundancy, then orders them in time.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import pairwise

import numpy as np

from ..article import Article, Cited, PublishedDate, TimelineEntry
from ..dates import SINCE_OF, named_as_start, year_known
from ..entities.names import fold_text as fold
from ..entities.names import words
from ..stories.features import _stop, idf, stem

_WORD = re.compile(r"\w+", re.UNICODE)
_NOT_LETTER = re.compile(r"[\W\d_]+", re.UNICODE)
# A live blog's clock time before an entry ("22h50 : Le Conseil…", "15 h - …", "10:30 – …",
# "9 p.m.: …"): when the page posted it, not part of what the sentence says.
_CLOCK = re.compile(r"^(?:\d{1,2}\s?[hH]\s?(?:\d\d?)?|\d{1,2}[:.]\d\d|\d{1,2}(?:[:.]\d\d)?\s?[ap]\.?m\.?)"
                    r"\s?(?:[:|]|[-–—](?=\s))\s+(?=\S)")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# A byline's dates ("Par X Publié le 31 mars 2011 à 14h06 - Mis à jour le …"): when the page
# went online, not what happened.
_BYLINE = re.compile(r"^(?:(?:par|by|von|por)\s[^.]{0,60}?)?(?:publié|mis\s+à\s+jour|modifié|updated|published|posted|"
                     r"actualisé|veröffentlicht|aktualisiert|publicado|actualizado)e?\b[^.]{0,25}?(?:\d{4}|\d{1,2}\s?[h:]\s?\d\d)",
                     re.IGNORECASE)


@dataclass(frozen=True)
class TellSettings:
    """How timelines and summaries are chosen (``[tell]`` in the settings)."""

    min_words: int = 6                # shorter sentences are not told
    max_words: int = 60               # nor longer ones (lists, run-on page text)
    lead_sentences: int = 40          # sentences read per article for a summary
    max_sentences: int = 400          # and at most about this many in all (fewer per article)
    publication_weight: float = 0.5   # a source published on a day, against one naming it
    min_sources: int = 2              # a date needs this many independent sources (auto count)
    max_dates: int = 12               # at most this many dates when the count is not given
    min_dates: int = 5                # and at least this many, when there are
    background_days: int = 7          # a date this long before the first article is background
    redundancy: float = 0.5           # no two told sentences closer than this (TF-IDF cosine)
    agreement: float = 0.5            # two sentences this close say the same thing
    w_position: float = 1.0           # summary: bonus for an early place in its article
    concept_share: float = 0.2        # summary: a concept counts when this share of the sources prints it
    length_power: float = 1.0         # summary: concepts added per word ** this
    mmr: float = 0.3                  # summary: share of a sentence's gain lost to similarity
    publication_lead: int = 5         # timeline: lead sentences of a day's articles are candidates
    memory_weight: float = 0.5        # timeline: per log(1 + days) a date is still named past memory_days
    memory_days: int = 14             # timeline: a day's own news cycle; naming it later is recalling it
    foreign: float = 0.5              # timeline: weight of a sentence not in the story's main language


@dataclass(frozen=True)
class Source:
    """An article to tell from: ``group`` is its independent source (its copy group, or
    itself), ``speakers`` the canonical speaker of each quotation (by its start offset)."""

    article: Article
    group: str
    speakers: dict[int, str] = field(default_factory=dict)


@dataclass
class Unit:
    text: str
    article: str                      # the first article that prints it
    index: int                        # its place in that article
    day: int | None                   # that article's publication day (ordinal)
    sources: list[str]
    outlets: list[str]
    groups: set[str]
    dates: list[tuple[str, str]]      # resolved mentions: (value, granularity)
    quotes: list[tuple[str, str | None]]
    since: frozenset[tuple[str, str]] = frozenset()   # dates named only as a start ("depuis le …")
    order: int = 0                    # articles' time order, for sorting
    month: str | None = None          # that article's publication month (YYYY-MM)
    language: str | None = None       # that article's language
    _terms: Counter[str] | None = None

    @property
    def terms(self) -> Counter[str]:
        """Content-word stems and their counts (worked out when first needed: a timeline
        reads every sentence of a story but weighs only the candidates of its dates)."""
        if self._terms is None:
            self._terms = _terms(self.text)
        return self._terms


def _norm_key(text: str) -> str:
    return " ".join(_WORD.findall(fold(text)))


def _terms(text: str) -> Counter[str]:
    stop = _stop()
    return Counter(stem(w) for w in _WORD.findall(fold(text)) if w not in stop and not w.isdigit())


def day_of(value: str | None) -> int | None:
    m = _DAY.match(value or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).toordinal()
    except ValueError:
        return None


def _mention_keys(a: Article, start: int, end: int) -> tuple[list[tuple[str, str]], frozenset[tuple[str, str]]]:
    """The days and months a sentence names (not as the day something was said: "a
    annoncé jeudi l'agence"), and those of them it names only as the start of what is
    still going on ("depuis le 15 février")."""
    out = []
    since = set()
    plain = set()
    said = _attribution(a.language)
    # Of an article dated by a guess from its text, only the dates that name their year:
    # "le 3 juillet" resolved against the guess is no day to tell.
    for m in year_known(a, ("DATE", "TIME")):
        if not (start <= m.start < end):
            continue
        d = _DAY.match(m.value)
        if d and day_of(m.value) is not None:
            k = (m.value[:10], "day")
        elif _MONTH.match(m.value) and 1 <= int(m.value[5:7]) <= 12:
            k = (m.value, "month")
        else:
            continue
        if said is not None and said.search(a.text[max(start, m.start - 40):m.start]):
            continue   # the day it was said ("a indiqué jeudi le ministère"), not the happening's
        out.append(k)
        before = a.text[max(start, m.start - 80):m.start]
        (since if named_as_start(a.text, m.start, start) or SINCE_OF.search(before) else plain).add(k)
    return list(dict.fromkeys(out)), frozenset(since - plain)


@cache
def _attribution(language: str | None) -> re.Pattern[str] | None:
    """A verb of saying right before a date ("a indiqué jeudi", "said on Tuesday", ", a
    annoncé jeudi l'agence"): the date is when it was said, not when what is told happened
    (``attribution_verbs`` in ``data/entities.toml``)."""
    w = words(language)

    def alternation(forms: tuple[str, ...]) -> str:
        return "|".join(r"\s+".join(map(re.escape, f.split())) for f in sorted(forms, key=len, reverse=True))

    alts = []
    if w.attribution_verbs:
        alts.append(r"(?<!\w)(?:" + alternation(w.attribution_verbs) + ")")
    if w.attribution_after_comma:
        alts.append(r",\s*(?:" + alternation(w.attribution_after_comma) + ")")
    if not alts:
        return None
    return re.compile("(?:" + "|".join(alts) + r")\s+(?:(?:on|le|am|el)\s+)?$", re.IGNORECASE)


Sentence = tuple[str, str, list[tuple[str, str]], list[tuple[str, str | None]], frozenset[tuple[str, str]]] | None


def units(sources: Sequence[Source], settings: TellSettings, lead: int | None = None,
          dated_or_lead: int | None = None, memo: dict[tuple[str, int], Sentence] | None = None) -> list[Unit]:
    """The sentences of the articles, each once, with every article that prints it: the
    first ``lead`` of each article, or with ``dated_or_lead``, those that name a date and
    the first ``dated_or_lead`` (what a timeline can tell). ``memo`` keeps each sentence's
    reading for another call on the same articles (a story's summary, then its timeline)."""
    ordered = sorted(sources, key=lambda s: (_pub_day(s.article) or math.inf, s.article.id))
    memo = {} if memo is None else memo
    by_key: dict[str, Unit] = {}
    found: list[Unit] = []
    for rank, src in enumerate(ordered):
        a = src.article
        day = _pub_day(a)
        starts = sorted(m.start for m in a.dates) if dated_or_lead is not None else []
        for idx, (s, e) in enumerate(a.sentences):
            if lead is not None and idx >= lead:
                break
            if dated_or_lead is not None and idx >= dated_or_lead:
                k = bisect.bisect_left(starts, s)
                if k == len(starts) or starts[k] >= e:
                    continue   # no date in it, and past the lead
            if (a.id, idx) not in memo:
                memo[(a.id, idx)] = _read(src, s, e, settings)
            read = memo[(a.id, idx)]
            if read is None:
                continue
            text, key, dates, quotes, since = read
            u = by_key.get(key)
            if u is not None:
                if a.id not in u.sources:
                    u.sources.append(a.id)
                    if a.source and a.source not in u.outlets:
                        u.outlets.append(a.source)
                    u.groups.add(src.group)
                continue
            u = Unit(text=text, article=a.id, index=idx, day=day, sources=[a.id],
                     outlets=[a.source] if a.source else [], groups={src.group},
                     dates=dates, quotes=quotes, since=since, order=rank, month=_pub_month(a),
                     language=a.language)
            by_key[key] = u
            found.append(u)
    return found


def _read(src: Source, s: int, e: int, settings: TellSettings) -> Sentence:
    """A sentence as told (spaces made single), its key, dates and quotations; None for
    one not to tell."""
    a = src.article
    text = " ".join(a.text[s:e].split())
    text = _CLOCK.sub("", text, count=1)
    n = text.count(" ") + 1
    if n < settings.min_words or n > settings.max_words:
        return None
    letters = len(_NOT_LETTER.sub("", text))
    if letters < 0.6 * len(text.replace(" ", "")) or text == text.upper():
        return None
    if text.count("«") != text.count("»") or text.count("“") != text.count("”"):
        return None  # a piece of a quotation the splitter cut: not a sentence to tell alone
    if not _whole(text):
        return None  # a heading, a caption, a cut piece: not a sentence
    quotes = [(q.text, src.speakers.get(q.start) or q.speaker) for q in a.quotes if s <= q.start < e]
    dates, since = _mention_keys(a, s, e)
    return text, _norm_key(text), dates, quotes, since


def _whole(text: str) -> bool:
    """Whether a text can be told alone: it starts with a capital or a digit (after any
    opening quotation mark or dash), and does not stop on a comma, a colon or a semicolon
    (a line the page cut, or one that introduces what follows). A headline-like statement
    without a final stop is kept."""
    head = text.lstrip(" «\"“‘'(—–-")
    tail = text.rstrip(" »\"”’')]")
    return bool(head) and (head[0].isupper() or head[0].isdigit()) and tail[-1:] not in (",", ":", ";")


def _own_date(a: Article) -> PublishedDate | None:
    """The article's publication date to the day or the month, if it is its own (not
    guessed from its text)."""
    p = a.published
    return p if p is not None and not p.guessed and p.granularity in ("day", "month") else None


def _pub_month(a: Article) -> str | None:
    p = _own_date(a)
    return p.value[:7] if p else None


def _pub_start(a: Article) -> int | None:
    """The first day of an article's publication date (a day or a month), if it has one
    of its own."""
    p = _own_date(a)
    return day_of(p.value if p.granularity == "day" else p.value[:7] + "-01") if p else None


def _pub_day(a: Article) -> int | None:
    p = _own_date(a)
    return day_of(p.value) if p and p.granularity == "day" else None


@dataclass(frozen=True)
class Background:
    """Document frequencies of terms over a corpus (the store's articles): the idf that
    tells a story's own words from everyone's. ``lookup`` gives the frequencies of the
    terms asked for (a corpus vocabulary is too large to load for each story)."""

    lookup: Callable[[Iterable[str]], dict[str, int]]
    documents: int


def _idf(seen: Counter[str], n: int, background: Background | None) -> dict[str, float]:
    """The idf of each term ``seen`` in ``n`` units (its count there its document
    frequency), or in ``background``'s documents when it has some."""
    df = seen
    if background is not None and background.documents:
        n, df = background.documents, Counter(background.lookup(list(seen)))
    return {t: idf(df[t], n) for t in seen}


def matrix(found: Sequence[Unit], background: Background | None = None, shared: bool = False) -> np.ndarray:
    """Unit-length TF-IDF rows, one per unit; idf from ``background`` if given, else
    over these units. With ``shared``, only the columns of terms two units or more have
    (the rows keep their full length): enough for similarities between units, and far
    fewer columns."""
    seen: Counter[str] = Counter()
    for u in found:
        seen.update(u.terms.keys())
    vocab = {t: i for i, t in enumerate(t for t, k in seen.items() if k >= 2 or not shared)}
    idf_of = _idf(seen, len(found), background)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    norms = np.zeros(len(found), dtype=np.float32)
    for r, u in enumerate(found):
        weights = [(t, (1 + math.log(c)) * idf_of[t]) for t, c in u.terms.items()]
        norms[r] = math.sqrt(sum(w * w for _, w in weights)) or 1.0
        for t, w in weights:
            j = vocab.get(t)
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(w)
    x = np.zeros((len(found), len(vocab)), dtype=np.float32)
    x[rows, cols] = vals
    return x / norms[:, None]


def _support(groups: Sequence[set[str]], sim: np.ndarray, threshold: float) -> np.ndarray:
    """Independent sources that print each unit or a sentence this close to it."""
    out = np.zeros(len(groups))
    for i, own in enumerate(groups):
        seen = set(own)
        for j in np.nonzero(sim[i] >= threshold)[0]:
            seen |= groups[j]
        out[i] = len(seen)
    return out


def cite(u: Unit, granularity: str | None = None, value: str | None = None) -> Cited:
    d = date.fromordinal(u.day).isoformat() if u.day is not None else None
    return Cited(text=u.text, sources=tuple(u.sources), outlets=tuple(u.outlets),
                 date=value or d, granularity=granularity or ("day" if d else None),
                 independent_sources=len(u.groups),
                 quotes=tuple((q, s) for q, s in u.quotes))


# ---------------------------------------------------------------------- timeline
def timeline(sources: Sequence[Source], settings: TellSettings, dates: int | None = None,
             sentences: int = 2, granularities: Iterable[str] = ("day", "month"),
             span: tuple[int, int] | None = None, background: Background | None = None,
             memo: dict[tuple[str, int], Sentence] | None = None) -> list[TimelineEntry]:
    """Dated entries, oldest first: ``dates`` of them (or as many as enough independent
    sources name, up to ``settings.max_dates``), each with up to ``sentences`` sentences.
    ``span`` (two day ordinals) keeps dates inside it.

    A date's score is the independent sources that name it on or after it (a date still
    to come, a plan or a deadline, is told but not counted), plus ``publication_weight``
    per source published that day, plus ``memory_weight`` times the log of the days from
    it to the last article that still names it, past ``memory_days`` (its own news
    cycle): what is recalled months later (the start of a revolt, a resolution) mattered
    more than the day's news nobody names again (Tran et al. 2013 and DATEWISE count
    such later references). Background gets no such bonus: it is recalled as context
    however little it weighs in the story."""
    found = units(sources, settings, dated_or_lead=settings.publication_lead, memo=memo)
    if not found:
        return []
    grans = set(granularities)
    named: dict[tuple[str, str], set[str]] = defaultdict(set)
    mentions: dict[tuple[str, str], list[int]] = defaultdict(list)
    remembered: dict[tuple[str, str], int] = defaultdict(int)   # days named past its news cycle
    # A day named in an article dated to the month only ("lundi", "last week") is resolved
    # to that month: some day of it, not the one the month's other articles name most.
    vague: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, u in enumerate(found):
        if _boilerplate(u) or _BYLINE.match(u.text):
            continue
        for k in u.dates:
            if k[1] not in grans or not _inside(k, span):
                continue
            mentions[k].append(i)
            if k[1] == "month" and u.day is None and u.month == k[0]:
                vague[k].add(i)
            if not _counted(u, k):
                continue   # a date to come (a plan, a deadline) is told, not counted
            named[k] |= u.groups
            if u.day is not None:
                remembered[k] = max(remembered[k], u.day - _last_day(k) - settings.memory_days)
    published: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in sources:
        d = _pub_day(s.article)
        if d is not None and "day" in grans:
            k = (date.fromordinal(d).isoformat(), "day")
            if _inside(k, span):
                published[k].add(s.group)
    # A month named alone ("en septembre") most often means the happening of that month
    # that is also named to the day: it backs that day; a month with no day stays a month.
    for k in [k for k in mentions if k[1] == "month"]:
        days = [d for d in set(mentions) | set(published) if d[1] == "day" and d[0].startswith(k[0] + "-")]
        moving = [i for i in mentions[k] if i not in vague[k]]
        if days and moving:
            best = max(days, key=lambda d: (len(named.get(d, ())), len(published.get(d, ())), d[0]))
            staying = [i for i in mentions[k] if i in vague[k]]
            if staying:   # only what its own articles name moves; the vague ones stay the month's
                named[best] |= {g for i in moving if _counted(found[i], k) for g in found[i].groups}
                named[k] = {g for i in staying for g in found[i].groups}
                mentions[k] = staying
            else:
                named[best] |= named.pop(k, set())
                mentions.pop(k)
            mentions[best] += moving
            remembered[best] = max(remembered[best], remembered.pop(k, 0))
    w = settings.publication_weight
    first = min((d for s in sources if (d := _pub_start(s.article)) is not None), default=None)
    if first is not None:
        for k in [k for k in remembered if _last_day(k) < first - settings.background_days]:
            del remembered[k]

    def voices(k: tuple[str, str]) -> int:
        return len(named.get(k, set()) | published.get(k, set()))

    def score(k: tuple[str, str]) -> tuple[float, int]:
        memory = settings.memory_weight * math.log1p(remembered.get(k, 0))
        return len(named.get(k, ())) + w * len(published.get(k, ())) + memory, len(mentions.get(k, ()))

    keys = sorted(set(mentions) | set(published), key=lambda k: (score(k), k[0]), reverse=True)
    if dates is None:   # those enough sources name, and at least a few
        keep = [k for k in keys if voices(k) >= settings.min_sources]
        dates = min(settings.max_dates, max(len(keep), settings.min_dates))
    chosen = keys[:dates]
    cands: dict[tuple[str, str], list[int]] = {}
    for k in chosen:
        cand = list(mentions.get(k, []))
        # The lead sentences of the articles published that day or the next (that month)
        # tell it too: a morning paper reports the day before.
        d = day_of(k[0]) if k[1] == "day" else None
        seen = set(cand)
        cand += [i for i, u in enumerate(found)
                 if u.index < settings.publication_lead and not u.dates and i not in seen
                 and (u.day in (d, d + 1) if d is not None else u.month == k[0])]
        cands[k] = cand
    main = _main_language(sources)
    # TF-IDF rows for the candidates only: a long story has tens of thousands of sentences.
    rows = sorted({i for c in cands.values() for i in c if not _boilerplate(found[i])})
    where = {i: r for r, i in enumerate(rows)}
    x = matrix([found[i] for i in rows], background)
    topical = _closeness_to_story([found[i] for i in rows], found, background)
    told: list[int] = []
    entries: list[TimelineEntry] = []
    for k in sorted(chosen):
        local = [where[i] for i in cands[k] if i in where]
        picked = _pick(x, local, sentences, told, settings,
                       named_first={where[i] for i in mentions.get(k, []) if i in where and k not in found[i].since},
                       groups=[found[rows[j]].groups for j in local], topical=topical[local],
                       foreign=[found[rows[j]].language != main for j in local])
        told += picked
        if not picked:
            continue
        last = _last_day(k)
        entries.append(TimelineEntry(date=k[0], granularity=k[1],
                                     background=first is not None and last < first - settings.background_days,
                                     sentences=tuple(cite(found[rows[j]], k[1], k[0]) for j in picked),
                                     independent_sources=voices(k)))
    return entries


def _counted(u: Unit, k: tuple[str, str]) -> bool:
    """Whether a sentence's mention of a date counts for it: not a date still to come when
    its article was published (a plan, a deadline)."""
    return u.day is None or _first_day(k) <= u.day


def _inside(k: tuple[str, str], span: tuple[int, int] | None) -> bool:
    return span is None or span[0] <= _first_day(k) <= span[1]


def _first_day(k: tuple[str, str]) -> int:
    """The first day of a date key, as an ordinal (0, before every day, if unreadable)."""
    return day_of(k[0] if k[1] == "day" else k[0] + "-01") or 0


def _last_day(k: tuple[str, str]) -> int:
    if k[1] == "day":
        return day_of(k[0]) or 0
    y, m = int(k[0][:4]), int(k[0][5:7])
    return date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1


def _boilerplate(u: Unit) -> bool:
    """A sentence one outlet prints in articles that are not copies of each other (a
    newsletter pitch, a page footer): the page's, not the story's."""
    return len(u.groups) > 1 and len(u.outlets) < len(u.groups)


def _closeness_to_story(rows: Sequence[Unit], found: Sequence[Unit], background: Background | None) -> np.ndarray:
    """Cosine of each of ``rows`` (TF-IDF) to the centre of the whole story (each
    term weighted by the share of the story's sentences that hold it, times its idf):
    what a sentence says about the story rather than about its page."""
    df: Counter[str] = Counter()
    for u in found:
        df.update(u.terms.keys())
    idf_of = _idf(df, len(found), background)
    centre = {t: c * idf_of[t] for t, c in df.items()}
    norm = math.sqrt(sum(v * v for v in centre.values())) or 1.0
    out = np.zeros(len(rows))
    for r, u in enumerate(rows):
        w = {t: (1 + math.log(c)) * idf_of[t] for t, c in u.terms.items()}
        un = math.sqrt(sum(v * v for v in w.values())) or 1.0
        out[r] = sum(v * centre[t] for t, v in w.items()) / (un * norm)
    return out


def _main_language(sources: Sequence[Source]) -> str | None:
    """The language most of the independent sources write in (the first one's on a tie)."""
    count = Counter(lang for _, lang in dict.fromkeys((s.group, s.article.language) for s in sources))
    return count.most_common(1)[0][0] if count else None   # most_common keeps the first seen of a tie


def _pick(x: np.ndarray, cand: list[int], k: int, told: list[int], settings: TellSettings,
          named_first: set[int], groups: list[set[str]], topical: np.ndarray | None = None,
          foreign: list[bool] | None = None) -> list[int]:
    """Up to ``k`` of the candidates (rows of ``x``) nearest their centre, agreement
    counted, none too close to a sentence already told. One in another language than
    the story's main one (``foreign``) weighs ``settings.foreign`` as much: it is told
    where it says the day's news much better, or where only it tells the day."""
    if not cand:
        return []
    sub = x[cand]
    centre = sub.sum(axis=0)
    norm = np.linalg.norm(centre)
    closeness = sub @ (centre / norm) if norm else np.zeros(len(cand))
    sim = sub @ sub.T
    support = _support(groups, sim, settings.agreement)
    score = closeness * (1 + np.log(support)) * np.array([1.0 if i in named_first else 0.7 for i in cand])
    if topical is not None:
        score = score * topical
    if foreign is not None:
        score = score * np.where(foreign, settings.foreign, 1.0)
    picked: list[int] = []
    for j in np.argsort(-score, kind="stable"):
        i = cand[j]
        others = picked + told
        if others and float(np.max(x[others] @ x[i])) >= settings.redundancy:
            continue
        picked.append(i)
        if len(picked) >= k:
            break
    return picked


# ---------------------------------------------------------------------- summary
def summarize(sources: Sequence[Source], settings: TellSettings, sentences: int = 5,
              words: int | None = None, background: Background | None = None,
              memo: dict[tuple[str, int], Sentence] | None = None) -> list[Cited]:
    """``sentences`` sentences (or as many as fill ``words`` words), in time order, each
    with its sources.

    The sentences cover the *concepts* most sources share (Gillick & Favre's concept
    coverage): a concept is a pair of adjacent content words, worth the number of
    independent sources that print it, so what several outlets agree on weighs more and a
    copied dispatch counts once. Sentences are taken greedily by the worth of the concepts
    they add per word (to the power ``settings.length_power``, half that when a number of
    sentences rather than of words is asked), with a bonus for an early
    place in their article; a sentence too close to one already taken is skipped."""
    # A long story: fewer lead sentences from each article, so the work stays bounded.
    lead = max(3, min(settings.lead_sentences, settings.max_sentences // max(1, len(sources))))
    found = units(sources, settings, lead=lead, memo=memo)
    if not found:
        return []
    x = matrix(found, background, shared=True)
    sim = x @ x.T
    concepts = [_concepts(u) for u in found]
    worth: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u, cs in zip(found, concepts):
        for c in cs:
            worth[c] |= u.groups
    voices = len({g for u in found for g in u.groups})
    floor = max(2, math.ceil(settings.concept_share * voices))
    weight = {c: len(g) for c, g in worth.items() if len(g) >= floor}
    length = np.array([len(u.text.split()) for u in found], dtype=float)
    position = np.array([1 + settings.w_position / math.sqrt(1 + u.index) for u in found])
    # Worth still to gain per sentence, kept up to date as concepts get covered.
    worth_left = np.array([sum(weight.get(c, 0) for c in cs) for cs in concepts], dtype=float)
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, cs in enumerate(concepts):
        for c in cs:
            if c in weight:
                holders[c].append(i)
    covered: set[tuple[str, str]] = set()
    picked: list[int] = []
    closest = np.zeros(len(found))           # similarity to the nearest sentence taken
    left = np.ones(len(found), dtype=bool)
    # Sentences in another language than most sources' are told only when none in it is left
    # (a French story's summary quotes its one German report last, if at all).
    main = _main_language(sources)
    foreign = np.array([u.language != main for u in found])
    budget = words
    # Under a word budget, worth per word; for a count of sentences, length matters less.
    scale = position / length ** (settings.length_power if words is not None else settings.length_power / 2)
    while left.any():
        gain = worth_left * scale
        if picked:
            gain -= settings.mmr * closest * gain.clip(0)
        pool = left & ~foreign if (left & ~foreign).any() else left
        gain[~pool] = -np.inf
        if budget is not None and picked:
            fits = left & (length <= budget)
            if fits.any():   # fill the words left with what fits, before cutting one short
                gain[~fits] = -np.inf
        i = int(np.argmax(gain))
        if gain[i] <= 0 and picked:
            # Nothing left that the sources share (one article, or outlets that agree on
            # little): the rest comes from the articles' leads, in order.
            i = _next_lead(found, pool, closest, settings.redundancy,
                           None if budget is None else length <= budget)
            if i is None:
                break
        left[i] = False
        if picked and closest[i] >= settings.redundancy:
            continue
        picked.append(i)
        closest = np.maximum(closest, sim[:, i])
        for c in concepts[i] - covered:
            covered.add(c)
            for j in holders.get(c, ()):
                worth_left[j] -= weight[c]
        if budget is not None:
            budget -= int(length[i])
            if budget <= 0:
                break
        elif len(picked) >= sentences:
            break
    picked.sort(key=lambda i: (_when(found[i]), found[i].order, found[i].index))
    return [cite(found[i]) for i in picked]


def _next_lead(found: Sequence[Unit], left: np.ndarray, closest: np.ndarray, redundancy: float,
               fits: np.ndarray | None) -> int | None:
    """The first sentence left, in article order (the earliest article's lead first), not
    too close to one taken; one that fits the words left first."""
    order = sorted((i for i in np.flatnonzero(left) if closest[i] < redundancy),
                   key=lambda i: (found[i].order, found[i].index))
    if fits is not None:
        order = [i for i in order if fits[i]] or order
    return order[0] if order else None


def _when(u: Unit) -> float:
    """A unit's place in time: its article's publication day, or the first day of its month
    for an article dated to the month only (after every dated one when it has neither)."""
    if u.day is not None:
        return u.day
    return (_first_day((u.month, "month")) if u.month else 0) or math.inf


def _concepts(u: Unit) -> set[tuple[str, str]]:
    stop = _stop()
    words = [stem(w) for w in _WORD.findall(fold(u.text))]
    return {(a, b) for a, b in pairwise(words) if not (a in stop and b in stop)}


def lead_baseline(sources: Sequence[Source], sentences: int) -> list[str]:
    """The first sentences of the first article given."""
    return sources[0].article.sentence_texts()[:sentences] if sources else []


def centroid_baseline(sources: Sequence[Source], words: int, background: Background | None = None) -> list[str]:
    """Radev's centroid method: sentences by closeness to the centre, redundancy skipped."""
    found = units(sources, TellSettings(min_words=1, max_words=10_000), lead=None)
    x = matrix(found, background)
    centre = x.sum(axis=0)
    norm = np.linalg.norm(centre)
    if not norm:
        return []
    closeness = x @ (centre / norm)
    out: list[int] = []
    left = words
    for i in np.argsort(-closeness, kind="stable"):
        if out and float(np.max(x[out] @ x[i])) >= 0.7:
            continue
        out.append(int(i))
        left -= len(found[i].text.split())
        if left <= 0:
            break
    return [found[i].text for i in out]
