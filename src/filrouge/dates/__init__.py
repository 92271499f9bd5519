"""Temporal expressions: find them, normalise them (TimeML TIMEX3), date undated articles.

>>> [(m.text, m.value) for m in tag_dates("Il est arrivé hier soir.", "2023-09-13", "fr")]
[('hier soir', '2023-09-12TEV')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache

from ..article import Article, DateMention, PublishedDate
from ..sentences import split_sentences
from .calendar import Ref
from .grammar import available_languages, grammar
from .tagger import SINCE, Tagger, named_as_birth, named_as_start, tagger

__all__ = ["SINCE", "SINCE_OF", "DateMention", "Ref", "Tagger", "available_languages", "date_article", "infer_published",
           "named_as_birth", "named_as_start", "tag_dates", "tagger", "year_known"]

_ABSOLUTE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_YEARLESS = re.compile(r"^XXXX-(\d{2})(?:-(\d{2}))?")
_YEAR_WRITTEN = re.compile(r"\d{4}")
# SINCE and named_as_start (from the tagger): a date named as the start of what still goes on
# ("depuis 1946", "since 2019", "depuis le 15 février"). A year so named is often long before
# the text was written and no evidence of when that was (inference); a day so named is not
# what happened that day (timelines, filrouge.tell).
# The same start named by what began then ("depuis le soulèvement du 15 février", "since the
# revolt of 17 February", "depuis le début de la contestation, le 15 février"), within the
# clause: a comma or a stop before the date's own ", le" ends it ("since then, the army
# withdrew on …" names a happening).
SINCE_OF = re.compile(r"\b(?:depuis|since|desde|seit)\s[^.;:!?,]{0,60}?(?:\bdu|,\s*le|\bon|\bof|\bdel|\bvom)\s*$",
                      re.IGNORECASE)


def tag_dates(text: str, ref: str | Ref | None, language: str | None,
              sentences: Sequence[tuple[int, int]] | None = None) -> list[DateMention]:
    """The date mentions of ``text`` in ``language`` against reference date ``ref``.

    Languages without a grammar yield no mentions (see :func:`available_languages`).
    """
    if not language or language not in available_languages():
        return []
    return tagger(language).tag(text, ref, sentences)


def infer_published(mentions: Sequence[DateMention], today: dt.date | None = None,
                    lead_end: int = 0) -> PublishedDate | None:
    """A publication date for an undated text, from the dates it mentions (tagged without a
    reference), or None when they do not show when it was written.

    The latest day or month named with its year, not in the future, dates the text when
    the text names it in its lead (before offset ``lead_end``, the end of its first
    sentence: a news lead says when what it reports happened), or names another close to
    it (at most two months apart, or the same year where one has no month; a repeat
    counts) or a month without a year in its month or the two after ("mi-octobre" after
    "le 13 septembre 2023"): a report of recent events names several. It is then moved to
    a later month named without a year in a past sentence, at most two months on
    ("Mi-octobre, Lavrov s'est rendu à Pyongyang"). A lone date further on and years alone
    are most often what the text recalls (an article of 2004 whose latest date is in 1973,
    one of 2011 that names 1986). Read without their own dates, the eval sets' dated
    articles got the right year from the latest date alone (moved to any later month named
    without a year) in 30% of its guesses (ecbplus, 148 of 288 articles guessed) and 56%
    (ml-crisis-fr, 177 of 241), the right month in 16% and 24%; from this rule, the right
    year in 66% (32 guessed) and 82% (94), the right month in 62% and 70%:
    ``bench/pubdate.py``.
    The answer is at most month-precise: a text is written some time after what it reports.
    """
    today = today or dt.date.today()
    limit = (today.year, today.month, today.day)
    absolute: list[tuple[int, int, int]] = []
    in_lead: set[tuple[int, int, int]] = set()
    for m in mentions:
        if m.type != "DATE" or m.reference is not None or m.tense == "future":
            continue
        a = _ABSOLUTE.match(m.base_value)
        if not a or m.granularity not in ("day", "month", "season"):
            continue
        key = (int(a.group(1)), int(a.group(2) or 0), int(a.group(3) or 0))
        if key <= limit:
            absolute.append(key)
            if m.start < lead_end:
                in_lead.add(key)
    if not absolute:
        return None
    latest = max(absolute)
    year, month = latest[0], latest[1]
    yearless = [(int(y.group(1)), m.tense) for m in mentions
                if m.type == "DATE" and m.tense != "future" and (y := _YEARLESS.match(m.base_value))]
    close = [k for k in absolute
             if (abs(12 * (k[0] - year) + k[1] - month) <= 2 if month and k[1] else k[0] == year)]
    recent = month and any((mo - month) % 12 <= 2 for mo, _ in yearless)
    if latest not in in_lead and len(close) < 2 and not recent:
        return None
    later = [mo for mo, tense in yearless
             if tense == "past" and mo > month and (not month or mo - month <= 2) and (year, mo, 0) <= limit]
    month = max(later, default=month)
    if month:
        return PublishedDate(f"{year:04d}-{month:02d}", "month", "text", inferred=True)
    return PublishedDate(f"{year:04d}", "year", "text", inferred=True)


def year_known(article: Article, types: tuple[str, ...] = ("DATE",)) -> list[DateMention]:
    """The article's mentions of ``types`` whose year is known: all of them, unless its own
    date was guessed from its text (:func:`infer_published`: "de 1985 à 1988" dates an
    article of 2008 to 1988); then only those that name their year ("le 3 mai 2009"), not
    those resolved against the guess ("le 3 juillet" is not 1988-07-03)."""
    p = article.published
    guessed = p is not None and p.guessed
    return [m for m in article.dates if m.type in types and not (guessed and m.reference is not None)]


def _since_year(text: str, m: DateMention) -> bool:
    """Whether a mention is a year after "depuis", "since" (the start of a state)."""
    return m.granularity == "year" and named_as_start(text, m.start)


@cache
def _named_days(language: str | None) -> frozenset[str]:
    """The days ``language``'s grammar names for what happened on them once ("le
    11-Septembre", "the September 11 attacks"): whole dates in its ``holiday`` and
    ``named_day`` word lists."""
    if not language or language not in available_languages():
        return frozenset()
    words = grammar(language).words
    return frozenset(v for table in ("holiday", "named_day") for v in words.get(table, {}).values()
                     if isinstance(v, str) and _ABSOLUTE.fullmatch(v))


def _named_day(m: DateMention, language: str | None) -> bool:
    """Whether a mention is such a day named without its year: what a text recalls, never
    when it was written ("dix ans après le 11-Septembre")."""
    return m.reference is None and m.base_value in _named_days(language) and not _YEAR_WRITTEN.search(m.text)


def _evidence(text: str, m: DateMention, language: str | None) -> bool:
    """Whether a mention of ``text`` may show when it was written: not a start named by
    "depuis 1946", a birth date nor a day named for what happened on it once ("le
    11-Septembre")."""
    return not _since_year(text, m) and not named_as_birth(text, m.start) and not _named_day(m, language)


def date_article(text: str, published: PublishedDate | None, language: str | None,
                 sentences: Sequence[tuple[int, int]] | None = None,
                 removed: Sequence[str] = (),
                 ) -> tuple[PublishedDate | None, list[DateMention]]:
    """An article's date mentions, and its publication date (inferred from the text when
    it had none). ``removed`` are pieces cleaning took out (captions, credits): their
    dates count as evidence for the inference ("photo taken on 13 September 2023"), but
    they have no mentions of their own."""
    if published is not None:
        return published, tag_dates(text, published.value, language, sentences)
    mentions = tag_dates(text, None, language, sentences)
    evidence = [m for m in mentions if _evidence(text, m, language)]
    for piece in removed:
        evidence += [m for m in tag_dates(piece, None, language) if m.reference is None and _evidence(piece, m, language)]
    lead = (sentences if sentences is not None else split_sentences(text))[:1]
    inferred = infer_published(evidence, lead_end=lead[0][1] if lead else 0)
    if inferred is None:
        return None, mentions
    return inferred, tag_dates(text, inferred.value, language, sentences)
