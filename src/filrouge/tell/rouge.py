"""ROUGE for summaries and timelines, written for French as well as English.

The counts follow ROUGE-1.5.5 as tilse calls it (``average="raw"``): for n-grams, the
*hits* are the clipped matches between the candidate and each reference, summed over
the references, the *candidate count* is the candidate's n-grams times the number of
references, the *reference count* the references' n-grams; P = hits / candidate count,
R = hits / reference count. ROUGE-L uses the longest common subsequence the same way.
Tokens are lower-cased words (``\\w+``), stemmed with Snowball in the text's language;
with ``stopwords``, function words are dropped first (tilse's setting for timelines).

>>> s = Rouge("fr")
>>> round(s.score(["Les chars sont entrés dans la ville ."], [["Un char est entré dans la ville ."]])["rouge_2"]["f"], 3)
0.5
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any

import snowballstemmer

from ..copies.signature import stopwords as _stopwords

_WORD = re.compile(r"\w+", re.UNICODE)
_LANGUAGES = {"fr": "french", "en": "english", "de": "german", "es": "spanish"}


@cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(_LANGUAGES.get(language, "english"))


@cache
def _stop() -> frozenset[str]:
    return frozenset(w.casefold() for w in _stopwords())


def prf(hits: float, cand: float, ref: float) -> dict[str, float]:
    p = hits / cand if cand else 0.0
    r = hits / ref if ref else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


class Rouge:
    """ROUGE-1, ROUGE-2 and ROUGE-L counts in one language."""

    def __init__(self, language: str = "fr", stopwords: bool = False) -> None:
        self.stem = _stemmer(language).stemWord
        self.stop = _stop() if stopwords else frozenset()
        self._cache: dict[str, tuple[str, ...]] = {}

    def tokens(self, text: str) -> tuple[str, ...]:
        found = self._cache.get(text)
        if found is None:
            words = [w for w in _WORD.findall(text.casefold()) if w not in self.stop]
            found = self._cache[text] = tuple(self.stem(w) for w in words)
        return found

    def counts(self, candidate: Sequence[str], references: Sequence[Sequence[str]],
               lcs: bool = False) -> dict[str, tuple[float, float, float]]:
        """(hits, candidate count, reference count) per measure: sentences in, the
        candidate's and each reference's sentences read as one text."""
        cand = [t for s in candidate for t in self.tokens(s)]
        refs = [[t for s in ref for t in self.tokens(s)] for ref in references]
        out: dict[str, tuple[float, float, float]] = {}
        for n in (1, 2):
            c = _ngrams(cand, n)
            hits = cand_count = ref_count = 0
            for ref in refs:
                r = _ngrams(ref, n)
                hits += sum(min(k, r[g]) for g, k in c.items())
                cand_count += sum(c.values())
                ref_count += sum(r.values())
            out[f"rouge_{n}"] = (hits, cand_count, ref_count)
        if lcs:
            hits = sum(_lcs(cand, ref) for ref in refs)
            out["rouge_l"] = (hits, len(cand) * len(refs), sum(len(r) for r in refs))
        return out

    def score(self, candidate: Sequence[str], references: Sequence[Sequence[str]]) -> dict[str, dict[str, float]]:
        return {m: prf(*c) for m, c in self.counts(candidate, references, lcs=True).items()}


def truncate_words(sentences: Sequence[str], words: int) -> list[str]:
    """The first ``words`` words of the sentences (ROUGE-1.5.5's ``-l``)."""
    out: list[str] = []
    left = words
    for s in sentences:
        if left <= 0:
            break
        w = s.split()
        out.append(" ".join(w[:left]))
        left -= len(w)
    return out
