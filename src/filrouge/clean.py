"""Cleaning: take out what is not the article, with a reason for each piece, then split.

The patterns live in ``data/boilerplate.toml`` (one row a rule); this module applies them
paragraph by paragraph, drops paragraphs and sentences repeated inside the article, reads
date stamps ("14/09/2023 mis à jour: 23:00") and recognises a headline on the first line.
Nothing is lost: every piece of the body ends up in the clean text, in ``removed`` with
its reason, or in the title.
"""

from __future__ import annotations

import collections
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .article import PublishedDate, Removed
from .ingest.pubdate import agency_dateline, date_stamp
from .sentences import split_sentences, split_sentences_spacy
from .settings import CleanSettings


@dataclass(frozen=True)
class Rule:
    """One boilerplate pattern: a paragraph that matches it (and is short enough) goes."""

    name: str
    reason: str
    pattern: re.Pattern[str]
    max_words: int
    languages: frozenset[str]

    def matches(self, paragraph: str, language: str | None, words: int) -> bool:
        if words > self.max_words:
            return False
        if "*" not in self.languages and language not in self.languages:
            return False
        return self.pattern.match(paragraph) is not None


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    data = tomllib.loads(resources.files("filrouge").joinpath("data/boilerplate.toml").read_text())
    return tuple(
        Rule(
            name=r["name"],
            reason=r["reason"],
            pattern=re.compile(r["pattern"], re.IGNORECASE),
            max_words=int(r.get("max_words", 30)),
            languages=frozenset(r.get("languages", ["*"])),
        )
        for r in data["rule"]
    )


# --------------------------------------------------------------------------- normalising
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009\u200a\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def normalize(text: str) -> str:
    """NFC, one kind of newline, no invisible characters, single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def paragraphs_of(body: str) -> list[str]:
    """Split a normalised body into paragraphs: one a line, hard-wrapped blocks re-joined."""
    blocks = re.split(r"\n\s*\n", body)
    out: list[str] = []
    for block in blocks:
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if _hard_wrapped(lines):
            out.append(" ".join(lines))
        else:
            out.extend(lines)
    return out


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines cut at a fixed width (e-mail or terminal text), not one paragraph a line."""
    if len(lines) < 3:
        return False
    body = lines[:-1]
    widths = [len(x) for x in body]
    widest = max(widths)
    similar = sum(1 for w in widths if 50 <= w <= 100 and widest - w <= 20)
    open_ended = sum(1 for x in body if not x.endswith((".", "!", "?", "»", '"', ":", "”")))
    return similar >= 0.8 * len(body) and open_ended >= 0.5 * len(body)


# --------------------------------------------------------------------------- titles
def looks_like_title(paragraph: str, max_words: int) -> bool:
    """A headline: short, not ending like a sentence, not starting in lower case.

    >>> looks_like_title("Visite du dirigeant nord-coréen en Russie : Moscou évoque des perspectives", 30)
    True
    >>> looks_like_title("Le ministre est arrivé mardi à Pyongyang pour une visite de deux jours.", 30)
    False
    """
    words = paragraph.split()
    if not words or len(words) > max_words or len(paragraph) > 250:
        return False
    if paragraph.rstrip().endswith((".", ",", ";", ":")) and not paragraph.rstrip().endswith("..."):
        return False
    first = paragraph.lstrip("«\"“'‘([ ")[:1]
    return bool(first) and not first.islower()


def derive_title(sentences: list[str], max_chars: int = 140) -> str:
    """A title from the first sentence, cut at a word boundary."""
    first = sentences[0] if sentences else ""
    if len(first) <= max_chars:
        return first
    cut = first[:max_chars].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


_PROSE_WORDS = 20   # a line this long is prose, whatever its end (a standfirst cut short)


def _heading(paragraph: str, max_words: int) -> bool:
    """A line that reads like a headline (:func:`looks_like_title`) and is shorter than prose."""
    return paragraph.count(" ") + 1 < _PROSE_WORDS and looks_like_title(paragraph, max_words)


def title_shares_words(title: str, text: str, lead_words: int = 100, max_words: int = 30) -> bool | None:
    """Whether a headline shares a content word with the first ``lead_words`` words of
    its text's prose (words of three letters or more, function words left out, compared on
    their first five letters, accents and case aside; lines that read like headlines, a
    site's menu among them, are not prose); None when that cannot tell: a title with no
    such word, or too little prose. A headline tells what its lead tells; a page's
    furniture ("Boutique le Point", "Jump to navigation", a sidebar's headline) that a
    crawler took for the title shares nothing with it.

    >>> lead = "Le dirigeant nord-coréen est arrivé mardi en Russie, où il doit rencontrer Vladimir Poutine."
    >>> title_shares_words("Kim Jong Un en Russie", lead)
    True
    >>> title_shares_words("Boutique le Point", lead)
    False
    """
    return _shares_words(title, (m.group() for m in _LINE.finditer(text)), lead_words, max_words)


_LINE = re.compile(r"[^\n]+")


def _shares_words(title: str, lines: Iterable[str], lead_words: int, max_words: int) -> bool | None:
    """:func:`title_shares_words` over the text's lines, read only as far as the lead
    (a title is checked on every article that has one: a long text is not split whole)."""
    from .stories.features import _WORD as letters
    from .stories.features import _stop, fold

    stop = _stop()

    def keys(s: str) -> set[str]:
        return {w[:5] for w in letters.findall(fold(s)) if w not in stop}

    head = keys(title)
    if not head:
        return None
    lead: list[str] = []
    for line in lines:
        if line.strip() and not _heading(line, max_words):
            lead += line.split(maxsplit=lead_words - len(lead))[:lead_words - len(lead)]
            if len(lead) >= lead_words:
                break
    if len(lead) < 12:
        return None
    return bool(head & keys(" ".join(lead)))


_HEADLINE_COLUMN = 10   # headline-like lines in a row that open a page: a column of links


def _headline_column(paragraphs: list[str], max_words: int) -> int:
    """How many of the first paragraphs are a column of other articles' headlines: a run
    of at least ``_HEADLINE_COLUMN`` lines that read like headlines (:func:`looks_like_title`)
    followed by prose, less its last line, the page's own headline. 0 when the page opens
    otherwise (a text opens on at most five such lines in ecbplus, rpm2 and the seeds; 46
    of ml-crisis-fr's crawled pages on 10 to 41).

    >>> _headline_column([f"Titre numéro {i}" for i in range(12)] + ["Le texte commence ici."], 30)
    11
    >>> _headline_column(["Un titre", "Le texte commence ici."], 30)
    0
    """
    run = 0
    for para in paragraphs:
        if not looks_like_title(para, max_words):
            break
        run += 1
    return run - 1 if _HEADLINE_COLUMN <= run < len(paragraphs) else 0


# --------------------------------------------------------------------------- repeats
_WORD = re.compile(r"\w+")


def _bigrams(sentence: str) -> frozenset[int]:
    """Word bigrams of a sentence, case-folded, as hashes (cheap to store and compare)."""
    words = _WORD.findall(sentence.casefold())
    return frozenset(hash((a, b)) for a, b in zip(words, words[1:]))


def _key(paragraph: str) -> str:
    return " ".join(_WORD.findall(paragraph.casefold()))


@dataclass(frozen=True)
class Cleaned:
    """What cleaning made of a body: text with spans, what went, and what was read."""

    text: str
    paragraphs: tuple[tuple[int, int], ...]
    sentences: tuple[tuple[int, int], ...]
    removed: tuple[Removed, ...]
    title: str | None
    published: PublishedDate | None


_STAMP_ZONE = 4  # date stamps are read (and removed) in the first paragraphs only


def clean(
    body: str,
    settings: CleanSettings,
    language: str | None = None,
    find_title: bool = False,
    near: str | None = None,
    title_must_fit: bool = False,
) -> Cleaned:
    """Clean ``body`` (plain text, paragraphs on their own lines).

    ``find_title``: take the first paragraph as the headline when it reads like one.
    ``title_must_fit``: take instead the last of the headline-like lines that open the
    text, before its prose, that shares a word with what follows it
    (:func:`title_shares_words`): a page whose title field was its furniture often opens
    on more of it ("Découvrez l'application", "Les sites du Groupe Figaro", "Nos journaux
    et magazines") above the headline.
    ``near``: the date the article's URL gives, which settles a date stamp that reads
    both ways (:func:`~filrouge.ingest.pubdate.date_stamp`).
    """
    rules = load_rules()
    longest_rule = max(r.max_words for r in rules)
    paragraphs = paragraphs_of(normalize(body))
    removed: list[Removed] = []
    # A page that opens on a column of other articles' headlines ("most read", "in the same
    # section") before its own: the column goes, its last line (the headline) stays.
    start = _headline_column(paragraphs, settings.title_max_words)
    removed += [Removed(para, "column of other articles' headlines") for para in paragraphs[:start]]
    paragraphs = paragraphs[start:]
    kept: list[str] = []
    published: PublishedDate | None = None
    update_stamp: PublishedDate | None = None
    title: str | None = None
    fitting: int | None = None   # title_must_fit: the kept line that is the headline
    prose = False                # a line that does not read like a headline came
    seen_paragraphs: set[str] = set()
    last = len(paragraphs) - 1
    for index, para in enumerate(paragraphs):
        # A date alone on a line is a stamp at the top or the foot of an article; in the
        # middle it is content (the headings of a chronology).
        stamp = date_stamp(para, language, near) if index < _STAMP_ZONE or index >= last - 1 else None
        if stamp is not None:
            value, granularity, update_only = stamp
            removed.append(Removed(para, "date stamp"))
            if index < _STAMP_ZONE:
                if not update_only and published is None:
                    published = PublishedDate(value, granularity, "dateline")
                elif update_only and update_stamp is None:
                    update_stamp = PublishedDate(value, granularity, "dateline")
            continue
        words = para.count(" ") + 1
        rule = None if words > longest_rule else next(
            (r for r in rules if r.matches(para, language, words)), None)
        if rule is not None:
            removed.append(Removed(para, rule.reason))
            continue
        if find_title and not title_must_fit and title is None and not kept and index < 3 \
                and len(paragraphs) > 1 and looks_like_title(para, settings.title_max_words):
            title = para
            removed.append(Removed(para, "title (moved to the title field)"))
            continue
        candidate = False
        if title_must_fit and not prose:   # among the headline-like lines that open the text
            prose = not _heading(para, settings.title_max_words)
            candidate = not prose and len(kept) < 4 and _shares_words(
                para, paragraphs[index + 1:], 100, settings.title_max_words) is True
        key = _key(para)
        if key and key in seen_paragraphs and len(key.split()) >= 4:
            removed.append(Removed(para, "repeated paragraph"))
            continue
        seen_paragraphs.add(key)
        if published is None and len(kept) < 3 and (d := agency_dateline(para)):
            published = PublishedDate(d[0], d[1], "dateline")
        kept.append(para)
        if candidate:
            fitting = len(kept) - 1   # the last such line before the prose is the headline
    if fitting is not None and len(kept) > 1:
        title = kept.pop(fitting)
        removed.append(Removed(title, "title (moved to the title field)"))
    if published is None and update_stamp is not None:
        published = update_stamp

    # Sentences, and sentences repeated inside the article (a lead paragraph that comes
    # back word for word in the body, a background sentence pasted twice).
    pieces: list[list[str]] = []
    split = split_sentences if settings.sentence_splitter == "rules" else (
        lambda p: split_sentences_spacy(p, language))
    sentences_of = [[para[s:e] for s, e in split(para)] for para in kept]
    grams_of = [[_bigrams(x) for x in sents] for sents in sentences_of]
    frequency: collections.Counter[int] = collections.Counter()
    for grams_list in grams_of:
        for grams in grams_list:
            frequency.update(grams)
    repeats = _RepeatIndex(settings.repeat_similarity, frequency)
    for sents, grams_list in zip(sentences_of, grams_of):
        out: list[str] = []
        for sentence, grams in zip(sents, grams_list):
            if len(grams) + 1 >= settings.repeat_min_words and repeats.seen_or_add(grams):
                removed.append(Removed(sentence, "repeated sentence"))
                continue
            out.append(sentence)
        if out:
            pieces.append(out)

    text_parts: list[str] = []
    para_spans: list[tuple[int, int]] = []
    sent_spans: list[tuple[int, int]] = []
    pos = 0
    for sentences in pieces:
        if text_parts:
            text_parts.append("\n\n")
            pos += 2
        start = pos
        for i, sentence in enumerate(sentences):
            if i:
                text_parts.append(" ")
                pos += 1
            text_parts.append(sentence)
            sent_spans.append((pos, pos + len(sentence)))
            pos += len(sentence)
        para_spans.append((start, pos))
    return Cleaned(
        text="".join(text_parts),
        paragraphs=tuple(para_spans),
        sentences=tuple(sent_spans),
        removed=tuple(removed),
        title=title,
        published=published,
    )


class _RepeatIndex:
    """Earlier sentences of one article, found again when a new one is a near-repeat.

    A prefix filter (the classic one for Jaccard similarity joins): with tokens in one
    global order, two sets of Jaccard >= t share a token among the first n - ceil(t*n) + 1
    of either. Ordering tokens by their frequency in the article puts rare bigrams in the
    prefixes, so posting lists stay short and the cost linear in the article's length;
    the candidates found are checked exactly.
    """

    def __init__(self, threshold: float, frequency: collections.Counter[int]) -> None:
        self.threshold = threshold
        self.frequency = frequency
        self.sets: list[frozenset[int]] = []
        self.postings: dict[int, list[int]] = {}

    def _prefix(self, grams: frozenset[int]) -> list[int]:
        n = len(grams)
        size = n - math.ceil(self.threshold * n) + 1
        freq = self.frequency
        return sorted(grams, key=lambda g: (freq[g], g))[:size]

    def seen_or_add(self, grams: frozenset[int]) -> bool:
        """True if ``grams`` repeats an earlier sentence; otherwise index it and say False."""
        n = len(grams)
        prefix = self._prefix(grams)
        checked: set[int] = set()
        for g in prefix:
            for i in self.postings.get(g, ()):
                if i in checked:
                    continue
                checked.add(i)
                other = self.sets[i]
                m = len(other)
                if (n if n < m else m) < self.threshold * (m if n < m else n):
                    continue
                inter = len(grams & other)
                if inter >= self.threshold * (n + m - inter):
                    return True
        index = len(self.sets)
        self.sets.append(grams)
        for g in prefix:
            self.postings.setdefault(g, []).append(index)
        return False
