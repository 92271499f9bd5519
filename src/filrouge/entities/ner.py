"""spaCy's named-entity recogniser, behind one call: ``recognise(texts, language)``.

Only the ``ner`` component is loaded (in spaCy's small French and English models it has a
token-to-vector layer of its own), once per process and language. Names are capitalised, and
the recogniser looks a few words either side of a word, so it is run on the *windows* of a
text around its capitalised words (``WINDOW`` words each side), not on every word: on news
that is about 40% of the words, and about twice the speed, with the same names found. Each
text's windows are joined, with line breaks between them, into one short document.
"""

from __future__ import annotations

import importlib
import json
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import FilrougeError
from .names import models

WINDOW = 3
SEGMENT = 20_000
# spaCy labels → ours. NORP (nationalities), dates, numbers and the like are not entities here.
LABELS = {
    "PER": "PER", "PERSON": "PER", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC", "ORG": "ORG",
    "MISC": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
}
_KEEP = ("ner",)


@dataclass(frozen=True)
class Span:
    """A name the model found: character offsets into the text, and our type."""

    start: int
    end: int
    type: str


@cache
def model(language: str) -> Any | None:
    """The spaCy pipeline (``ner`` only) for a language, or None when none is installed for it."""
    package = models().get(language)
    if package is None:
        return None
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise FilrougeError(
            f"spaCy model '{package}' for language '{language}' is not installed: "
            f"pip install -e . (it is a dependency of filrouge)"
        ) from None
    meta = json.loads((Path(module.__file__).parent / "meta.json").read_text(encoding="utf-8"))
    nlp = module.load(exclude=[n for n in meta.get("components", ()) if n not in _KEEP])
    # thinc multiplies matrices with BLIS by default; numpy's OpenBLAS is about three times
    # faster on these machines' AVX2/AVX-512 cores, and gives the same results.
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for node in nlp.get_pipe("ner").model.walk():
        node.ops = ops
    return nlp


def one_blas_thread() -> None:
    """Limit numpy's BLAS to one thread in this process: worker processes already share the
    cores, and two BLAS threads in each of two workers make the recogniser a third slower."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


# A word as the windows count them (whitespace-separated), and a capitalised one: its first
# letter after any opening punctuation and elided article ("«Notre", "l'Ukraine", "(KCNA)").
_WORD = re.compile(r"\S+")
_CAPITAL = re.compile(r"[^\w]*(?:(?:[a-zA-Z]|qu|Qu)['’])?([^\W\d_][\w\-'’.]*)")
_JOIN = " \n "


def _windows(text: str, stop: frozenset[str]) -> list[tuple[int, int]]:
    """Character ranges of ``text`` within ``WINDOW`` words of a capitalised word that is not a
    function word ("Le", "Pour"), merged where they touch."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    ranges: list[tuple[int, int]] = []
    n = len(words)
    for i, (s, e) in enumerate(words):
        m = _CAPITAL.match(text, s, e)
        if m is None or not m.group(1)[:1].isupper() or m.group(1).casefold().rstrip(",;:!?»”\")'’") in stop:
            continue
        lo, hi = words[max(0, i - WINDOW)][0], words[min(n - 1, i + WINDOW)][1]
        if ranges and lo <= ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], hi))
        else:
            ranges.append((lo, hi))
    return ranges


def recognise(texts: Sequence[str], language: str | None, stopwords: frozenset[str] = frozenset(),
              batch_size: int = 16) -> list[list[Span]]:
    """Names in each text, in text order. A language without a model gives no spans."""
    nlp = model(language) if language else None
    if nlp is None:
        return [[] for _ in texts]
    # Each text's windows are joined into one short document (the model sees a line break
    # between two windows); long texts go in several documents (spaCy refuses texts over
    # nlp.max_length, and its memory grows with a document's length).
    docs: list[tuple[int, str, list[int], list[int]]] = []  # (text, joined, starts there, starts in text)
    for n, text in enumerate(texts):
        joined: list[str] = []
        at: list[int] = []
        origin: list[int] = []
        size = 0
        for lo, hi in _windows(text, stopwords):
            if size > SEGMENT:
                docs.append((n, _JOIN.join(joined), at, origin))
                joined, at, origin, size = [], [], [], 0
            at.append(size)
            origin.append(lo)
            joined.append(text[lo:hi])
            size += hi - lo + len(_JOIN)
        if joined:
            docs.append((n, _JOIN.join(joined), at, origin))
    out: list[list[Span]] = [[] for _ in texts]
    ner = nlp.get_pipe("ner")
    parsed: Iterator[Any] = ner.pipe((nlp.make_doc(d[1]) for d in docs), batch_size=batch_size)
    for doc, (n, _, at, origin) in zip(parsed, docs):
        for ent in doc.ents:
            label = LABELS.get(ent.label_)
            k = bisect_right(at, ent.start_char) - 1
            if label and k == bisect_right(at, ent.end_char - 1) - 1:
                shift = origin[k] - at[k]
                out[n].append(Span(ent.start_char + shift, ent.end_char + shift, label))
    return out
