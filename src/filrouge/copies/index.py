"""The online copy index: articles go in and out one at a time, and each finds its copies
from the LSH bands kept in the store, without reading the rest of the corpus.

Whether two articles are copies depends on those two texts only (the exact check is
symmetric and every pair that shares a band is checked, whichever came first), and groups
are the connected components of the links, named after their smallest member id: the
groups do not depend on the order articles arrive in.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import numpy as np

from ..article import Article
from ..settings import CopySettings
from ..store import Store
from . import signature as sig


def group_id(members: Iterable[str]) -> str:
    return "c-" + min(members)


class CopyIndex:
    """``CopyIndex(store, settings).add(article)``: index an article, link it to its copies
    and return the ids whose copy group may have changed."""

    def __init__(self, store: Store, settings: CopySettings, cache_size: int = 2000) -> None:
        self.store = store
        self.settings = settings
        # Shingles of recently indexed articles: a wire story's new copy is checked against
        # every earlier copy, and those were indexed recently.
        self._recent: OrderedDict[str, tuple[bytes, np.ndarray]] = OrderedDict()
        self._cache_size = cache_size

    def add(self, article: Article) -> set[str]:
        with self.store.transaction():
            touched = self._drop(article.id)
            shingles = None
            if article.minhash is not None:
                signature = np.frombuffer(article.minhash, dtype="<u4")
            else:
                shingles = sig.shingles(article.text)
                signature = sig.signatures([shingles])[0]
            keys = sig.band_keys(signature)
            links, shingles = self.links(article.id, article.text, signature, keys, shingles)
            passages = sig.sentence_keys(article.text, article.sentences, self.settings.passage_min_words)
            self.store.copy_index(article.id, sig.INDEX_VERSION, signature, keys, passages)
            self.store.copy_link(article.id, links)
            if shingles is not None:  # computed: by the exact check, or for want of a signature
                self._remember(article.id, signature, shingles)
            touched |= {article.id, *(other for other, _, _ in links)}
            return self.regroup(touched)

    def remove(self, article_id: str) -> set[str]:
        """Take an article out of the index (before it is deleted from the store); returns
        the ids of its former copies, whose groups were recomputed."""
        with self.store.transaction():
            touched = self._drop(article_id) - {article_id}
            self.regroup(touched)
            return touched

    def _drop(self, article_id: str) -> set[str]:
        """Unindex an article if it is indexed; returns it and the ids it was linked to."""
        self._recent.pop(article_id, None)
        stored = self.store.copy_signature(article_id)
        if stored is None:
            return set()
        linked = {x for a, b, _, _ in self.store.copy_links([article_id]) for x in (a, b)}
        self.store.copy_unindex(article_id, sig.band_keys(stored[1]), stored[2])
        return linked | {article_id}

    def links(self, article_id: str, text: str, signature: np.ndarray, keys: list[int],
              shingles: np.ndarray | None = None) -> tuple[list[tuple[str, float, float]], np.ndarray | None]:
        """(other id, jaccard, containment) of each indexed article that is a copy of
        ``text``: candidates share a band, pass the estimate from their signatures, then
        the exact check on the two texts' shingles. Also returns ``text``'s shingles, which
        are computed only when some candidate needs the exact check (else as given)."""
        close = {other: s.tobytes() for other, s in self.store.copy_candidates(keys, exclude=article_id)
                 if sig.estimate(signature, s) >= self.settings.candidate_similarity}
        candidates = list(close)
        if not candidates:
            return [], shingles
        if shingles is None:
            shingles = sig.shingles(text)
        # A cached entry counts only if it was made from the text the store has now (same
        # signature): another process may have stored a new version meanwhile.
        known = {c: self._recent[c][1] for c in candidates if c in self._recent and self._recent[c][0] == close[c]}
        texts = self.store.texts([c for c in candidates if c not in known])
        out = []
        for other in sorted(candidates):
            theirs = known[other] if other in known else sig.shingles(texts.get(other, ""))
            j, c = sig.overlap_sets(shingles, theirs)
            if self.is_copy(j, c):
                out.append((other, round(j, 4), round(c, 4)))
        return out, shingles

    def _remember(self, article_id: str, signature: np.ndarray, shingles: np.ndarray) -> None:
        self._recent[article_id] = (signature.astype("<u4").tobytes(), shingles)
        self._recent.move_to_end(article_id)
        while len(self._recent) > self._cache_size:
            self._recent.popitem(last=False)

    def is_copy(self, jaccard: float, containment: float) -> bool:
        return jaccard >= self.settings.min_jaccard and containment >= self.settings.min_containment

    def regroup(self, ids: Iterable[str]) -> set[str]:
        """Recompute the groups of the components containing ``ids`` (links are the truth,
        groups a cache of their components). Returns every id whose group was rewritten."""
        seen: set[str] = set()
        assignment: dict[str, str | None] = {}
        for start in sorted(ids):
            if start in seen:
                continue
            component = {start}
            frontier = [start]
            while frontier:
                links = self.store.copy_links(frontier)
                frontier = []
                for a, b, _, _ in links:
                    for x in (a, b):
                        if x not in component:
                            component.add(x)
                            frontier.append(x)
            seen |= component
            grp = group_id(component) if len(component) > 1 else None
            for x in component:
                assignment[x] = grp
        stored = self.store.content_hashes(assignment)
        live = {x: g for x, g in assignment.items() if x in stored}
        self.store.set_copy_groups(live)
        return set(live)
