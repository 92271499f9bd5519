"""Find temporal expressions in a text and normalise them against a reference date.

Three steps, all driven by the language's grammar (:mod:`filrouge.dates.grammar`):

1. every rule's expression is matched over the text; each match is *parsed* into fields
   (day, month, weekday, shift, unit...) and filtered (an age is not a duration);
2. overlapping matches are resolved, longest first;
3. the kept matches are *resolved* in text order: relative expressions against the reference
   (the article's date), anaphoric ones ("le lendemain", "à 22 h") against the last date
   mentioned before them, and a year or weekday is chosen by the tense of the words around.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..article import DateMention
from ..sentences import split_sentences
from .calendar import Ref, add_months, valid_day, weekday_near
from .grammar import Grammar, Rule, grammar, norm

_UNIT_GRANULARITY = {
    "S": "second", "MIN": "minute", "H": "hour", "D": "day", "W": "week", "M": "month",
    "Y": "year", "Q": "quarter", "HY": "half-year", "DE": "decade", "CE": "century", "WE": "week",
}
# A day or month named without a year, with no tense to tell, is taken in the twelve months
# that run from this many months after the article's date back: news looks back far more
# often than ahead, and a plan most often says so ("prévu le", a future tense). The nearest
# date (six months either way) put a year's review (15 March, named on 22 December) and a
# look back to the winter (11 February, named on 22 August) in the year to come.
AHEAD_MONTHS = 2.0
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_NEXT_WORD = re.compile(r"\s*([\w'’%-]+)")
_DAY_BEFORE = re.compile(r"(?<!\d)(\d{1,2})(?:er|\.)?(?:\s+de)?[\s-]+$")   # a day number right before a month
_DAY_MONTH_BEFORE = re.compile(r"(?<!\d)(\d{1,2})(?:er|\.)?(?:\s+de)?[\s-]+([^\W\d_]+\.?)(?:\s+de)?[\s-]+$")   # and a day and month before a year
_BLOCK = re.compile(r"[^\n]+")
_TENSE_REACH = 50  # characters: a verb further away usually belongs to another clause
_CLAUSE_PENALTY = 20  # characters added to a clue's distance past a comma
# A conjunction between two clauses ("arrived on Monday and will leave on Thursday").
_CONJUNCTION = r"\b(?:and|but|et|mais|und|aber|y|pero)\b"
_COORDINATION = re.compile(_CONJUNCTION, re.IGNORECASE)
_LATE_DAYS = 3  # a day this close past the reference in a past sentence is this year's (an update)
# The words before a date named as the start of what still goes on ("depuis 1946", "since
# 2019", "depuis le 15 février"), to search for just before the mention: such a start is
# past ("depuis janvier" in November is this January, not the next).
SINCE = re.compile(r"\b(?:depuis|since|desde|seit)\s+(?:(?:le|l'|en|in|the|el|dem|den)\s*)?$", re.IGNORECASE)


def named_as_start(text: str, start: int, lo: int = 0) -> bool:
    """Whether the mention at ``start`` follows "depuis", "since"… (:data:`SINCE`), looking
    no further back than ``lo``."""
    return SINCE.search(text, max(lo, start - 16), start) is not None

# The words before a birth date ("was born on April 22, 1923", "née le 3 mai 1950", "geboren am",
# "nació el"), in its sentence: a life's start, never when a report was written nor what it reports.
BORN = re.compile(r"\b(?:born|née?s?|naissance|geboren|geb\.|nacid[oa]s?|naci[óo])\b"
                  rf"(?:(?!{_CONJUNCTION})[^.;!?]){{0,60}}$", re.IGNORECASE)


def named_as_birth(text: str, start: int) -> bool:
    """Whether the mention at ``start`` is a birth date (:data:`BORN` before it)."""
    return BORN.search(text, max(0, start - 80), start) is not None


_CLOCK_VALUE = re.compile(r"^(?:\d{4}|XXXX)-(?:\d\d|XX)-(?:\d\d|XX)(T\d\d:\d\d)$")
_DAY_VALUE = re.compile(r"^(?:\d{4}|XXXX)-\d\d-\d\d$")


def _clock_before_day(text: str, out: list[DateMention]) -> list[DateMention]:
    """A clock time right before the day it is on ("around 3 a.m. Sunday", "at 10 p.m.
    Tuesday, police said") is that day's, not the day named before it (or the reference)."""
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        clock = _CLOCK_VALUE.match(a.value) if a.type == "TIME" else None
        if clock and b.type == "DATE" and _DAY_VALUE.match(b.value) and text[a.end:b.start].strip(" ,") == "" \
                and b.start - a.end <= 3:
            out[i] = replace(a, value=b.value + clock.group(1), reference=b.value)
    return out


_MONTH_SEASON_SPAN = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


@dataclass
class _Match:
    start: int
    end: int
    rule: Rule
    fields: dict[str, Any]
    spans: dict[str, tuple[int, int]]
    texts: dict[str, str]
    whole: tuple[int, int] = (0, 0)  # the whole match, context words included


@dataclass
class _Context:
    ref: Ref | None
    anchor: Ref | None  # the last day-precise date mentioned so far
    tense: str | None


Result = tuple[str, str, str, str | None, str | None]  # type, value, granularity, mod, reference
# What may stand between a recurrence and its hour: "chaque matin à 8 heures", "every day at 9".
_RECURRING_AT = re.compile(r"[\s,]*(?:à|a|at|um|vers|towards|around|gegen|hacia|sobre)?\s*", re.IGNORECASE)


def _roman(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    total, prev = 0, 0
    for ch in reversed(text.upper()):
        v = _ROMAN.get(ch)
        if v is None:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _year(text: str) -> int:
    t = text.lstrip("'’")
    y = int(t)
    if len(t) == 2:
        y += 1900 if y >= 30 else 2000
    return y


def _num(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


class Tagger:
    """The temporal tagger for one language; ``tag`` is the one method to call."""

    def __init__(self, language: str) -> None:
        self.g: Grammar = grammar(language)
        self.language = language
        # The last text's matches and tense clues, which do not depend on the reference
        # date: an undated article is tagged twice, to infer its date and then against it.
        self._last: tuple[str, list[_Match], dict[tuple[int, int], list[tuple[int, int, str]]]] | None = None
        # The words before a day and month that make them a place's name (``place_before``),
        # the word before them as group 1, and the month-days of the lexicon's fixed feasts.
        places = self.g.filters.get("place_before")
        self._place = re.compile(r"(?:^|[^\w'])(?:(\w+)\s+)?(" + "|".join(map(re.escape, sorted(places, key=len, reverse=True)))
                                 + r")$") if places else None
        self._fixed_feasts = frozenset(v for v in self.g.words.get("holiday", {}).values() if len(v) == 5)

    # -- 1. matching and parsing ------------------------------------------------------------
    def _parse(self, text: str, m: re.Match[str], rule: Rule) -> _Match | None:
        g = self.g
        fields: dict[str, Any] = {}
        spans: dict[str, tuple[int, int]] = {}
        texts: dict[str, str] = {}
        for name, table in rule.groups.items():
            s = m.group(name)
            if s is None:
                continue
            spans.setdefault(name.split("__")[0], m.span(name))
            texts.setdefault(name.split("__")[0], s)
            if table in ("day", "mnum", "hour", "minute", "year4"):
                v: Any = int(re.match(r"\d+", s).group())  # type: ignore[union-attr]
            elif table in ("year", "yearw"):
                v = _year(s)
            elif table == "decade":
                v = s
            elif table == "century":
                v = _roman(s)
            elif table == "num":
                v = g.number(s)
            else:
                v = g.meaning(table, s)
            if v is None:
                return None
            key = table if name == "x" else name.split("__")[0]
            fields.setdefault(key, v)
            if name == "x":
                fields["x"] = v
        start, end = m.span()
        for name, s in m.groupdict().items():  # literal groups of the pattern: (?P<x>...), ampm
            if s is not None and name not in rule.groups:
                spans[name] = m.span(name)
                texts[name] = s
        if "x" in spans:
            start, end = spans["x"]
        pm = _Match(start, end, rule, fields, spans, texts, m.span())
        return pm if self._acceptable(text, m, pm) else None

    def _next_word(self, text: str, pos: int) -> str:
        m = _NEXT_WORD.match(text, pos)
        return norm(m.group(1)) if m else ""

    def _before(self, text: str, pos: int, n: int = 30) -> str:
        return norm(text[max(0, pos - n):pos])

    def _acceptable(self, text: str, m: re.Match[str], pm: _Match) -> bool:
        f, kind, filters = pm.fields, pm.rule.kind, self.g.filters
        after = self._next_word(text, m.end())
        if "weekday" in f and after in filters.get("weekday_not_before", ()):
            return False
        if kind == "year":
            nxt = text[m.end():m.end() + 2].strip()[:1]
            if after in filters.get("year_not_before", ()) or (nxt and nxt in "%€$"):
                return False
            if re.search(r"(?:\d[  .]?|n°\s?|no\s|[a-z]-)$", text[max(0, m.start() - 3):m.start()], re.IGNORECASE):
                return False
        if kind in ("date", "day_range") and "day" in f:
            month = f.get("month") or f.get("month_abbr") or f.get("mnum")
            if month and not valid_day(f.get("year", 2000), month, f["day"]):
                return False
        if "month" in f and "day" not in f and "year" not in f:
            word = pm.texts.get("month", "")
            if norm(word) in filters.get("name_if_capitalised", ()) and word[:1].isupper():
                prev = text[:m.start()].rstrip()
                if prev and prev[-1] not in ".!?«\"\n:":
                    return False
            if norm(word) in filters.get("month_if_capitalised", ()):
                if not word[:1].isupper():
                    return False   # "it may be", "the march on Tuesday"
                prev = re.search(r"(\w+)\W*$", text[max(0, m.start() - 30):m.start()])
                if prev and prev.group(1)[:1].isupper() and norm(prev.group(1)) not in filters.get("month_after", ()):
                    return False   # "Theresa May", "Mrs May"
        if kind in ("date", "day_range", "holiday") and self._names_place(text, pm.start, f):
            return False
        if "day" not in f and ("month" in f or kind == "year"):
            # the rest of "la rue du 4 Septembre", "l'avenue du 8 mai 1945"
            day = _DAY_BEFORE.search(text, max(0, m.start() - 8), m.start())
            month = f.get("month")
            if day is None and kind == "year":
                day = _DAY_MONTH_BEFORE.search(text, max(0, m.start() - 25), m.start())
                month = self.g.meaning("month", day.group(2)) if day else None
            if day and isinstance(month, int) and self._names_place(text, day.start(), {"day": int(day.group(1)), "month": month}):
                return False
        if kind == "holiday":
            word = pm.texts.get("holiday", "")
            before = self._before(text, pm.start, 20)
            if any(re.search(rf"(?:^|[^\w]){re.escape(w)}$", before.rstrip()) for w in filters.get("holiday_not_after", ())) \
                    or self._next_word(text, m.end()) in filters.get("holiday_not_before", ()):
                return False   # "le père Noël", "un sapin de Noël", "Christmas tree": things, not days
            name = re.split(r"['’]", word)[-1]   # "l'Ascension": the feast's own word
            if norm(word) in filters.get("holiday_if_capitalised", ()) and not name[:1].isupper():
                return False
        if kind == "period" and "shift" not in f and "this" not in f and "mod" not in f and not m.group().endswith("-ci"):
            return False
        if "frequency" in f:
            prev = re.search(r"(\w+'?)\s*$", self._before(text, pm.start, 15))
            if prev and prev.group(1) in filters.get("frequency_not_after", ()):
                return False
        if kind in ("duration", "ago", "in") and f.get("unit") == "Y":
            before = self._before(text, pm.start)
            if re.search(r"(?:\d-|\bles moins de|\bles plus de|\bthe under|\bthe over)\s*$", before):
                return False  # an age group: "les 6-16 ans", "les moins de 17 ans"
            if any(re.search(rf"(?:^|\s|'){re.escape(a)}$", before) for a in filters.get("age_before", ())):
                return False
            if re.search(r"\bde\s+\d+\s+(?:à|a|to)\s*$", before) or re.search(r"\bfrom\s+\d+\s+to\s*$", before):
                return False
            prev = text[:pm.start].rstrip()[-1:]
            nxt = text[m.end():].lstrip()[:1]
            if prev in ",(" and nxt in ",)" and kind == "duration":
                return False
            if kind == "duration" and self._after_person(before):
                return False
        if kind == "in" and filters.get("in_looks_back_after"):
            # "the first visit in 24 years", "no rain in three weeks": the time since, not a
            # date to come (the words in reach of the same clause).
            words = re.split(r"[.;:!?,]", self._before(text, pm.start, 60))[-1].split()[-5:]
            for k, w in enumerate(words):
                between = words[k + 1:]
                if w in filters["in_looks_back_after"] and not any(
                        b in filters.get("in_ahead_after", ()) for b in between):
                    f["looks_back"] = True   # no verb of a plan between ("the first results are expected in")
                    break
        if kind == "duration" and "approx" in f and re.search(r"\bles\s*$", self._before(text, pm.start, 10)):
            return False
        if kind == "duration" and f.get("num") == 1 and "approx" not in f and "shift" not in f:
            word = norm(pm.texts.get("num", ""))
            if not re.fullmatch(r"\d+", word):
                before = self._before(text, pm.start, 20)
                tail = self._next_word(text, m.end())
                if not any(re.search(rf"(?:^|\s|'){re.escape(w)}$", before) for w in filters.get("duration_before", ())) \
                        and tail not in ("plus", "après", "apres", "avant", "auparavant", "later", "earlier", "before", "after"):
                    return False
        if kind == "time" and "minute" not in f and "hour" in f and not pm.texts.get("x") \
                and not pm.texts.get("ampm"):
            # "3 h" alone is common for durations and scores; a clock time needs a preposition,
            # a date just before, or a round hour that reads as a time of day.
            before = self._before(text, m.start(), 12)
            if not re.search(r"(?:^|\s)(?:à|a|vers|dès|de|jusqu'à|avant|après|et|at|by|from|to|until|around|before|after|,|;|:)$", before):
                return False
        return True

    def _names_place(self, text: str, start: int, f: dict[str, Any]) -> bool:
        """Whether the day and month at ``start`` (``f``: their fields) name a street, a square
        or a bridge ("la rue du 4-Septembre", "le pont du 6 Octobre" in Cairo, "la Avenida 9 de
        Julio"): a place word right before them (``place_before``), not itself after one of
        ``place_not_after`` ("la mise en place du 1er janvier"). A long weekend is a date: "le
        pont du 15 août", a bridge word (``bridge_before``) before a fixed feast of the lexicon."""
        if self._place is None:
            return False
        filters = self.g.filters
        hit = self._place.search(self._before(text, start, 40).rstrip())
        if hit is None or (hit.group(1) or "") in filters.get("place_not_after", ()):
            return False
        if hit.group(2) in filters.get("bridge_before", ()):
            month = f.get("month") or f.get("month_abbr") or f.get("mnum")
            day = f"{month:02d}-{f['day']:02d}" if isinstance(month, int) and "day" in f else None
            if f.get("holiday") is not None or day in self._fixed_feasts:
                return False
        return True

    def _after_person(self, before: str) -> bool:
        """Whether "de N ans" follows a word for a person (an age, not a duration)."""
        m = re.search(r"(\w+)(?:\s+(\w+))?\s+de$", before)
        if not m:
            return False
        filters = self.g.filters
        words = [w for w in m.groups() if w]
        if any(w in filters.get("not_person_words", ()) for w in words):
            return False
        for w in words:
            if w in filters.get("person_words", ()):
                return True
        head = words[-1]
        return len(head) > 4 and any(head.endswith(s) for s in filters.get("person_suffixes", ())) \
            and not head.endswith("ment")

    def _candidates(self, text: str) -> list[_Match]:
        found: list[_Match] = []
        # paragraph by paragraph: each one runs only the rules whose words it has
        for block in _BLOCK.finditer(text):
            start, end = block.span()
            present = self.g.present(text, start, end)
            for rule in self.g.rules:
                if not rule.needs <= present:
                    continue
                if rule.requires is not None and not rule.requires.search(text, start, end):
                    continue
                for m in rule.regex.finditer(text, start, end):
                    pm = self._parse(text, m, rule)
                    if pm is not None:
                        found.append(pm)
        return found

    @staticmethod
    def _select(cands: list[_Match]) -> list[_Match]:
        cands.sort(key=lambda c: (-(c.whole[1] - c.whole[0]), -(c.end - c.start), c.rule.index, c.start))
        taken = bytearray(max((c.whole[1] for c in cands), default=0) + 1)
        kept: list[_Match] = []
        for c in cands:
            if any(taken[c.start:c.end]):
                continue
            s, e = c.whole if c.rule.kind == "day_range" else (c.start, c.end)
            taken[s:e] = b"\x01" * (e - s)
            kept.append(c)
        kept.sort(key=lambda c: c.start)
        return kept

    # -- tense --------------------------------------------------------------------------------
    def _clues(self, sentence: str) -> list[tuple[int, int, str]]:
        """The tense clues of a sentence: (start, end, tense)."""
        out = []
        for tense, patterns in (("past", self.g.past), ("future", self.g.future),
                                ("past_weak", self.g.past_weak), ("future_weak", self.g.future_weak),
                                ("future_before", self.g.future_before)):
            for p in patterns:
                for m in p.finditer(sentence):
                    if tense == "future" and norm(m.group()) in self.g.not_future:
                        continue
                    out.append((m.start(), m.end(), tense))
        # A past form inside a future clue is part of it: the participle of "will be signed",
        # "scheduled" (a future word, and an English -ed form).
        futures = [(a, b) for a, b, t in out if t in ("future", "future_before")]
        return [c for c in out if not (c[2].startswith("past") and any(a <= c[0] and c[1] <= b for a, b in futures))]

    @staticmethod
    def _tense_at(clues: list[tuple[int, int, str]], offset: int, span: tuple[int, int], sentence: str = "") -> str | None:
        """The tense of the nearest clue within reach of the mention (None: present or unknown).
        A weak future clue ("dès") counts only where no other clue is in reach:
        "avait commencé dès la mi-avril" is past."""
        best: tuple[bool, int, str] | None = None
        s0, s1 = span[0] - offset, span[1] - offset
        for start, end, tense in clues:
            if start < s1 and end > s0:
                continue  # inside the mention itself
            if tense == "future_before":
                if start >= s1:
                    continue   # after the mention: another clause's verb
                tense = "future"
            d = min(abs(start - s0), abs(end - s1))
            # A clue past a comma on the far side of the mention is likely another clause's:
            # "the strike, which started on Monday, will last until Thursday".
            between = sentence[end:s0] if end <= s0 else sentence[s1:start] if start >= s1 else ""
            # And a clue after a conjunction that follows the mention ("arrived on Monday and
            # will leave"); not one before it, whose auxiliary the second conjunct shares ("ont
            # été tuées et 50 autres blessées jeudi").
            if "," in between or start >= s1 and _COORDINATION.search(between):
                d += _CLAUSE_PENALTY
            rank = (tense == "future_weak", d)
            if d <= _TENSE_REACH and (best is None or rank < best[:2]):
                best = (*rank, tense)
        if best is None:
            return None
        return "future" if best[2] == "future_weak" else best[2]

    # -- 3. resolution ------------------------------------------------------------------------
    def tag(self, text: str, ref: Ref | str | None = None,
            sentences: Sequence[tuple[int, int]] | None = None) -> list[DateMention]:
        """The date mentions of ``text``, resolved against ``ref`` (a date string or Ref)."""
        if isinstance(ref, str) or ref is None:
            ref = Ref.parse(ref) if ref else None
        last = self._last
        if last is not None and last[0] == text:
            _, kept, clues = last
        else:
            kept, clues = self._select(self._candidates(text)), {}
            self._last = (text, kept, clues)
        if not kept:
            return []
        if sentences is None:
            sentences = split_sentences(text)
        ctx = _Context(ref=ref, anchor=ref if ref and ref.day else None, tense=None)
        out: list[DateMention] = []
        si = 0
        for c in kept:
            while si < len(sentences) - 1 and sentences[si][1] <= c.start:
                si += 1
            s0, s1 = sentences[si] if sentences else (0, len(text))
            if (s0, s1) not in clues:
                clues[s0, s1] = self._clues(text[s0:s1])
            ctx.tense = self._tense_at(clues[s0, s1], s0, (c.start, c.end), text[s0:s1])
            if named_as_start(text, c.start):
                ctx.tense = "past"   # "depuis janvier", "since Monday": a start, so a past one
            handler: Callable[[_Match, _Context], Any] = getattr(self, "_r_" + c.rule.kind)
            results = handler(c, ctx)
            if results is None:
                continue
            if c.rule.kind == "time" and out and out[-1].type == "SET" and _RECURRING_AT.fullmatch(text[out[-1].end:c.start]):
                # "chaque matin à 8 heures", "every Monday at 10": the hour of a recurrence,
                # not a point in time on the last day named
                typ, value, gran, mod, _ = results
                results = ("SET", "XXXX-XX-XXT" + value.split("T", 1)[1], gran, mod, None)
            if not isinstance(results, list):
                results = [(c.start, c.end, results)]
            for start, end, (typ, value, gran, mod, reference) in results:
                if mod in ("START", "MID", "END") and not value.endswith("-" + mod):
                    value = f"{value}-{mod}"
                tense = "past" if ctx.tense == "past_weak" else ctx.tense
                out.append(DateMention(text[start:end], start, end, typ, value, gran, mod, reference, tense))
                if typ in ("DATE", "TIME") and re.match(r"\d{4}-\d\d-\d\d", value):
                    ctx.anchor = Ref.parse(value[:10])
        return _clock_before_day(text, out)

    # year and weekday choice --------------------------------------------------------------
    @staticmethod
    def _direction(f: dict[str, Any], tense: str | None) -> str | None:
        shift = f.get("shift", f.get("shift2"))
        if shift == -1:
            return "past"
        if shift == 1:
            return "future"
        return None if tense == "past_weak" else tense

    @staticmethod
    def _pick_year(ref: Ref, month: int, day: int | None, direction: str | None) -> int:
        if ref.month is None:
            return ref.year
        if day is None or ref.day is None:
            key, rkey = (month, 0), (ref.month, 0)
        else:
            key, rkey = (month, day), (ref.month, ref.day)
            # A day a few days on the wrong side of the reference for the tense is a late
            # update or a report filed late ("- 4 mars : 19 morts" in a page of 3 March), not
            # a year away.
            # Within the reference's year only: "le 2 janvier" in a review of 31 December is
            # that year's January.
            if direction in ("past", "future") and valid_day(ref.year, month, day):
                late = (dt.date(ref.year, month, day) - ref.date).days
                if 0 < (late if direction == "past" else -late) <= _LATE_DAYS:
                    return ref.year
        if direction == "past":
            return ref.year if key <= rkey else ref.year - 1
        if direction == "future":
            return ref.year if key >= rkey else ref.year + 1
        diff = (month - ref.month) + ((day or 15) - (ref.day or 15)) / 31
        if diff > AHEAD_MONTHS:
            return ref.year - 1
        if diff < AHEAD_MONTHS - 12:
            return ref.year + 1
        return ref.year

    def _r_date(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        month = f.get("month") or f.get("month_abbr") or f.get("mnum")
        day = f["day"]
        if "year" in f or "year4" in f:
            y = f.get("year", f.get("year4"))
            return "DATE", f"{y:04d}-{month:02d}-{day:02d}", "day", None, None
        if ctx.ref is None:
            return "DATE", f"XXXX-{month:02d}-{day:02d}", "day", None, None
        direction = self._direction(f, ctx.tense)
        y = self._pick_year(ctx.ref, month, day, direction)
        if "weekday" in f:  # "jeudi 16 septembre": the year whose 16 September is a Thursday
            fits = [c for c in (y, y - 1, y + 1) if valid_day(c, month, day)
                    and dt.date(c, month, day).isoweekday() == f["weekday"]]
            if fits:
                y = fits[0]
        if f.get("shift") == -1 and ctx.ref.month and (month, day) >= (ctx.ref.month, ctx.ref.day or 32):
            y = min(y, ctx.ref.year - 1)
        if not valid_day(y, month, day):  # 29 February of a year that has none
            return "DATE", f"{y:04d}-{month:02d}", "month", None, ctx.ref.value
        return "DATE", f"{y:04d}-{month:02d}-{day:02d}", "day", None, ctx.ref.value

    def _r_day_range(self, c: _Match, ctx: _Context) -> list[tuple[int, int, Result]]:
        f = dict(c.fields)
        second = self._r_date(_Match(c.start, c.end, c.rule, {**f, "day": f["day2"]}, {}, {}), ctx)
        s2, end2 = c.spans["day2"][0], max(e for _, e in c.spans.values())
        out = [(s2, end2, second)]
        d1 = f.get("d1", f.get("x"))
        if isinstance(d1, int) and valid_day(2000, f["month"], d1):
            first = self._r_date(_Match(c.start, c.end, c.rule, {**f, "day": d1}, {}, {}), ctx)
            out.insert(0, (c.start, c.end, first))
        return out

    def _r_month(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        month, mod = f["month"], f.get("mod")
        if "year" in f:
            return "DATE", f"{f['year']:04d}-{month:02d}", "month", mod, None
        if ctx.ref is None:
            return "DATE", f"XXXX-{month:02d}", "month", mod, None
        y = self._pick_year(ctx.ref, month, None, self._direction(f, ctx.tense))
        shift = f.get("shift")
        if ctx.ref.month == month and shift in (-1, 1):
            y = ctx.ref.year + shift
        return "DATE", f"{y:04d}-{month:02d}", "month", mod, ctx.ref.value

    def _r_year(self, c: _Match, ctx: _Context) -> Result:
        return "DATE", f"{c.fields['year4']:04d}", "year", c.fields.get("mod"), None

    def _r_decade(self, c: _Match, ctx: _Context) -> Result:
        d = c.fields["decade"]
        if len(d) == 2:
            d = ("20" if d in ("00", "10") else "19") + d
        return "DATE", d[:3], "decade", c.fields.get("mod"), None

    def _r_century(self, c: _Match, ctx: _Context) -> Result | None:
        n = c.fields["century"]
        if not n or n > 21:
            return None
        return "DATE", f"{n - 1:02d}", "century", None, None

    def _r_season(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        season = f["season"]
        mod = f.get("mod")
        if "year" in f:
            return "DATE", f"{f['year']:04d}-{season}", "season", mod, None
        ref = ctx.ref
        shift = f.get("shift")
        if ref is None or ref.month is None or (c.rule.params.get("generic") and ctx.tense is None and shift is None):
            return "DATE", f"XXXX-{season}", "season", mod, None
        r = ref.year * 12 + ref.month
        lo, hi = _MONTH_SEASON_SPAN[season]
        occ = [(y, y * 12 + lo, y * 12 + hi) for y in (ref.year - 2, ref.year - 1, ref.year, ref.year + 1)]
        containing = [o for o in occ if o[1] <= r <= o[2]]
        past = [o for o in occ if o[2] < r]
        future = [o for o in occ if o[1] > r]
        direction = self._direction(f, ctx.tense)
        if shift == -1:
            pick = past[-1]
        elif shift == 1:
            pick = future[0]
        elif containing:
            pick = containing[0]
        elif "this" in f:
            pick = next(o for o in occ if o[0] == ref.year)
        elif direction == "past":
            pick = past[-1]
        elif direction == "future":
            pick = future[0]
        else:
            pick = min(past[-1:] + future[:1], key=lambda o: min(abs(o[1] - r), abs(o[2] - r)))
        return "DATE", f"{pick[0]:04d}-{season}", "season", mod, ref.value

    def _weekday(self, wd: int, f: dict[str, Any], ctx: _Context) -> tuple[str, str, str | None]:
        """(value, granularity, reference) of a weekday."""
        ref = ctx.ref
        if ref is None:
            return f"XXXX-WXX-{wd}", "day", None
        if ref.date is None:
            return ref.value, ref.granularity, ref.value
        shift = f.get("shift", f.get("shift2"))
        if shift == -1:
            direction = "strict_past"
        elif shift == 1:
            direction = "strict_future"
        elif "this" in f:
            direction = "week"
        elif ctx.anchor is not None and ctx.anchor != ref and ctx.anchor.date and ctx.anchor.date.isoweekday() == wd:
            return ctx.anchor.value, "day", ctx.anchor.value  # "samedi 29 mai ... samedi à 8 h"
        else:
            direction = {"past": "past", "past_weak": "past", "future": "future"}.get(ctx.tense or "", "near")
        return weekday_near(ref.date, wd, direction).isoformat(), "day", ref.value

    def _r_weekday(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        value, gran, reference = self._weekday(f["weekday"], f, ctx)
        part = f.get("part", f.get("part2"))
        if part and gran == "day":
            return "TIME", f"{value}T{part}", "daypart", None, reference
        return "DATE", value, gran, None, reference

    def _r_weekday_day(self, c: _Match, ctx: _Context) -> Result | None:
        f = c.fields
        wd, day = f["weekday"], f["day"]
        ref = ctx.ref
        if ref is None or ref.date is None:
            return "DATE", f"XXXX-XX-{day:02d}", "day", None, ref.value if ref else None
        best = None
        for k in range(-3, 4):
            y, mo = add_months(ref.year, ref.month or 1, k)
            if valid_day(y, mo, day) and dt.date(y, mo, day).isoweekday() == wd:
                d = dt.date(y, mo, day)
                if best is None or abs((d - ref.date).days) < abs((best - ref.date).days):
                    best = d
        if best is None:
            return None
        return "DATE", best.isoformat(), "day", None, ref.value

    def _r_night(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        value, gran, reference = self._weekday(f["weekday"], f, ctx)
        if gran == "day":
            return "TIME", f"{value}TNI", "daypart", None, reference
        return "TIME", value, gran, None, reference

    def _r_night_to(self, c: _Match, ctx: _Context) -> Result:
        """"in der Nacht zum Sonntag": the night before that day, the day before's night."""
        value, gran, reference = self._weekday(c.fields["weekday"], c.fields, ctx)
        if gran == "day":
            eve = dt.date.fromisoformat(value) - dt.timedelta(days=1)
            return "TIME", f"{eve.isoformat()}TNI", "daypart", None, reference
        return "TIME", value, gran, None, reference

    def _relative_day(self, base: Ref | None, offset: int, part: str | None) -> tuple[str, str, str, str | None]:
        if base is None:
            v, gran = "XXXX-XX-XX", "day"
        else:
            shifted = base.shift_days(offset)
            v, gran = shifted.value, shifted.granularity
        if part and gran == "day":
            return "TIME", f"{v}T{part}", "daypart", base.value if base else None
        return "DATE", v, gran, base.value if base else None

    def _r_relday(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        offset = f.get("relday", 0)
        if (norm(c.texts.get("relday", "")) in self.g.filters.get("present_if_untensed", ())
                and "part" not in f and ctx.tense is None):
            return "TIME", "PRESENT_REF", "vague", None, ctx.ref.value if ctx.ref else None
        typ, v, gran, reference = self._relative_day(ctx.ref, offset, f.get("part"))
        return typ, v, gran, None, reference

    def _r_relday_part(self, c: _Match, ctx: _Context) -> Result:
        word = norm(c.texts.get("relday_part", ""))
        offset = -1 if word in self.g.filters.get("relday_part_before", ()) else 0   # "last night", "anoche"
        typ, v, gran, reference = self._relative_day(ctx.ref, offset, c.fields["relday_part"])
        return typ, v, gran, None, reference

    def _r_anaday(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        offset = f.get("anaday", f.get("same_day", 0))
        base = ctx.anchor or ctx.ref
        typ, v, gran, reference = self._relative_day(base, offset, f.get("part"))
        return typ, v, gran, None, reference

    def _r_period(self, c: _Match, ctx: _Context) -> Result | None:
        r = self._period(c, ctx)
        if r is None or not c.fields.get("mod"):
            return r
        return r[0], r[1], r[2], c.fields["mod"], r[4]

    def _period(self, c: _Match, ctx: _Context) -> Result | None:
        f = c.fields
        unit = f["period"]
        s = f.get("shift", f.get("shift2", 0)) or 0
        ref = ctx.ref
        if ref is None:
            return None
        gran = _UNIT_GRANULARITY[unit]
        if unit == "Y":
            return "DATE", f"{ref.year + s:04d}", "year", None, ref.value
        if unit == "DE":
            return "DATE", f"{(ref.year // 10 + s):03d}", "decade", None, ref.value
        if unit == "CE":
            return "DATE", f"{(ref.year // 100 + s):02d}", "century", None, ref.value
        if ref.month is None:
            return "DATE", ref.value, ref.granularity, None, ref.value
        if unit == "M":
            y, m = add_months(ref.year, ref.month, s)
            return "DATE", f"{y:04d}-{m:02d}", "month", None, ref.value
        if unit == "Q":
            q = (ref.year * 4 + (ref.month - 1) // 3) + s
            return "DATE", f"{q // 4:04d}-Q{q % 4 + 1}", "quarter", None, ref.value
        if ref.date is None:
            return "DATE", ref.value, ref.granularity, None, ref.value
        d = ref.date
        if unit == "WE":
            if s == 0:
                direction = ctx.tense
                if direction == "past" and d.isoweekday() < 6:
                    s = -1
            elif s == 1 and d.isoweekday() < 6:
                s = 0
            y, w, _ = (d + dt.timedelta(weeks=s)).isocalendar()
            return "DATE", f"{y:04d}-W{w:02d}-WE", "week", None, ref.value
        y, w, _ = (d + dt.timedelta(weeks=s)).isocalendar()
        return "DATE", f"{y:04d}-W{w:02d}", gran, None, ref.value

    def _offset(self, c: _Match, ctx: _Context, sign: int) -> Result | None:
        f = c.fields
        n, unit = f["num"], f["unit"]
        ref = ctx.ref
        if ref is None:
            return None
        if n == "X":
            return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", "vague", None, ref.value
        n = float(n) + (f.get("half") or 0)
        months = {"M": n, "Y": 12 * n, "Q": 3 * n, "HY": 6 * n, "DE": 120 * n}.get(unit)
        if months is not None:
            if not float(months).is_integer():
                months = round(months)
            shifted = ref.shift_months(int(sign * months))
            if unit in ("Y", "DE") and float(n).is_integer():
                return "DATE", f"{ref.year + sign * int(months) // 12:04d}", "year", None, ref.value
            if shifted.month is None:
                return "DATE", shifted.value, shifted.granularity, None, ref.value
            return "DATE", f"{shifted.year:04d}-{shifted.month:02d}", "month", None, ref.value
        days = {"D": n, "W": 7 * n}.get(unit)
        if days is not None:
            shifted = ref.shift_days(int(sign * round(days)))
            return "DATE", shifted.value, shifted.granularity, None, ref.value
        return "DATE", ref.value, ref.granularity, None, ref.value  # hours ago: today

    def _r_ago(self, c: _Match, ctx: _Context) -> Result | None:
        return self._offset(c, ctx, -1)

    def _r_in(self, c: _Match, ctx: _Context) -> Result | None:
        if c.fields.get("looks_back"):
            return self._r_duration(c, ctx)
        return self._offset(c, ctx, 1)

    @staticmethod
    def _duration(n: Any, unit: str, half: float = 0) -> str:
        if n == "X":
            return {"S": "PTXS", "MIN": "PTXM", "H": "PTXH"}.get(unit, f"PX{ {'Q': 'M', 'HY': 'M', 'DE': 'DE', 'CE': 'CE'}.get(unit, unit)}")
        n = float(n) + half
        if unit in ("Q", "HY", "DE", "CE"):
            n, unit = n * {"Q": 3, "HY": 6, "DE": 10, "CE": 100}[unit], {"Q": "M", "HY": "M", "DE": "Y", "CE": "Y"}[unit]
        if not float(n).is_integer():
            if unit == "Y":
                n, unit = n * 12, "M"
            elif unit == "H":
                n, unit = n * 60, "MIN"
            elif unit == "D":
                n, unit = n * 24, "H"
        if unit in ("H", "MIN", "S"):
            return f"PT{_num(n)}{'M' if unit == 'MIN' else unit}"
        return f"P{_num(n)}{unit}"

    def _r_duration(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        n = f.get("num", f.get("num2", "X"))  # "des années": some years
        value = self._duration(n, f["unit"], f.get("half") or 0)
        return "DURATION", value, duration_granularity(value), f.get("approx") or None, None

    def _r_term(self, c: _Match, ctx: _Context) -> Result:
        value = c.fields["term"]
        return "DURATION", value, duration_granularity(value), None, None

    def _r_set(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        n = f.get("num", 1)
        if "weekdays" in f or "weekday" in f:
            return "SET", f"XXXX-WXX-{f.get('weekdays', f.get('weekday'))}", "day", None, None
        if "part" in f:
            return "SET", f"XXXX-XX-XXT{f['part']}", "daypart", None, None
        if "month" in f:
            return "SET", f"XXXX-{f['month']:02d}", "month", None, None
        if "season" in f:
            return "SET", f"XXXX-{f['season']}", "season", None, None
        if "frequency" in f:
            unit = f["frequency"]
            return "SET", "P0.5M" if unit == "HM" else self._duration(1, unit), _UNIT_GRANULARITY.get(unit, "day"), None, None
        unit = f["unit"]
        return "SET", self._duration(n, unit), _UNIT_GRANULARITY[unit], None, None

    def _r_time(self, c: _Match, ctx: _Context) -> Result | None:
        f = c.fields
        x = norm(c.texts.get("x", ""))
        if x in ("midi", "noon", "mittag"):
            h, mi = 12, 0
        elif x in ("minuit", "midnight", "mitternacht"):
            h, mi = 24, 0
        else:
            h, mi = f.get("hour"), f.get("minute", 0)
            if h is None or h > 24:
                return None
            ampm = (c.texts.get("ampm") or "").lower().replace(".", "")
            if ampm == "pm" and h < 12:
                h += 12
            elif ampm == "am" and h == 12:
                h = 0
        base = ctx.anchor or ctx.ref
        mod = f.get("approx") or None
        if base is not None and base.day:
            return "TIME", f"{base.value}T{h:02d}:{mi:02d}", "minute", mod, base.value
        return "TIME", f"XXXX-XX-XXT{h:02d}:{mi:02d}", "minute", mod, base.value if base else None

    def _r_daypart(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        typ, v, gran, reference = self._relative_day(ctx.anchor or ctx.ref, 0, f["part"])
        return typ, v, gran, f.get("mod"), reference

    def _r_holiday(self, c: _Match, ctx: _Context) -> Result:
        f = c.fields
        code: str = f["holiday"]
        if len(code) == 10:   # a day named for what happened on it once ("le 11-Septembre")
            return "DATE", code, "day", None, None
        year = f.get("year")
        if year is None:
            if ctx.ref is None:
                if code.startswith("E"):
                    return "DATE", "XXXX-XX-XX", "day", None, None
                return "DATE", f"XXXX-{code}", "day", None, None
            if code.startswith("E"):
                # this year's feast gives the month and day that choose the year
                feast = easter(ctx.ref.year) + dt.timedelta(days=int(code[1:]))
                month, day = feast.month, feast.day
            else:
                month, day = int(code[:2]), int(code[3:])
            year = self._pick_year(ctx.ref, month, day, self._direction(f, ctx.tense))
            reference = ctx.ref.value
        else:
            reference = None
        d = easter(year) + dt.timedelta(days=int(code[1:])) if code.startswith("E") else dt.date(year, int(code[:2]), int(code[3:]))
        return "DATE", d.isoformat(), "day", None, reference

    def _r_present_ref(self, c: _Match, ctx: _Context) -> Result:
        return "TIME", "PRESENT_REF", "vague", None, ctx.ref.value if ctx.ref else None

    def _r_past_ref(self, c: _Match, ctx: _Context) -> Result:
        return "TIME", "PAST_REF", "vague", None, ctx.ref.value if ctx.ref else None

    def _r_future_ref(self, c: _Match, ctx: _Context) -> Result:
        return "TIME", "FUTURE_REF", "vague", None, ctx.ref.value if ctx.ref else None


def duration_granularity(value: str) -> str:
    """The unit of a TIMEX3 duration value: P18M -> month, PT30M -> minute."""
    unit = value[-1]
    if value.startswith("PT"):
        return {"H": "hour", "M": "minute", "S": "second"}.get(unit, "hour")
    return {"Y": "year", "M": "month", "W": "week", "D": "day", "E": "decade"}.get(unit, "day")


def easter(year: int) -> dt.date:
    """Easter Sunday of ``year`` (Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


_TAGGERS: dict[str, Tagger] = {}


def tagger(language: str) -> Tagger:
    """The tagger of ``language``, built once per process."""
    t = _TAGGERS.get(language)
    if t is None:
        t = _TAGGERS[language] = Tagger(language)
    return t
