"""Online clustering: each article joins an event or opens one, and each event belongs to
a story. One pass, one article at a time, in the order articles arrive.

An article is compared with the events whose centroids are nearest to its embedding (a
matrix of the *active* events' unit centroids: an exact inner-product index) and with the
event its copies already sit in (copies always join it); a precise score over those
candidates decides. The score is a log-odds, linear in the signals of :data:`SIGNALS`:

- ``vector``: cosine of the article's embedding with the event's centroid;
- ``terms``: TF-IDF cosine (an online vocabulary: document frequencies grow as articles
  arrive; only events with articles in the same language);
- ``entities``: the share of the article's canonical entities (weighted by salience and
  rarity) that the event's articles name; ``missing``: the share of the event's core
  entities the article does not name;
- ``days`` and ``years``: whether the event's articles name the same day of the month, the
  same years (the only clues to time in undated articles);
- ``apart``: how far the publication dates are beyond a horizon; beyond ``max_apart`` days
  the article never joins.

A signal one side lacks is 0 and its ``no_*`` indicator 1. An article that opens an event
is scored against stories the same way (other weights). An article that scores the merge
level on two events (or a grown event against a neighbour) shows they are one: they merge,
the younger into the older, and its id redirects.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter, mul
from typing import Any

import numpy as np

from .features import DIM, Features, idf, idf_array

MIN_PHRASE_DF = 3   # a phrase fewer articles have weighs nothing in the pair signal
# 1 + log(count) for the counts a term has in one article (the table: this is hot).
_SUBLINEAR = (math.nan,) + tuple(1.0 + math.log(c) for c in range(1, 256))
SIGNALS = ("vector", "terms", "entities", "missing", "days", "years", "no_terms", "no_entities", "no_days",
           "no_years", "apart")
# The signals of two articles (consolidation): an article has no core entities, and
# ``apart`` stays the level's rule.
PAIR_SIGNALS = ("vector", "terms", "phrases", "entities", "days", "years", "no_terms", "no_entities", "no_days",
                "no_years")
# Those two articles in two languages cannot have (terms and phrases count within one): a
# level's ``across`` pair model goes without them.
ONE_LANGUAGE = ("terms", "phrases", "no_terms")


@dataclass(frozen=True)
class Pairs:
    """How consolidation scores two articles: a logistic regression over the signals of
    :data:`PAIR_SIGNALS`, fitted on article pairs (bench/tune_clusters.py). The level's
    own weights are fitted on an article against a cluster, as the online pass scores it;
    two single articles are another question (a cluster's centroid is smoother than an
    article, its terms and entities many more)."""

    bias: float = 0.0
    vector: float = 0.0
    terms: float = 0.0
    phrases: float = 0.0
    entities: float = 0.0
    days: float = 0.0
    years: float = 0.0
    no_terms: float = 0.0
    no_entities: float = 0.0
    no_days: float = 0.0
    no_years: float = 0.0


@dataclass(frozen=True)
class Level:
    """How one level (events or stories) scores an article against a cluster: a linear
    model over the signals (a logistic regression fitted on dev topics, see
    bench/tune_clusters.py), so the score is a log-odds and ``threshold`` 0 means even odds.
    A signal one side lacks is 0, and its ``no_*`` indicator is 1."""

    bias: float = 0.0
    vector: float = 1.0
    terms: float = 1.0
    entities: float = 1.0
    missing: float = 0.0        # the share of the cluster's core entities the article does not name
    days: float = 1.0
    years: float = 0.0
    no_terms: float = 0.0
    no_entities: float = 0.0
    no_days: float = 0.0
    no_years: float = 0.0
    apart: float = -1.0         # times how far beyond ``horizon`` the dates are, in horizons (at most 1)
    horizon: float = 3.0
    threshold: float = 0.0
    merge: float = 1.0
    max_apart: float = 7.0      # days: dated articles further from the cluster's dates never join it
    link: float = 0.5           # consolidation: two groups join when their articles' mean pair probability reaches it
    tight: float = 0.0          # and reaches this share of the mean inside the two (relative closeness)
    fragment: int = 0           # events: one of at most this many articles after consolidation
    absorb: float = 1.0         # joins its story's event of highest mean pair probability, if it reaches this
    pairs: Pairs | None = None  # consolidation's pair model (None: the level's own weights)
    across: Pairs | None = None  # and for two articles with no terms to compare (two languages)

    def combine(self, values: tuple[float, ...]) -> float:
        """The log-odds of the signals' values, given in the order of :data:`SIGNALS`."""
        return self.bias + sum(map(mul, self.weights, values))

    @cached_property
    def weights(self) -> tuple[float, ...]:
        """The weights in the order of :data:`SIGNALS` (read once: combine is hot)."""
        return tuple(getattr(self, k) for k in SIGNALS)


@dataclass(frozen=True)
class ClusterSettings:
    event: Level = Level()
    story: Level = Level(horizon=60.0, max_apart=365.0)
    candidates: int = 3
    event_terms: int = 150
    window_days: int = 30
    story_window_days: int = 180
    max_active: int = 50_000
    terms_words: int = 400
    lead_words: int = 60
    consolidate_max: int = 3000   # articles re-clustered at once by Clusterer.consolidate (0: never)


@dataclass
class Cluster:
    """An event or a story: the sums its score reads, kept as articles arrive."""

    id: str
    seq: int
    vector: np.ndarray = field(default_factory=lambda: np.zeros(DIM, dtype=np.float32))
    n: int = 0
    terms: Counter[str] = field(default_factory=Counter)
    langs: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    days: Counter[str] = field(default_factory=Counter)
    years: Counter[str] = field(default_factory=Counter)
    dates: Counter[str] = field(default_factory=Counter)
    first: int | None = None
    last: int | None = None
    copies: set[str] = field(default_factory=set)
    parent: str | None = None          # an event's story
    touched: int = 0                   # arrival count at the last change (for eviction)
    founder: str | None = None         # its first article: the id follows it (Clusterer._relabel)
    _norm: tuple[int, float] | None = None
    _unit: np.ndarray | None = None
    _core: tuple[str, ...] | None = None
    _core_idf: tuple[int, tuple[tuple[str, float], ...], float] | None = None

    def add(self, f: Features, weights: dict[str, float], keep_terms: int, q: Query | None = None) -> None:
        """Count an article in. With its query ``q`` (:meth:`Clusterer._query` of the same
        ``weights``), the cached length of the idf-weighted terms is brought up to date
        instead of computed again over all the terms at the next score: the new terms add
        the article's own length, each shared one twice the article's weight times the
        cluster's (the idfs are the article's, as in its score)."""
        if self.founder is None:
            self.founder = f.id
        self.vector = self.vector + f.vector
        self.n += 1
        terms = self.terms
        shared = weights.keys() & terms.keys()   # in C: most of an article's terms are new
        olds = [terms[t] for t in shared]
        norm = self._norm
        if norm is not None and q is not None:
            qt, length = q.terms, q.length
            dot = math.fsum([o * qt[t] for t, o in zip(shared, olds)])   # exact: any set order
            self._norm = (norm[0], norm[1] + length * length + 2.0 * length * dot)
        else:
            self._norm = None
        dict.update(terms, weights)   # not Counter.update, a Python loop; new terms go last, in order
        for t, o in zip(shared, olds):
            terms[t] += o
        if self._prune(keep_terms):
            self._norm = None
        self.langs[f.language] += 1
        self.entities.update(f.entities.keys())
        if f.days:   # often none: Counter.update's own checks cost more than it does then
            self.days.update(f.days)
        if f.years:
            self.years.update(f.years)
        if f.dates:
            self.dates.update(f.dates)
        self._extend(f.day)
        if f.copy_group:
            self.copies.add(f.copy_group)
        self._unit = None
        core = self._core
        if core is not None and self.n > 2:
            # An entity outside the core that the article does not name is still named by
            # fewer than half the articles: the new core is among the old and the article's.
            half, ents = self.n / 2, self.entities
            new = tuple(e for e in dict.fromkeys(core) | dict.fromkeys(f.entities) if ents[e] >= half)
            if set(new) != set(core):
                self._core_idf = None
            self._core = new
        else:
            self._core = self._core_idf = None

    def remove(self, f: Features, weights: dict[str, float]) -> None:
        """Take an article's share out (it was deleted, or a new version replaces it)."""
        self.remove_all([f], [weights])

    def remove_all(self, feats: list[Features], weights: list[dict[str, float]]) -> None:
        """Take several articles' shares out, as :meth:`remove` one after the other would
        (the counts are whole numbers: subtracted together, then the spent keys dropped
        once, not once per article over the whole cluster)."""
        terms = self.terms
        for f, tw in zip(feats, weights):
            self.vector = self.vector - f.vector
            self.n = max(0, self.n - 1)
            for t, w in tw.items():
                if t in terms:
                    terms[t] -= w
                    if terms[t] <= 1e-6:
                        del terms[t]
        for mine, theirs in ((self.langs, Counter(f.language for f in feats)),
                             (self.entities, Counter(e for f in feats for e in f.entities)),
                             (self.days, Counter(d for f in feats for d in f.days)),
                             (self.years, Counter(y for f in feats for y in f.years)),
                             (self.dates, Counter(d for f in feats for d in f.dates))):
            _take(mine, theirs)
        self._norm = self._unit = self._core = self._core_idf = None

    def rename_entities(self, old: Iterable[str], new: Iterable[str]) -> None:
        """One of its articles' entities now go by other ids (merged since it came): its
        share moves from ``old`` to ``new``."""
        _take(self.entities, old)
        self.entities.update(new)
        self._core = self._core_idf = None

    def absorb(self, other: Cluster, keep_terms: int) -> None:
        self.vector = self.vector + other.vector
        self.n += other.n
        self.terms.update(other.terms)
        self._prune(keep_terms)
        for mine, theirs in ((self.langs, other.langs), (self.entities, other.entities),
                             (self.days, other.days), (self.years, other.years), (self.dates, other.dates)):
            mine.update(theirs)
        self._extend(other.first)
        self._extend(other.last)
        self.copies |= other.copies
        self._norm = self._unit = self._core = self._core_idf = None

    def _prune(self, keep_terms: int) -> bool:
        """Keep the ``keep_terms`` heaviest terms once there are twice as many (True when
        it did)."""
        if len(self.terms) > keep_terms * 2:
            self.terms = Counter(dict(_heaviest(self.terms, keep_terms)))
            return True
        return False

    def _extend(self, day: int | None) -> None:
        """Widen the publication range to ``day``."""
        if day is not None:
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)

    def core(self) -> tuple[str, ...]:
        """Entities named by at least half its articles (none while it has one article)."""
        if self._core is None:
            half = self.n / 2
            self._core = tuple(e for e, k in self.entities.items() if k >= half) if self.n >= 2 else ()
        return self._core

    def unit(self) -> np.ndarray:
        if self._unit is None:
            norm = float(np.linalg.norm(self.vector))
            self._unit = self.vector / norm if norm > 0 else self.vector
        return self._unit

    # ---------------------------------------------------------------- persistence
    def state(self) -> dict[str, Any]:
        return {"n": self.n, "terms": dict(self.terms), "langs": dict(self.langs),
                "entities": dict(self.entities), "days": dict(self.days), "years": dict(self.years),
                "dates": dict(self.dates),
                "first": self.first, "last": self.last, "copies": sorted(self.copies),
                "touched": self.touched, "founder": self.founder}

    @classmethod
    def from_state(cls, cid: str, seq: int, parent: str | None, vector: np.ndarray,
                   s: dict[str, Any]) -> Cluster:
        return cls(id=cid, seq=seq, vector=vector, n=s["n"], terms=Counter(s["terms"]),
                   langs=Counter(s["langs"]), entities=Counter(s["entities"]), days=Counter(s["days"]),
                   years=Counter(s.get("years", {})),
                   dates=Counter(s["dates"]), first=s["first"], last=s["last"], copies=set(s["copies"]),
                   parent=parent, touched=s.get("touched", 0), founder=s.get("founder"))


class VectorIndex:
    """Unit centroids of the active clusters in one matrix: exact top-k by inner product."""

    def __init__(self) -> None:
        self.matrix = np.zeros((64, DIM), dtype=np.float32)
        self.ids: list[str] = []
        self.row: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def put(self, cid: str, unit: np.ndarray) -> None:
        r = self.row.get(cid)
        if r is None:
            r = len(self.ids)
            if r == len(self.matrix):
                self.matrix = np.concatenate([self.matrix, np.zeros_like(self.matrix)])
            self.ids.append(cid)
            self.row[cid] = r
        self.matrix[r] = unit

    def drop(self, cid: str) -> None:
        r = self.row.pop(cid, None)
        if r is None:
            return
        last = len(self.ids) - 1
        if r != last:
            moved = self.ids[last]
            self.matrix[r] = self.matrix[last]
            self.ids[r] = moved
            self.row[moved] = r
        self.ids.pop()

    def nearest(self, v: np.ndarray, k: int) -> list[str]:
        n = len(self.ids)
        if n == 0:
            return []
        sims = self.matrix[:n] @ v
        if n > k:
            top = np.argpartition(-sims, k)[:k]
            top = top[np.argsort(-sims[top], kind="stable")]
        else:
            top = np.argsort(-sims, kind="stable")
        return [self.ids[i] for i in top]


@dataclass(frozen=True)
class Query:
    terms: dict[str, float]
    entities: dict[str, float]
    entity_total: float
    length: float   # of the article's idf-weighted terms, before ``terms`` were made unit (Cluster.add reads it)


@dataclass
class Assignment:
    article: str
    event: str
    story: str
    score: float
    new_event: bool
    new_story: bool


class Clusterer:
    """The online state: active events and stories, vocabularies, and what changed since
    the last :meth:`drain` (for the store to write)."""

    def __init__(self, settings: ClusterSettings | None = None) -> None:
        self.s = settings or ClusterSettings()
        self.events: dict[str, Cluster] = {}
        self.stories: dict[str, Cluster] = {}
        self.event_index = VectorIndex()
        self.story_index = VectorIndex()
        self.redirects: dict[str, str] = {}
        # (first article, is a story) → the id it founded, since merged away: the id comes
        # back if consolidation takes that article out again (not stored; forgotten when
        # the article's event leaves memory).
        self.retired: dict[tuple[str, bool], str] = {}
        self.copy_event: dict[str, str] = {}
        self.n_articles = 0
        self.term_df: Counter[str] = Counter()
        self.entity_df: Counter[str] = Counter()
        self.next_event = 1
        self.next_story = 1
        self.latest: int | None = None
        self.dirty: set[str] = set()
        self.gone: set[str] = set()
        self.new_redirects: dict[str, str] = {}
        self.term_changes: Counter[str] = Counter()
        self.entity_changes: Counter[str] = Counter()
        # Phrases (two words in a row) are read by consolidation only. Their document
        # frequencies are over the articles in memory (those consolidation reads), counted
        # when it runs (:meth:`count_phrases`), not as each article comes (that would cost
        # assignment a third of its speed), and taken out when the articles leave memory:
        # phrases are many, most of them one article's own, and kept for the whole corpus
        # they would grow with it, not with the active events.
        self.phrase_df: Counter[str] = Counter()
        self.phrase_n = 0                               # the articles they are counted over
        self.uncounted: list[Features] = []
        self.children: defaultdict[str, set[str]] = defaultdict(set)   # story → its active events
        self.members: dict[str, list[Features]] = {}    # active event → its articles (for consolidate)
        self.moved: dict[str, str] = {}                 # article → event, changed by consolidate
        self.pending: set[str] = set()                  # events joined since the last consolidate
        self.pending_articles = 0                       # and the articles that joined them
        self._logs: list[float] = [0.0]   # log(df + 1) for df = 0, 1, ...: idf(df) = idf(0) - log(df + 1)
        self._idf_n, self._idf_base = -1, 0.0   # the article count, and idf(0) for it

    # ---------------------------------------------------------------- signals
    def idf(self, df: int) -> float:
        """:func:`features.idf` for the current number of articles, from the table of
        :meth:`_idf_table` (the same value: entities' idfs are taken for every article)."""
        base, logs = self._idf_table()
        return base - logs[df] if 0 <= df < len(logs) else idf(df, self.n_articles)

    def _idf_table(self) -> tuple[float, list[float]]:
        """``idf(0)`` (``log(n + 1) + 1``) for the current number of articles, and the table
        of ``log(df + 1)``: :func:`features.idf` as a subtraction and a list lookup, with
        the same values."""
        n = self.n_articles
        if n != self._idf_n:
            logs = self._logs
            while len(logs) <= n:
                logs.append(math.log(len(logs) + 1))
            self._idf_n, self._idf_base = n, idf(0, n)
        return self._idf_base, self._logs

    def _term_idfs(self, terms: Iterable[str]) -> list[float]:
        """The idf of each term, in order: :meth:`idf` over a term list (the hottest loop of
        assignment: the query and the clusters' norms)."""
        base, logs = self._idf_table()
        df = self.term_df.get
        try:
            return [base - logs[df(t, 0)] for t in terms]
        except IndexError:   # a document frequency above the article count (not expected)
            return [self.idf(df(t, 0)) for t in terms]

    def _term_weights(self, terms: Counter[str]) -> dict[str, float]:
        """Sublinear term frequencies, unit length (the idf is applied when scoring)."""
        counts = terms.values()
        try:
            w = [_SUBLINEAR[c] for c in counts]   # counts are small whole numbers
        except (IndexError, TypeError):
            w = [1.0 + math.log(c) for c in counts]
        return _unit(terms, w)

    def _stale(self, cached: tuple[Any, ...] | None) -> bool:
        """Whether a cluster's idf-weighted value (stamped with the article count it was
        computed at) is to compute again: the idfs move little until the corpus grows by
        a quarter."""
        return cached is None or cached[0] * 1.25 < self.n_articles

    def _term_norm(self, c: Cluster) -> float:
        """The length of a cluster's idf-weighted terms. Cached as a sum of squares, which
        :meth:`Cluster.add` keeps up to date with each article's idfs, and computed again
        when the idfs are stale or the terms were pruned."""
        if self._stale(c._norm):
            total = 0.0
            for x, v in zip(c.terms.values(), self._term_idfs(c.terms)):
                w = x * v
                total += w * w
            c._norm = (self.n_articles, total)
        return math.sqrt(c._norm[1]) or 1.0

    def score(self, f: Features, q: Query, c: Cluster, level: Level) -> float:
        """The precise score (log-odds) of an article, with idf-weighted terms ``q``,
        against a cluster."""
        apart = _apart(f.day, f.day, c.first, c.last)
        if apart is not None and apart > level.max_apart:
            return -math.inf  # another happening, however alike
        return level.combine(self._values(f, q, c, level.horizon, apart))

    def signals(self, f: Features, q: Query, c: Cluster, horizon: float) -> dict[str, float]:
        """The signals by name (what the tuner fits the weights on)."""
        return dict(zip(SIGNALS, self._values(f, q, c, horizon, _apart(f.day, f.day, c.first, c.last))))

    def _values(self, f: Features, q: Query, c: Cluster, horizon: float, apart: int | None,
                ) -> tuple[float, ...]:
        """The signals' values in the order of :data:`SIGNALS` (a tuple, not a dict: this
        runs for every candidate of every article)."""
        vector = float(f.vector @ c.unit())
        terms = entities = days = years = no_terms = no_entities = no_days = no_years = away = 0.0
        if q.terms and c.langs.get(f.language):
            # The shared terms by a set intersection (in C), summed exactly (math.fsum: the
            # same value whatever order the set gives them in).
            ct, qt = c.terms, q.terms
            terms = math.fsum([qt[t] * ct[t] for t in qt.keys() & ct.keys()]) / self._term_norm(c)
        else:
            no_terms = 1.0
        n = max(c.n, 1)
        if q.entities:
            ce = c.entities
            entities = sum([w * min(1.0, ce[e] / n) for e, w in q.entities.items() if e in ce]) / q.entity_total
        else:
            no_entities = 1.0
        missing = self._missing(c, q)
        if f.days and c.days:
            get = c.days.get
            days = max(get(d, 0) for d in f.days) / n
        else:
            no_days = 1.0
        if f.years and c.years:
            get = c.years.get
            years = max(get(y, 0) for y in f.years) / n
        else:
            no_years = 1.0
        if apart is not None:
            away = min(1.0, max(0.0, apart - horizon) / horizon)
        return (vector, terms, entities, missing, days, years, no_terms, no_entities, no_days, no_years, away)

    def _missing(self, c: Cluster, q: Query) -> float:
        """The idf-weighted share of the cluster's core entities (named by at least half its
        articles) that the article does not name: who the happening is about."""
        core = c.core()
        if not core:
            return 0.0
        if self._stale(c._core_idf):
            df, idf = self.entity_df, self.idf
            weights = tuple((e, idf(df[e])) for e in core)
            c._core_idf = (self.n_articles, weights, math.fsum(w for _, w in weights))
        _, weights, total = c._core_idf
        # fsum: the core's order depends on the order its entities came in (Cluster.add)
        return math.fsum([w for e, w in weights if e not in q.entities]) / total

    def _query(self, f: Features, weights: dict[str, float] | None = None) -> Query:
        """The article's side of the score, computed once: unit TF-IDF weights (times the
        idf again, for the dot product with a cluster's raw weights) and entity weights."""
        tw = weights if weights is not None else self._term_weights(f.terms)
        idfs = self._term_idfs(tw)
        w = list(map(mul, tw.values(), idfs))
        length = math.sqrt(sum(map(mul, w, w)))
        norm = length or 1.0
        terms = {t: x / norm * v for t, x, v in zip(tw, w, idfs)}
        base, logs = self._idf_table()
        df = self.entity_df
        try:   # self.idf, inline: an article names a score of entities
            ents = {e: sal * (base - logs[df[e]]) for e, sal in f.entities.items()}
        except IndexError:   # a document frequency above the article count (not expected)
            ents = {e: sal * self.idf(df[e]) for e, sal in f.entities.items()}
        return Query(terms, ents, sum(ents.values()) or 1.0, length)

    # ---------------------------------------------------------------- assignment
    def resolve(self, cid: str) -> str:
        while cid in self.redirects:
            cid = self.redirects[cid]
        return cid

    def count(self, f: Features) -> None:
        """Count an article in the document frequencies (and in their changes, to save)."""
        self.n_articles += 1
        self.term_df.update(f.terms.keys())
        self.term_changes.update(f.terms.keys())
        self.entity_df.update(f.entities.keys())
        self.entity_changes.update(f.entities.keys())
        self.uncounted.append(f)

    def count_phrases(self) -> None:
        """Count the phrases of the articles counted since the last call."""
        for f in self.uncounted:
            if f.phrases:
                self.phrase_df.update(f.phrases.keys())
        self.phrase_n += len(self.uncounted)
        self.uncounted.clear()

    def recall(self, feats: Iterable[Features]) -> None:
        """Articles back in memory (counted in the term frequencies before): their phrases
        count again."""
        self.uncounted.extend(feats)

    def forget(self, feats: Iterable[Features]) -> None:
        """Articles leaving memory: their phrases no longer count."""
        self.count_phrases()
        df = self.phrase_df
        for f in feats:
            self.phrase_n -= 1
            for p in f.phrases:
                k = df.get(p, 0) - 1
                if k > 0:
                    df[p] = k
                else:
                    df.pop(p, None)

    def rename_entities(self, event: str, f: Features, now: dict[str, float]) -> None:
        """An article of ``event`` (in memory) now names ``now``: its entities were merged
        into others since it came. Its event, its story and the document frequencies follow."""
        e = self.events.get(event)
        for c in (e, self.stories.get(e.parent or "") if e is not None else None):
            if c is not None:
                c.rename_entities(f.entities.keys(), now.keys())
                self.dirty.add(c.id)
        for k in f.entities.keys() - now.keys():
            if self.entity_df[k] > 0:
                self.entity_df[k] -= 1
                self.entity_changes[k] -= 1
        new = now.keys() - f.entities.keys()
        self.entity_df.update(new)
        self.entity_changes.update(new)
        f.entities = now

    def assign(self, f: Features) -> Assignment:
        """File one article: join the best event or open one; attach events to stories."""
        weights = self._term_weights(f.terms)
        self.count(f)
        if f.day is not None:
            self.latest = f.day if self.latest is None else max(self.latest, f.day)
        q = self._query(f, weights)

        candidates = self.event_index.nearest(f.vector, self.s.candidates)
        by_copy = self.copy_event.get(f.copy_group) if f.copy_group else None
        if by_copy is not None:
            by_copy = self.resolve(by_copy)
        scored = sorted(((self.score(f, q, self.events[c], self.s.event), c) for c in candidates
                         if c in self.events), reverse=True)
        new_event = new_story = False
        if by_copy is not None and by_copy in self.events:
            # Copies are one dispatch: always the same event.
            event, best = self.events[by_copy], 1.0
        elif scored and scored[0][0] >= self.s.event.threshold:
            best, cid = scored[0]
            event = self.events[cid]
        else:
            best = scored[0][0] if scored else 0.0
            event = self._new_event()
            new_event = True
        # Another event this article fits as well: the two were one happening.
        for s, cid in scored:
            if s >= self.s.event.merge and cid != event.id and cid in self.events \
                    and _close(event, self.events[cid], self.s.event.max_apart):
                event = self._merge_events(event, self.events[cid])

        # Stories are scored when the event needs one, or when stories may merge.
        needed = event.parent is None or math.isfinite(self.s.story.merge)
        story_scores = self._story_scores(f, q, candidates) if needed else []
        if event.parent is None:
            if story_scores and story_scores[0][0] >= self.s.story.threshold:
                story = self.stories[story_scores[0][1]]
            else:
                story = self._new_story()
                new_story = True
            event.parent = story.id
            self.children[story.id].add(event.id)
        else:
            story = self.stories[event.parent]
        for s, sid in story_scores:
            if s >= self.s.story.merge and sid != story.id and sid in self.stories \
                    and _close(story, self.stories[sid], self.s.story.max_apart):
                story = self._merge_stories(story, self.stories[sid])

        event.add(f, weights, self.s.event_terms, q)
        story.add(f, weights, self.s.event_terms, q)
        self.members.setdefault(event.id, []).append(f)
        event.touched = story.touched = self.n_articles
        if f.copy_group:
            self.copy_event[f.copy_group] = event.id
        self.event_index.put(event.id, event.unit())
        self.story_index.put(story.id, story.unit())
        self.dirty |= {event.id, story.id}
        # A grown cluster is compared with its neighbours while it is small and then each
        # time its size doubles (its centroid has moved): O(log n) checks per cluster.
        if math.isfinite(self.s.event.merge) and _checkpoint(event.n):
            event = self._merge_nearest(event, story=False)
        story = self.stories[self.resolve(event.parent or story.id)]
        if math.isfinite(self.s.story.merge) and _checkpoint(story.n):
            self._merge_nearest(story, story=True)
        self.pending.add(event.id)
        self.pending_articles += 1
        eid = event.id
        if 0 < self.s.consolidate_max <= self.pending_articles:
            eid = self.consolidate().get(f.id, eid)   # a long stream: do not wait for its end
        self._evict()
        parent = self.events[eid].parent if eid in self.events else None
        return Assignment(f.id, eid, self.resolve(parent or story.id), best, new_event, new_story)

    def _merge_nearest(self, cluster: Cluster, story: bool) -> Cluster:
        """Compare the cluster that just grew with its nearest ones, as if it were one
        article: one it scores ``merge`` against is the same happening (or thread), split
        early because of the order the articles came in."""
        table, index = self._level(story)
        level = self.s.story if story else self.s.event
        f: Features | None = None
        for cid in index.nearest(cluster.unit(), 4):
            other = table.get(cid)
            if other is None or other is cluster or not _close(cluster, other, level.max_apart):
                continue
            if f is None:   # built once, and only when there is a neighbour to score
                f, weights = self._as_article(cluster)
                q = self._query(f, weights)
            if self.score(f, q, other, level) >= level.merge:
                merged = self._merge_stories(cluster, other) if story else self._merge_events(cluster, other)
                self.dirty.add(merged.id)
                if merged.parent:
                    self.dirty.add(merged.parent)
                return merged
        return cluster

    def _as_article(self, c: Cluster) -> tuple[Features, dict[str, float]]:
        """A cluster as one article (its centroid, core entities and days, middle date),
        with the weights of its 60 heaviest terms: sublinear as an article's counts would
        be (1 + the summed weight), unit length, as :meth:`_term_weights` gives an article."""
        half = c.n / 2
        core = {e: 1.0 + math.log(k) for e, k in c.entities.items() if k >= half}
        middle = (c.first + c.last) // 2 if c.first is not None and c.last is not None else None
        heavy = _heaviest(c.terms, 60)
        weights = _unit([t for t, _ in heavy], [1.0 + x for _, x in heavy])
        f = Features(
            id=c.id, language=c.langs.most_common(1)[0][0] if c.langs else "", vector=c.unit(),
            terms=Counter(), entities=core,   # the terms are the weights beside it
            days=frozenset(d for d, k in c.days.items() if k >= half),
            years=frozenset(y for y, k in c.years.items() if k >= half), day=middle)
        return f, weights

    def _story_scores(self, f: Features, q: Query, events: list[str]) -> list[tuple[float, str]]:
        ids = set(self.story_index.nearest(f.vector, self.s.candidates))
        ids |= {self.events[e].parent for e in events if e in self.events and self.events[e].parent}
        return sorted(((self.score(f, q, self.stories[s], self.s.story), s) for s in ids if s in self.stories),
                      reverse=True)

    def _new_event(self) -> Cluster:
        c = Cluster(id=f"e{self.next_event}", seq=self.next_event)
        self.next_event += 1
        self.events[c.id] = c
        return c

    def _new_story(self) -> Cluster:
        c = Cluster(id=f"s{self.next_story}", seq=self.next_story)
        self.next_story += 1
        self.stories[c.id] = c
        return c

    def _merge_events(self, a: Cluster, b: Cluster) -> Cluster:
        keep, gone = (a, b) if a.seq < b.seq else (b, a)
        keep.absorb(gone, self.s.event_terms)
        self._retire(gone.id, keep.id, self.events, self.event_index)
        self.members.setdefault(keep.id, []).extend(self.members.pop(gone.id, []))
        if gone.id in self.pending:
            self.pending.add(keep.id)
        if gone.parent:
            self.children[gone.parent].discard(gone.id)
        if gone.parent and keep.parent and gone.parent != keep.parent:
            self._merge_stories(self.stories[keep.parent], self.stories[gone.parent])
        keep.parent = self.resolve(keep.parent) if keep.parent else gone.parent
        if keep.parent:
            self.children[keep.parent].add(keep.id)
        self.event_index.put(keep.id, keep.unit())
        return keep

    def _merge_stories(self, a: Cluster, b: Cluster) -> Cluster:
        keep, gone = (a, b) if a.seq < b.seq else (b, a)
        keep.absorb(gone, self.s.event_terms)
        self._retire(gone.id, keep.id, self.stories, self.story_index)
        for eid in self.children.pop(gone.id, set()):
            e = self.events.get(eid)
            if e is not None:
                e.parent = keep.id
                self.children[keep.id].add(eid)
                self.dirty.add(eid)
        self.story_index.put(keep.id, keep.unit())
        return keep

    def _retire(self, old: str, new: str, table: dict[str, Cluster], index: VectorIndex) -> None:
        self._remember(table[old], table is self.stories)
        del table[old]
        index.drop(old)
        self.redirects[old] = new
        self.new_redirects[old] = new
        self.dirty.add(new)
        self.dirty.discard(old)
        self.gone.add(old)

    def _remember(self, c: Cluster, story: bool) -> None:
        """Keep the first article of a cluster being merged away (see :meth:`_relabel`)."""
        if c.founder is not None:
            key = (c.founder, story)
            other = self.retired.get(key)
            if other is None or int(c.id[1:]) < int(other[1:]):
                self.retired[key] = c.id

    # ---------------------------------------------------------------- consolidation
    def consolidate(self) -> dict[str, str]:
        """Cluster again, in batch, the articles of the events joined since the last call
        (with their nearest events and their stories' other active events): one article at
        a time, the order the articles came in decides too much. Events are grouped by
        average linkage over the article pairs' probabilities (``Level.link``), copies
        kept together; stories by average linkage over the new events. Ids stay stable:
        an id follows its first article (:meth:`_relabel`). Returns the articles that
        changed event (id → event), also kept in ``moved``."""
        moved: dict[str, str] = {}
        self.pending_articles = 0
        if self.s.consolidate_max <= 0:
            self.pending.clear()
            return moved
        while self.pending:
            region = self._region()
            self.pending -= region
            if region:
                moved.update(self._recluster(sorted(region, key=lambda e: self.events[e].seq)))
        self.moved.update(moved)
        return moved

    def _complete(self, eid: str) -> bool:
        """Whether all of the event's articles are in memory (not so for one loaded from
        the store after a restart until its members are given back, see ``load``)."""
        c = self.events.get(eid)
        return c is not None and len(self.members.get(eid, ())) == c.n and c.n > 0

    def _region(self) -> set[str]:
        """Events to cluster again: the pending ones (oldest first), then their nearest
        events and their stories' active events, up to ``consolidate_max`` articles."""
        region: set[str] = set()
        size = 0

        def take(eid: str) -> bool:
            nonlocal size
            if eid in region or not self._complete(eid):
                return True
            n = self.events[eid].n
            if region and size + n > self.s.consolidate_max:
                return False
            region.add(eid)
            size += n
            return True

        seeds = sorted((e for e in self.pending if e in self.events), key=lambda e: self.events[e].seq)
        self.pending -= {e for e in self.pending if not self._complete(e)}
        for e in seeds:
            if not take(e):
                return region
        for e in seeds:
            for other in self.event_index.nearest(self.events[e].unit(), self.s.candidates):
                if not take(other):
                    return region
        for story in sorted({self.events[e].parent for e in region if self.events[e].parent}):
            for other in sorted(self.children.get(story, ())):
                if not take(other):
                    return region
        return region

    @staticmethod
    def pair_logodds(x: dict[str, np.ndarray], gap: np.ndarray, level: Level) -> np.ndarray:
        """Each article's score against each other, from :meth:`pair_signals`, by the
        level's pair model (or its own weights, each article as a one-article cluster),
        made symmetric (the mean of the two directions); -inf for pairs published more
        than ``max_apart`` days apart. Pairs with no terms to compare (two languages: terms
        and phrases count within one) are scored by the level's ``across`` model when set."""
        model: Pairs | Level = level.pairs or level
        out = model.bias + sum(getattr(model, k, 0.0) * v for k, v in x.items())   # a Level has no phrases
        if level.pairs is not None and level.across is not None:
            a = level.across
            across = a.bias + sum(getattr(a, k) * v for k, v in x.items() if k not in ONE_LANGUAGE)
            out = np.where(x["no_terms"] > 0, across, out)
        out = out + level.apart * np.minimum(1.0, np.maximum(0.0, gap - level.horizon) / level.horizon)
        out = (out + out.T) / 2
        out[gap > level.max_apart] = -np.inf
        return out

    def pair_signals(self, feats: list[Features], weights: list[dict[str, float]] | None = None,
                     ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The signals of :data:`PAIR_SIGNALS` for every pair of articles at once (row: the
        article, column: the other as a one-article cluster), and the days between their
        publication dates (0 when one is undated). ``weights``: the articles' term weights,
        when already computed.

        ``phrases`` is the TF-IDF cosine over the articles' phrases (two words in a row once
        function words are left out: "jamal williams", "prise otage"), each weighing nothing
        unless :data:`MIN_PHRASE_DF` articles in memory have it (one no other article has
        only lowers the cosines). An article is scored against a cluster without it:
        counting phrases as each article comes would cost assignment a third of its speed."""
        m = len(feats)
        self.count_phrases()
        df, edf = self.term_df, self.entity_df
        vecs = np.stack([f.vector for f in feats]).astype(np.float64)
        x_vector = vecs @ vecs.T
        # Term and entity ids, rows and raw weights gathered in one pass; the idfs and norms
        # in NumPy, once per distinct term (a region holds thousands of articles).
        t_rows: list[int] = []
        t_names: list[str] = []
        t_raw: list[float] = []
        e_rows: list[int] = []
        e_names: list[str] = []
        e_raw: list[float] = []
        for i, f in enumerate(feats):
            tw = weights[i] if weights is not None else self._term_weights(f.terms)
            t_rows += [i] * len(tw)
            t_names += tw
            t_raw += tw.values()
            e_rows += [i] * len(f.entities)
            e_names += f.entities
            e_raw += f.entities.values()
        # Ids in order of first appearance (map over a dict's lookup runs in C).
        vocab = {t: k for k, t in enumerate(dict.fromkeys(t_names))}
        ents = {e: k for k, e in enumerate(dict.fromkeys(e_names))}
        t_cols = list(map(vocab.__getitem__, t_names))
        e_cols = list(map(ents.__getitem__, e_names))

        def idfs(keys: dict[str, int], counts: Counter[str]) -> np.ndarray:
            d = np.array([counts[k] for k in keys], dtype=np.float64)
            return idf_array(d, self.n_articles)

        from scipy.sparse import csr_matrix

        def cosines(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, width: int) -> np.ndarray:
            """Cosines of the articles' weight vectors, given as (row, column, weight)."""
            norms = np.sqrt(np.bincount(rows, vals * vals, minlength=m))
            unit = csr_matrix((vals / np.where(norms > 0, norms, 1.0)[rows], (rows, cols)), shape=(m, max(1, width)))
            return (unit @ unit.T).toarray()

        tr, tc = np.array(t_rows, dtype=np.int64), np.array(t_cols, dtype=np.int64)
        t_vals = np.array(t_raw, dtype=np.float64) * idfs(vocab, df)[tc]
        has_terms = np.bincount(tr, minlength=m) > 0
        er, ec = np.array(e_rows, dtype=np.int64), np.array(e_cols, dtype=np.int64)
        e_vals = np.array(e_raw, dtype=np.float64) * idfs(ents, edf)[ec]
        e_total = np.bincount(er, e_vals, minlength=m)
        E = csr_matrix((e_vals, (er, ec)), shape=(m, max(1, len(ents))))
        langs = np.array([f.language for f in feats], dtype=object)
        same = (langs[:, None] == langs[None, :]) & has_terms[:, None]
        x_terms = np.where(same, cosines(tr, tc, t_vals, len(vocab)), 0.0)
        has_ents = e_total > 0
        named = E.copy()
        named.data[:] = 1.0
        x_ents = (E @ named.T).toarray() / np.where(has_ents, e_total, 1.0)[:, None]

        def shared(sets: list[frozenset[str]]) -> tuple[np.ndarray, np.ndarray]:
            keys: dict[str, int] = {}
            rows, cols = [], []
            for i, ks in enumerate(sets):
                for k in ks:
                    rows.append(i)
                    cols.append(keys.setdefault(k, len(keys)))
            B = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, max(1, len(keys))))
            has = np.array([bool(ks) for ks in sets])
            both = has[:, None] & has[None, :]
            return np.where(both, ((B @ B.T).toarray() > 0).astype(float), 0.0), ~both

        p_rows = [i for i, f in enumerate(feats) for _ in f.phrases]
        p_names = [p for f in feats for p in f.phrases]
        p_vocab = {p: k for k, p in enumerate(dict.fromkeys(p_names))}
        pr = np.array(p_rows, dtype=np.int64)
        pc = np.array(list(map(p_vocab.__getitem__, p_names)), dtype=np.int64)
        p_df = np.array([self.phrase_df[p] for p in p_vocab], dtype=np.float64)
        p_idf = np.where(p_df >= MIN_PHRASE_DF, idf_array(p_df, max(self.phrase_n, 1)), 0.0)
        p_vals = (1.0 + np.log(np.array([n for f in feats for n in f.phrases.values()], dtype=np.float64))) * p_idf[pc]
        x_phrases = np.where(same, cosines(pr, pc, p_vals, len(p_vocab)), 0.0)
        x_days, no_days = shared([f.days for f in feats])
        x_years, no_years = shared([f.years for f in feats])
        day = np.array([np.nan if f.day is None else f.day for f in feats])
        gap = np.abs(day[:, None] - day[None, :])
        dated = ~np.isnan(gap)
        gap = np.where(dated, gap, 0.0)
        x = {"vector": x_vector, "terms": x_terms, "phrases": x_phrases, "entities": x_ents,
             "days": x_days, "years": x_years, "no_terms": (~same).astype(float),
             "no_entities": np.repeat((~has_ents)[:, None], m, axis=1).astype(float),
             "no_days": no_days.astype(float), "no_years": no_years.astype(float)}
        return x, gap

    def _recluster(self, region: list[str]) -> dict[str, str]:
        """Cluster the region's articles again into events, and those into stories."""
        feats = [f for e in region for f in self.members[e]]
        old_event = [e for e in region for _ in self.members[e]]
        if len(feats) < 2:
            return {}
        weights = [self._term_weights(f.terms) for f in feats]
        x, gap = self.pair_signals(feats, weights)

        def groups(level: Level, together: list[str | None]) -> tuple[list[int], np.ndarray]:
            """Average linkage over the pair probabilities (:func:`_average_link`, at
            ``level.link`` and ``level.tight``); articles with the same ``together`` key
            join first (probability 1). And those probabilities."""
            logodds = self.pair_logodds(x, gap, level)
            p = 1.0 / (1.0 + np.exp(-logodds))
            keys = np.array([k if k is not None else f"\0{i}" for i, k in enumerate(together)], dtype=object)
            # Articles published too far apart never share an event, whoever sits between
            # them: a probability no average can bring up to the link.
            p = np.where(np.isneginf(logodds), -_APART, p)
            p = np.where(keys[:, None] == keys[None, :], 1.0, p)
            np.fill_diagonal(p, 0.0)
            counts = np.ones_like(p)
            np.fill_diagonal(counts, 0.0)
            return _average_link(p, counts, level.link, level.tight), p

        ev, p_event = groups(self.s.event, [f.copy_group for f in feats])
        st = self._thread(x, gap, ev)
        if self.s.event.fragment > 0:
            ev = _absorb(p_event, ev, st, self.s.event.fragment, self.s.event.absorb)
        old_story = [self.events[e].parent for e in old_event]
        # Residues: what stories hold besides the region's articles (events out of memory).
        residue: dict[str, Cluster] = {}
        for sid in sorted({s for s in old_story if s and s in self.stories}):
            rest = Cluster(id=sid, seq=self.stories[sid].seq, parent=None)
            rest.absorb(self.stories[sid], self.s.event_terms)
            residue[sid] = rest
        leaving: dict[str, tuple[list[Features], list[dict[str, float]]]] = {}
        for f, w, sid in zip(feats, weights, old_story):
            if sid in residue:
                fs, ws = leaving.setdefault(sid, ([], []))
                fs.append(f)
                ws.append(w)
        for sid, (fs, ws) in leaving.items():
            residue[sid].remove_all(fs, ws)
        ids = [f.id for f in feats]
        event_id, event_founder = self._relabel(ids, ev, old_event, self.events, story=False)
        story_id, story_founder = self._relabel(ids, st, [s or "" for s in old_story], self.stories, story=True)
        # Rebuild the region's events and their stories.
        new_events: dict[str, Cluster] = {}
        touched_stories: dict[str, Cluster] = {}
        for i, f in enumerate(feats):
            eid, sid = event_id[ev[i]], story_id[st[i]]
            e = new_events.get(eid)
            if e is None:
                e = new_events[eid] = Cluster(id=eid, seq=int(eid[1:]), parent=sid, founder=event_founder[eid])
            e.add(f, weights[i], self.s.event_terms)
            e.touched = max(e.touched, self.events[old_event[i]].touched)
            s = touched_stories.get(sid)
            if s is None:
                s = touched_stories[sid] = Cluster(id=sid, seq=int(sid[1:]), founder=story_founder[sid])
                if sid in residue:
                    s.absorb(residue.pop(sid), self.s.event_terms)
            s.add(f, weights[i], self.s.event_terms)
            s.touched = max(s.touched, e.touched)
        for sid, rest in residue.items():   # a story that lost its id keeps its other events
            if rest.n > 0:
                target = touched_stories.get(self.resolve(sid))
                if target is not None:
                    target.absorb(rest, self.s.event_terms)
        for e in region:
            self.event_index.drop(e)
            self._release(e, self.events.pop(e).parent)
        moved: dict[str, str] = {}
        for i, f in enumerate(feats):
            eid = event_id[ev[i]]
            self.members.setdefault(eid, []).append(f)
            if eid != old_event[i]:
                moved[f.id] = eid
        for sid, s in touched_stories.items():
            self.stories[sid] = s
            self.story_index.put(sid, s.unit())
            self.dirty.add(sid)
        for eid, e in new_events.items():
            self.events[eid] = e
            self.event_index.put(eid, e.unit())
            self.children[e.parent or ""].add(eid)
            self.dirty.add(eid)
            for g in e.copies:
                self.copy_event[g] = eid
        # Stories left without events in memory or elsewhere are gone (they redirect).
        for sid in list(self.stories):
            if sid not in touched_stories and sid in self.redirects:
                self.stories.pop(sid)
                self.story_index.drop(sid)
        return moved

    def _thread(self, x: dict[str, np.ndarray], gap: np.ndarray, events: list[int]) -> list[int]:
        """Stories over the new events (each article's group in ``events``; ``x`` and
        ``gap`` from :meth:`pair_signals`): average linkage over the pairs of their articles
        published within ``horizon`` days of each other (or undated): a story is a thread,
        its first and last events may be far apart, its neighbours are not."""
        level = self.s.story
        logodds = self.pair_logodds(x, gap, level)
        comparable = gap <= level.horizon
        p = np.where(comparable, 1.0 / (1.0 + np.exp(-np.where(comparable, logodds, 0.0))), 0.0)
        np.fill_diagonal(p, 0.0)   # an article with itself says nothing of its event's closeness
        np.fill_diagonal(comparable, False)
        labels = sorted(set(events))
        col = {g: k for k, g in enumerate(labels)}
        member = np.zeros((len(events), len(labels)))
        member[np.arange(len(events)), [col[g] for g in events]] = 1.0
        sums = member.T @ p @ member
        counts = member.T @ comparable.astype(float) @ member
        group = _average_link(sums, counts, level.link, level.tight)
        return [group[col[g]] for g in events]

    def _relabel(self, ids: list[str], labels: list[int], old: list[str], table: dict[str, Cluster],
                 story: bool) -> tuple[dict[int, str], dict[str, str]]:
        """The id each new group takes, and each id's first article: an id follows its
        first article (the cluster's ``founder``, else the first of ``old``'s entries for
        it), so the group holding it keeps it; when it holds the first articles of several,
        the oldest id stays and the others redirect to it. An id merged away earlier whose
        first article is here follows it too: it comes back for a group that holds no
        other first article, and redirects to the group's id otherwise. Other groups get
        new ids (their first article in ``ids``'s order founds them)."""
        where = {a: k for k, a in enumerate(ids)}
        first: dict[str, int] = {}
        for k, o in enumerate(old):
            if o in table:
                first.setdefault(o, k)
        founder: dict[str, str] = {}
        taken: dict[int, str] = {}
        for o in sorted(first, key=lambda o: table[o].seq):
            a = table[o].founder
            k = where[a] if a in where else first[o]
            g = labels[k]
            if g not in taken:
                taken[g] = o
                founder[o] = a if a is not None else ids[k]   # a story's may be out of memory
                continue
            self._remember(table[o], story)
            new = taken[g]
            self.redirects[o] = new
            self.new_redirects[o] = new
            self.gone.add(o)
            self.dirty.discard(o)
            if story:
                for eid in self.children.pop(o, set()):
                    if eid in self.events:
                        self.events[eid].parent = new
                        self.children[new].add(eid)
                        self.dirty.add(eid)
        for k, a in enumerate(ids):
            o = self.retired.get((a, story))
            if o is None or o in founder or o not in self.redirects:
                continue
            g = labels[k]
            if g not in taken:   # back: the id leads to its first article again
                del self.retired[(a, story)]
                del self.redirects[o]
                self.new_redirects.pop(o, None)
                self.gone.discard(o)
                taken[g] = o
                founder[o] = a
            elif self.resolve(o) != taken[g]:
                self.redirects[o] = self.new_redirects[o] = taken[g]
        lead: dict[int, int] = {}
        for k, g in enumerate(labels):
            lead.setdefault(g, k)
        for g in sorted(lead):
            if g not in taken:
                c = self._new_story() if story else self._new_event()
                del table[c.id]   # built afresh by the caller
                taken[g] = c.id
                founder[c.id] = ids[lead[g]]
        return taken, founder

    # ---------------------------------------------------------------- memory
    def _evict(self) -> None:
        """Events older than the window (by publication date), or beyond ``max_active``
        (least recently joined first), leave the hot index; the store keeps them. A story
        stays while one of its events is active."""
        if self.latest is not None and self.n_articles % 64 == 0:
            self._sleep([c for c in self.events.values()
                         if c.last is not None and c.last < self.latest - self.s.window_days], story=False)
            self._sleep([c for c in self.stories.values()
                         if c.last is not None and c.last < self.latest - self.s.story_window_days], story=True)
        for table, story in ((self.events, False), (self.stories, True)):
            if len(table) > self.s.max_active:
                oldest = sorted(table.values(), key=lambda c: c.touched)
                self._sleep(oldest[: len(table) - int(self.s.max_active * 0.9)], story)

    def _sleep(self, clusters: list[Cluster], story: bool) -> None:
        table, index = self._level(story)
        for c in clusters:
            if c.id in self.dirty or c.id in self.pending or (story and self.children.get(c.id)):
                continue  # not yet written or consolidated, or still a parent: evicted at a later check
            del table[c.id]
            index.drop(c.id)
            if story:
                self.children.pop(c.id, None)
            else:
                gone = self.members.get(c.id, [])
                self.forget(gone)
                for f in gone:   # out of memory: no consolidation brings ids back to them now
                    self.retired.pop((f.id, False), None)
                    self.retired.pop((f.id, True), None)
                self._release(c.id, c.parent)

    def _level(self, story: bool) -> tuple[dict[str, Cluster], VectorIndex]:
        return (self.stories, self.story_index) if story else (self.events, self.event_index)

    def drop(self, cid: str, story: bool) -> None:
        """Delete an emptied event or story."""
        table, index = self._level(story)
        c = table.pop(cid, None)
        index.drop(cid)
        self.dirty.discard(cid)
        self.gone.add(cid)
        if not story:
            self._release(cid, c.parent if c is not None else None)

    def _release(self, eid: str, parent: str | None) -> None:
        """Forget what memory holds of an event besides its table and index entries: its
        articles' features, its pending mark, its place among its story's children."""
        self.members.pop(eid, None)
        self.pending.discard(eid)
        if parent:
            self.children[parent].discard(eid)

    def leave(self, eid: str, article_id: str) -> Features | None:
        """Take an article out of its event's members; its features, when they were there."""
        members = self.members.get(eid, [])
        for k, f in enumerate(members):
            if f.id == article_id:
                self.forget([f])
                return members.pop(k)
        return None

    def load(self, c: Cluster, story: bool) -> None:
        """Put a stored cluster back in the hot index."""
        table, index = self._level(story)
        table[c.id] = c
        index.put(c.id, c.unit())
        if not story:
            if c.parent:
                self.children[c.parent].add(c.id)
            for g in c.copies:
                self.copy_event[g] = c.id

    def drain(self) -> tuple[list[Cluster], list[Cluster], set[str], dict[str, str]]:
        """What changed since the last call: events, stories, ids gone, new redirects."""
        events = [self.events[i] for i in sorted(self.dirty) if i in self.events]
        stories = [self.stories[i] for i in sorted(self.dirty) if i in self.stories]
        out = (events, stories, set(self.gone), dict(self.new_redirects))
        self.dirty.clear()
        self.gone.clear()
        self.new_redirects.clear()
        return out


_APART = 1e9


def _average_link(sums: np.ndarray, counts: np.ndarray, link: float, tight: float = 0.0) -> list[int]:
    """Average linkage over items with pair ``sums`` and pair ``counts`` (both symmetric;
    the diagonal holds the pairs inside each item, an item may be a group already): join
    the two groups of highest mean (sum over count) while it reaches ``link``, and
    ``tight`` times the mean of the pairs inside the two: *relative closeness* (Karypis,
    Han and Kumar's Chameleon, 1999). Two tight groups only loosely alike stay apart; a
    loose group joins what is as alike as its own items are. The label of each item (its
    group's first item). Within connected components of the item pairs that reach
    ``link`` (a join needs one)."""
    from scipy.sparse.csgraph import connected_components

    k = len(sums)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(counts > 0, sums / counts, 0.0)
    np.fill_diagonal(mean, 0.0)
    _, comp = connected_components(mean >= link, directed=False)
    label = list(range(k))
    for c in np.unique(comp):
        idx = np.flatnonzero(comp == c)
        if len(idx) < 2:
            continue
        owner = _join(sums[np.ix_(idx, idx)].copy(), counts[np.ix_(idx, idx)].copy(), link, tight)
        for a, o in zip(idx, owner):
            label[a] = int(idx[o])
    return label


def _absorb(p: np.ndarray, events: list[int], stories: list[int], size: int, link: float) -> list[int]:
    """Fragments: each event of at most ``size`` items (smallest first) joins the event of
    its story whose items' mean pair probability ``p`` with its own is highest, when that
    reaches ``link``. Average linkage keeps a group of a few reports apart when its
    closeness to a large group falls short of the link, or of relative closeness; such a
    fragment, inside a story, is most often a late or side report of one of its events
    (BERTopic gives its outliers to the nearest topic the same way). The story is left as it
    is. Each item's event label, as ``events`` gives them."""
    labels = sorted(set(events))
    col = {g: k for k, g in enumerate(labels)}
    group = np.array([col[g] for g in events])
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    # The sums of the pair probabilities between every two events (rows and columns in
    # label order), and each event's size and story.
    sums = np.add.reduceat(np.add.reduceat(p[np.ix_(order, order)], starts, axis=0), starts, axis=1)
    count = np.bincount(group, minlength=len(labels)).astype(float)
    story = np.array([stories[int(order[s])] for s in starts])
    alive = np.ones(len(labels), dtype=bool)
    owner = np.arange(len(labels))
    for g in sorted(range(len(labels)), key=lambda k: (count[k], labels[k])):
        if not alive[g] or count[g] > size:
            continue   # gone into another, or grown past the size by a fragment it took
        near = alive & (story == story[g])
        near[g] = False
        if not near.any():
            continue
        mean = np.where(near, sums[g] / (count[g] * count), -np.inf)
        h = int(np.argmax(mean))
        if mean[h] >= link:
            sums[h] += sums[g]
            sums[:, h] += sums[:, g]
            count[h] += count[g]
            alive[g] = False
            owner[owner == g] = h
    return [labels[owner[col[g]]] for g in events]


def _join(s: np.ndarray, n: np.ndarray, link: float, tight: float) -> np.ndarray:
    """:func:`_average_link` within one connected component (``s`` and ``n`` its own,
    changed in place): each item's group, as the index of the group's first item."""
    inner_s, inner_n = np.diag(s).copy(), np.diag(n).copy()
    k = len(s)
    alive = np.ones(k, dtype=bool)

    def joinable(rows: np.ndarray) -> np.ndarray:
        """The mean of each of ``rows``' groups with every group, -1 where the two may not
        join: one group with itself, a group gone, or (``tight``) a mean under ``tight``
        times the mean of the pairs inside the two."""
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where((n[rows] > 0) & alive, s[rows] / n[rows], -1.0)
        mean[np.arange(len(rows)), rows] = -1.0
        if tight > 0:
            both = inner_n[rows, None] + inner_n
            within = np.where(both > 0, (inner_s[rows, None] + inner_s) / np.maximum(both, 1.0), 0.0)
            mean = np.where(mean >= tight * within, mean, -1.0)
        return mean

    live = joinable(np.arange(k))
    owner = np.arange(k)
    # Each row's best partner, kept up to date: a join changes two rows and one column.
    best, arg = live.max(axis=1), live.argmax(axis=1)
    while True:
        i = int(np.argmax(best))
        if best[i] < link:
            break
        i, j = min(i, int(arg[i])), max(i, int(arg[i]))
        inner_s[i] += inner_s[j] + s[i, j]
        inner_n[i] += inner_n[j] + n[i, j]
        s[i] += s[j]
        s[:, i] += s[:, j]
        n[i] += n[j]
        n[:, i] += n[:, j]
        alive[j] = False
        live[j, :] = live[:, j] = -1.0
        live[i] = joinable(np.array([i]))[0]
        live[:, i] = live[i]
        owner[owner == j] = i
        best[j] = -np.inf
        best[i], arg[i] = live[i].max(), live[i].argmax()
        # Other rows: only their entry for i changed (and j's is gone). Where the new i
        # is at least the row's old best, it is the best; else a row whose best was i or
        # j looks again.
        col = live[:, i]
        up = alive & (col >= best)
        up[i] = False
        stale = alive & ~up & ((arg == i) | (arg == j))
        stale[i] = False
        best[up] = col[up]
        arg[up] = i
        for r in np.flatnonzero(stale):
            best[r], arg[r] = live[r].max(), live[r].argmax()
    return owner


def _take(mine: Counter[str], theirs: Iterable[str] | Counter[str]) -> None:
    """Subtract ``theirs`` from ``mine`` and drop the keys spent."""
    mine.subtract(theirs)
    for k in [k for k, v in mine.items() if v <= 0]:
        del mine[k]


def _unit(keys: Iterable[str], w: list[float]) -> dict[str, float]:
    """The weights ``w`` scaled to unit length, by key (an article's terms, or a cluster's
    heaviest as one article's)."""
    norm = math.sqrt(sum(map(mul, w, w))) or 1.0
    return dict(zip(keys, [x / norm for x in w]))


def _heaviest(terms: Counter[str], n: int) -> list[tuple[str, float]]:
    """``terms.most_common(n)`` without its heap: a sort in C is faster for a few hundred
    terms, and gives the same terms in the same order."""
    return sorted(terms.items(), key=itemgetter(1), reverse=True)[:n]


def _checkpoint(n: int) -> bool:
    """2, 3, 4, then each power of two."""
    return 2 <= n <= 4 or n & (n - 1) == 0


def _apart(first: int | None, last: int | None, other_first: int | None, other_last: int | None) -> int | None:
    """Days between two publication ranges (0 when they overlap); None when one is undated."""
    if first is None or last is None or other_first is None or other_last is None:
        return None
    return max(0, other_first - last, first - other_last)


def _close(a: Cluster, b: Cluster, max_apart: float) -> bool:
    """Whether two clusters' publication dates are within ``max_apart`` days (or one is
    undated): an undated article that fits two happenings months apart does not make them one."""
    apart = _apart(a.first, a.last, b.first, b.last)
    return apart is None or apart <= max_apart
