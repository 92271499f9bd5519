"""Hybrid search: full text and meaning, fused.

- **Full text**: SQLite FTS5 with BM25 (the title weighs twice the text). The index folds
  accents ("Choïgou" finds "Choigou"); the query's words are stemmed with Snowball (French,
  then English) and a stem of five letters or more that is a prefix of its word is searched
  as a prefix, so
  "manifestations" finds "manifestation" and "manifestants". Function words are dropped and
  the words are OR-ed: BM25 ranks the articles with more of them first.
- **Meaning**: the query's multilingual embedding (the one articles get at ingest: title and
  lead) against every article's, so a French query finds English articles.
- **Fusion**: reciprocal rank fusion (Cormack et al. 2009): each article scores
  ``sum(1 / (k + rank))`` over the two rankings, k = 60.

>>> fts_query("Les manifestations de Choïgou")
'"manifest"* OR "choigou"'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import snowballstemmer

from .entities.names import fold_text, unaccent
from .store import Store
from .store.base import SearchFilters
from .stories.features import _stop, embed_texts

_WORD = re.compile(r"\w+", re.UNICODE)

MODES = ("hybrid", "text", "semantic")
RRF_K = 60


@cache
def _stemmers() -> tuple[Any, ...]:
    return snowballstemmer.stemmer("french"), snowballstemmer.stemmer("english")


def query_terms(query: str) -> list[tuple[str, bool]]:
    """(folded term, is a prefix) for each content word of the query."""
    out: list[tuple[str, bool]] = []
    stop = _stop()
    for w in _WORD.findall(unaccent(query.casefold())):
        if w in stop or (len(w) < 2 and not w.isdigit()):
            continue
        stems = [s for st in _stemmers() if (s := st.stemWord(w)) and w.startswith(s) and len(s) >= 5 and s != w]
        term = (min(stems, key=len), True) if stems else (w, False)
        if term not in out:
            out.append(term)
    return out


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression of a user's query (empty when it has no content word)."""
    return " OR ".join(f'"{t}"*' if prefix else f'"{t}"' for t, prefix in query_terms(query))


@dataclass(frozen=True)
class Hit:
    """One search result: ``snippet`` is a piece of the article's text, ``highlights`` the
    (start, end) offsets of the query's words in it."""

    article: str
    story: str | None
    event: str | None
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    title: str
    published: str | None
    language: str | None
    source: str | None
    text_rank: int | None
    semantic_rank: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"article": self.article, "story": self.story, "event": self.event, "score": self.score,
                "snippet": self.snippet, "highlights": [list(h) for h in self.highlights], "title": self.title,
                "published": self.published, "language": self.language, "source": self.source,
                "text_rank": self.text_rank, "semantic_rank": self.semantic_rank}


class Searcher:
    """Searches one store; keeps the article embeddings in memory between queries and
    reloads them when articles change."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._version: tuple[int, int] | None = None
        self._ids: list[str] = []
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    def warm(self) -> None:
        """Load the embeddings and the embedding model now, not on the first query."""
        self._vectors()
        embed_texts(["warm"])

    def _vectors(self) -> tuple[list[str], np.ndarray]:
        version = self.store.search_version()
        if version != self._version:
            self._ids, self._matrix = self.store.search_vectors()
            self._version = version
        return self._ids, self._matrix

    def text(self, query: str, filters: SearchFilters | None, limit: int) -> list[str]:
        match = fts_query(query)
        return [i for i, _ in self.store.search_fts(match, limit, filters)] if match else []

    def semantic(self, query: str, filters: SearchFilters | None, limit: int) -> list[str]:
        ids, matrix = self._vectors()
        if not ids or not query.strip():
            return []
        q = embed_texts([query])[0].astype(np.float32)
        scores = matrix @ q
        if filters is not None and filters.any():
            allowed = self.store.search_filtered(filters)
            scores = np.where(np.fromiter((i in allowed for i in ids), bool, len(ids)), scores, -np.inf)
        k = min(limit, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [ids[j] for j in top if np.isfinite(scores[j])]

    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 20,
               mode: str = "hybrid", depth: int = 100) -> list[Hit]:
        """The ``limit`` best articles for ``query``, best first."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode '{mode}': use one of {', '.join(MODES)}")
        depth = max(depth, limit)
        text = self.text(query, filters, depth) if mode != "semantic" else []
        meaning = self.semantic(query, filters, depth) if mode != "text" else []
        fused: dict[str, float] = {}
        for ranking in (text, meaning):
            for r, i in enumerate(ranking, start=1):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + r)
        best = sorted(fused, key=lambda i: -fused[i])[:limit]
        text_rank = {i: r for r, i in enumerate(text, start=1)}
        meaning_rank = {i: r for r, i in enumerate(meaning, start=1)}
        terms = query_terms(query)
        rows = self.store.search_rows(best)
        hits = []
        for i in best:
            if i not in rows:
                continue   # removed since the index was read
            title, text, published, language, source, event, story = rows[i]
            snippet, marks = snippet_of(text or title, terms)
            hits.append(Hit(i, story or event, event, round(fused[i], 6), snippet, marks, title, published,
                            language, source, text_rank.get(i), meaning_rank.get(i)))
        return hits


def snippet_of(text: str, terms: list[tuple[str, bool]], words: int = 30,
               read: int = 5_000) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The window of ``words`` words (within the first ``read`` characters) with the most
    query words, and where they are in it. A window that does not start the text begins
    with "…", one that does not end it ends with "…"."""
    head = text[:read]
    exact = frozenset(t for t, prefix in terms if not prefix)
    prefixes = tuple(t for t, prefix in terms if prefix)

    def hit(w: str) -> bool:
        return w in exact or (bool(prefixes) and w.startswith(prefixes))

    folded = fold_text(head)
    if len(folded) == len(head):   # the usual case: offsets agree, fold the text once
        spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded)]
    else:
        spans = [(m.start(), m.end(), unaccent(m.group().casefold())) for m in _WORD.finditer(head)]
    if not spans:
        return text[:200], ()
    marks = [hit(w) for _, _, w in spans]
    best, best_n = 0, -1
    n = sum(marks[:words])
    for s in range(max(1, len(spans) - words + 1)):
        if s:
            n += (marks[s + words - 1] if s + words - 1 < len(marks) else 0) - marks[s - 1]
        if n > best_n:
            best, best_n = s, n
    first, last = spans[best][0], spans[min(len(spans), best + words) - 1][1]
    prefix = "…" if first > 0 else ""
    suffix = "…" if last < len(text.rstrip()) else ""
    out = prefix + " ".join(head[first:last].split()) + suffix
    found = tuple((m.start(), m.end()) for m in _WORD.finditer(out) if hit(unaccent(m.group().casefold())))
    return out, found
