"""Who said what: quotations and their speakers.

**Direct quotations** are the text between « », “ ”, „ “ or paired straight quotes, inside
one paragraph. Their speaker is found where French and English news put it:

- after the quotation: « ... », a déclaré M. Kozlov / a-t-il affirmé / ajoute-t-elle /
  "...", Blinken said / said the minister;
- around it with a source word: selon lui, selon X, d'après X, according to X;
- before it in the sentence: X a déclaré : « ... » / X a estimé que les liens étaient « ... ».

A pronoun ("a-t-il ajouté", "selon lui") is the speaker of the quotation just before, or
else the person last named; a description ("a indiqué le haut responsable russe") is the
person that description was attached to earlier ("le président russe Vladimir Poutine"), or
else the person last named. A quotation that follows another with no words of its own
continues it. A few quoted words inside a sentence are a *fragment*; short quoted phrases with
no speech verb near them are titles or scare quotes, not quotations.

**Reported speech** ("X a affirmé que ...", "X said that ...") gives indirect quotations.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from ..article import Mention, Quote
from .names import ARTICLES, alternation, fold, named_as_place, words

_PAIRS = {"«": "»", "“": "”", "„": "“", "‹": "›"}
_WORD = re.compile(r"[\w'’\-]+")
_STRAIGHT = re.compile('"')
_OPENING = re.compile("[«“„‹]")
_CLOSING_AFTER = ".,;:!?)]}…»"  # what may follow a closing mark without a space
# A quotation needs this many words to stand without a speech verb nearby.
FULL_WORDS = 8
MAX_GAP = 2  # sentences between a pronoun and the quotation or person it stands for


@dataclass(frozen=True)
class _Raw:
    start: int
    end: int
    open: int  # offset of the opening mark (== start when there is none)
    close: int  # offset after the closing mark


def _quoted(text: str, paragraphs: tuple[tuple[int, int], ...]) -> list[_Raw]:
    """Spans between quote marks, per paragraph; an unclosed « runs to the paragraph's end."""
    out: list[_Raw] = []
    for ps, pe in paragraphs or ((0, len(text)),):
        i = ps
        taken: list[tuple[int, int]] = []
        while True:
            m = _OPENING.search(text, i, pe)
            if m is None:
                break
            i, c = m.start(), m.group()
            j = text.find(_PAIRS[c], i + 1, pe)
            if c == "„" and j < 0:
                j = text.find("”", i + 1, pe)
            end = j if j >= 0 else pe
            out.append(_Raw(i + 1, end, i, end + 1 if j >= 0 else pe))
            taken.append((i, end + 1))
            i = end + 1
        # Straight quotes, outside the curly ones.
        marks = [m.start() for m in _STRAIGHT.finditer(text, ps, pe)
                 if not any(a <= m.start() < b for a, b in taken)]
        for a, b in _straight_pairs(text, marks, ps, pe):
            out.append(_Raw(a + 1, b, a, b + 1))
    out.sort(key=lambda r: r.start)
    return out


def _straight_pairs(text: str, marks: list[int], ps: int, pe: int) -> list[tuple[int, int]]:
    """The outermost pairs of straight quote marks (offsets in ``marks``) of a paragraph.

    Paired in order where each mark then opens or closes as it looks (a space before it,
    none after: it opens). Otherwise a quotation may hold another one: a mark between
    spaces, or between letters, opens a quotation inside the open one when more marks
    that can only close follow it than quotations are open (``"C'est la propagande de la
    " grande puissance" russe", déclare-t-il``: one quotation, not two). A mark that can
    only close, with no quotation open, is dropped; so is a quotation still open at the
    paragraph's end."""

    def kind(p: int) -> str:
        before = text[p - 1] if p > ps else " "
        after = text[p + 1] if p + 1 < pe else " "
        spaced_before = before.isspace() or before in "([{—–-"
        spaced_after = after.isspace() or after in _CLOSING_AFTER
        if spaced_before and not spaced_after:
            return "open"
        if spaced_after and not spaced_before:
            return "close"
        return "either"

    kinds = [kind(p) for p in marks]
    if all(k != ("close" if i % 2 == 0 else "open") for i, k in enumerate(kinds)):
        return list(zip(marks[0::2], marks[1::2]))  # in order, each mark as it looks
    pairs: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, (p, k) in enumerate(zip(marks, kinds)):
        if depth == 0:
            if k != "close":
                depth, start = 1, p
            continue
        if k == "either":
            closers = 0
            for later in kinds[i + 1:]:
                if later == "open":
                    break
                closers += later == "close"
            k = "open" if closers > depth else "close"
        if k == "open":
            depth += 1
            continue
        depth -= 1
        if depth == 0:
            pairs.append((start, p))
    return pairs


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


_INVERTED = re.compile(r"-t?-?(il|elle|ils|elles)\b", re.IGNORECASE)


@cache
def _patterns(language: str | None) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None,
                                             re.Pattern[str] | None]:
    """A language's speech verbs (by stem), source words ("selon") and, after a verb, the
    "que"/"that" of reported speech; built once per process."""
    lang = words(language)
    # A capitalised word is a speech verb only where a sentence starts: "the US State
    # Department said" is not the stem "stat".
    start = r"(?:(?<![\w])(?-i:(?=[^\W\d_A-ZÀ-ÖØ-Þ]))|^|(?<=[.!?…]\s)|(?<=\n))"
    verb = re.compile(start + r"(?:" + alternation(lang.speech_verbs) + r")[\w]*",
                      re.IGNORECASE) if lang.speech_verbs else None
    source = re.compile(r"(?<![\w])(?:" + alternation(lang.source_words) + r")\s+",
                        re.IGNORECASE) if lang.source_words else None
    that = re.compile(r"\s+(?:[\w\-]+\s+){0,3}?(?:" + "|".join(re.escape(t) for t in lang.that)
                      + r")(?:\s+|(?<=['’]))", re.IGNORECASE) if lang.that else None
    return verb, source, that


class _Finder:
    def __init__(self, text: str, sentences: tuple[tuple[int, int], ...], mentions: list[Mention],
                 language: str | None) -> None:
        self.text = text
        self.sentences = sentences or ((0, len(text)),)
        self.starts = [s for s, _ in self.sentences]
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        self.lang = words(language)
        self.verb, self.source, self.that = _patterns(language)
        self.pronouns = self.lang.pronouns
        self.descriptions = self._descriptions()
        self.role = _role_pattern(language)
        self.inside: list[tuple[int, int]] = []  # the quotations' spans, marks included
        self.language = language

    def sentence(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def last_sentence(self, q: Quote) -> int:
        """The sentence a quotation ends in: a long one spans several."""
        return self.sentence(max(q.start, q.end - 1))

    # ------------------------------------------------------------- speakers
    def speakers(self, s: int, e: int, inside: list[tuple[int, int]]) -> list[Mention]:
        """People and organisations named in text[s:e], outside quotations, not as a place."""
        return [m for m in self.mentions_in(s, e, inside) if m.type in ("PER", "ORG") and not self.placed(m)]

    def placed(self, m: Mention) -> bool:
        """Whether a name comes right after a word that makes it a place or an addressee ("à
        Benghazi", "place Tahrir", "in Benghazi"; ``locatives`` in ``data/entities.toml``): the
        model types such a name a person at times, and whoever speaks, it is not that name."""
        return named_as_place(self.text, m.start, m.end, self.language)

    def mentions_in(self, s: int, e: int, inside: list[tuple[int, int]]) -> list[Mention]:
        """Every mention in text[s:e], outside quotations."""
        lo, hi = bisect_left(self.mention_starts, s), bisect_left(self.mention_starts, e)
        return [m for m in self.mentions[lo:hi] if m.end <= e and not _within(m.start, inside)]

    def last_person(self, before: int, inside: list[tuple[int, int]],
                    within: int = MAX_GAP + 1) -> Mention | None:
        """The person named last before an offset (outside quotations), if named at most
        ``within`` sentences before its sentence."""
        sent = self.sentence(before)
        for k in range(bisect_left(self.mention_starts, before) - 1, -1, -1):
            m = self.mentions[k]
            if sent - self.sentence(m.start) > within:
                return None
            if m.type == "PER" and not _within(m.start, inside) and not self.placed(m):
                return m
        return None

    def introduced_next(self, offset: int, inside: list[tuple[int, int]]) -> Mention | None:
        """The person the sentence after ``offset``'s is made of, a name and at most a
        title: a name a stray full stop cut off the description before it ("…, déclare
        l'ancien diplomate russe. Ministre Andreï Kozyrev.")."""
        k = self.sentence(offset) + 1
        if k >= len(self.sentences):
            return None
        s, e = self.sentences[k]
        people = [m for m in self.speakers(s, e, inside) if m.type == "PER"]
        if len(people) != 1:
            return None
        m = people[0]
        # A name split off by a stray full stop: the sentence is the name and a title.
        if len(_WORD.findall(self.text[s:m.start])) + len(_WORD.findall(self.text[m.end:e])) > 2:
            return None
        return m

    def _descriptions(self) -> list[tuple[list[str], Mention]]:
        """For each person, the lower-case words just before a mention of them: "le président
        russe Vladimir Poutine" gives (["président", "russe"], Poutine)."""
        out = []
        for m in self.mentions:
            if m.type != "PER":
                continue
            before = self.text[max(0, m.start - 80):m.start]
            ws = _WORD.findall(before)[-6:]
            content = [fold(w) for w in ws if len(w) > 2 and fold(w) not in _FUNCTION]
            if content:
                out.append((content, m))
        return out

    def behind(self, named: Mention, lead: str, before: int) -> Mention:
        """An organisation named inside a description of a person is that person: "la
        présidente de la BCE" is Christine Lagarde when the text described her so, before
        naming the organisation ("Le Kremlin a indiqué que V. Poutine…" is the Kremlin's)."""
        if named.type != "ORG":
            return named
        # The description is the phrase just before the organisation, not an earlier
        # clause: "Au lendemain de la visite de V. Poutine, le Kremlin a promis…" is the Kremlin's.
        lead = re.split(r"[,;:«»()\"“”]", lead)[-1]
        person = self.described(lead + " " + named.text, min(before, named.start))
        if person is None and self.role is not None and self.role.search(lead):
            # "la présidente de la BCE": the person named in this sentence or the one before.
            person = self.last_person(named.start, self.inside, within=1)
        return person if person is not None else named

    def described(self, phrase: str, before: int) -> Mention | None:
        """The person a description stands for ("le haut responsable russe")."""
        ws = [fold(w) for w in _WORD.findall(phrase) if len(w) > 2 and fold(w) not in _FUNCTION]
        if not ws:
            return None
        best: tuple[int, int, Mention] | None = None
        for content, m in self.descriptions:
            if m.start >= before:
                continue
            overlap = len(set(ws) & set(content))
            if overlap and (best is None or (overlap, m.start) > best[:2]):
                best = (overlap, m.start, m)
        # Every content word of a short description, or most of a longer one.
        if best and best[0] >= max(1, min(len(ws), 2)):
            return best[2]
        return None


def find_quotes(text: str, sentences: tuple[tuple[int, int], ...], paragraphs: tuple[tuple[int, int], ...],
                mentions: list[Mention], language: str | None) -> list[Quote]:
    """Direct and reported quotations of a text, in order, with speakers where the text names them."""
    f = _Finder(text, sentences, mentions, language)
    raws = _quoted(text, paragraphs)
    inside = [(r.open, r.close) for r in raws]
    f.inside = inside
    quotes: list[Quote] = []
    previous: Quote | None = None
    for r in raws:
        s, e = _strip(text, r.start, r.end)
        body = text[s:e]
        n_words = len(_WORD.findall(body))
        sent = f.sentence(r.open)
        ss = f.sentences[sent][0]
        se = max(f.sentences[f.sentence(max(r.open, r.close - 1))][1], r.close)
        if n_words < 2:
            # One word ("« Non », a répondu X. « Nous ne céderons pas. »") is no quotation to
            # keep, but whoever a speech verb says spoke it goes on in the one right after.
            if n_words:
                speaker, cue = _speaker(f, r, ss, se, inside, previous)
                # Named in its sentence: not a description's guess ("répond son entourage").
                if speaker is not None and cue not in (None, "subject", "continued") and ss <= speaker.start < se:
                    previous = Quote(body.strip(" ,;"), s, e, sent, True, speaker.text, speaker.local, cue)
            continue
        before = text[ss:r.open]
        words_before = len(_WORD.findall(before))
        fragment = words_before >= 3 and not before.rstrip().endswith(":") and n_words < FULL_WORDS
        speaker, cue = _speaker(f, r, ss, se, inside, previous)
        if (speaker is None and cue is None and n_words < FULL_WORDS and not re.search(r"[.!?…]\s*$", body)
                and not (f.verb and f.verb.search(before))):
            continue  # a short quoted phrase with no speech verb near: a title or scare quotes
        q = Quote(body.strip(" ,;"), s, e, sent, True, speaker.text if speaker else None,
                  speaker.local if speaker else None, cue, fragment)
        quotes.append(q)
        previous = q
    quotes += _reported(f, inside, {q.sentence for q in quotes})
    quotes.sort(key=lambda q: q.start)
    return quotes


def _speaker(f: _Finder, r: _Raw, ss: int, se: int, inside: list[tuple[int, int]],
             previous: Quote | None) -> tuple[Mention | None, str | None]:
    text = f.text
    # After the quotation: », a déclaré X / a-t-il affirmé / said X / X said.
    nxt = min([a for a, _ in inside if a >= r.close] + [se])
    tail = text[r.close:nxt]
    vm = f.verb.search(tail, 0, 80) if f.verb is not None else None
    before_verb = _WORD.findall(tail[:vm.start()]) if vm is not None else []
    if vm is not None and len(before_verb) <= 8:
        if _INVERTED.search(tail, 0, vm.end() + 8):
            return _pronoun(f, r, previous), "pronoun"
        if before_verb and fold(before_verb[-1]) in f.pronouns:
            return _pronoun(f, r, previous), "pronoun"   # "…", he said.
        named = _prefer_person(f.speakers(r.close, r.close + vm.start(), inside))
        if named:
            return f.behind(named, text[r.close:named.start], r.open), vm.group()  # "…", Blinken said.
        # The words after the verb, to the end of their clause, and a name in apposition
        # after a comma: "a déclaré le conseiller à la Sécurité nationale, Jake Sullivan".
        clause_end = r.close + vm.end() + _clause(tail[vm.end():])
        phrase = text[r.close + vm.end():clause_end]
        if _anonymous(phrase, f):
            # "a affirmé un diplomate européen": not named; but "raconte une témoin, Marie
            # Lopez" names her in apposition (right after the comma: not "says a source,
            # because Ross…").
            return _apposed(f, clause_end, nxt, inside, 0), vm.group()
        named = _prefer_person(f.speakers(r.close + vm.end(), clause_end, inside))
        if named is None or named.type != "PER":
            named = _apposed(f, clause_end, nxt, inside, 1) or named
        if named:
            return f.behind(named, text[r.close + vm.end():named.start], r.open), vm.group()
        # "…", said the minister / a indiqué le haut responsable russe.
        return (f.described(phrase, r.open) or f.introduced_next(r.close + vm.end(), inside)
                or f.last_person(r.open, inside)), vm.group()
    # A source word: selon lui, selon X, according to X (after or before the quotation).
    if f.source is not None:
        for seg_start, seg_end in ((r.close, nxt), (ss, r.open)):
            for m in f.source.finditer(text, seg_start, seg_end):
                after = text[m.end():seg_end]
                first = _WORD.match(after)
                if first and fold(first.group()) in f.pronouns:
                    return _pronoun(f, r, previous), "selon"
                named = f.speakers(m.end(), min(seg_end, m.end() + 80), inside)
                if named and _adjacent(text, m.end(), named[0].start, 3):
                    return named[0], m.group().strip()
    # Before it, in its sentence: X a déclaré : « … » / X a estimé que … « … ».
    before = text[ss:r.open]
    if f.verb is not None:
        verbs = [m for m in f.verb.finditer(before)]
        if verbs:
            v = verbs[-1]
            subject = f.speakers(ss, ss + v.start(), inside)
            if subject:
                # A participle ("assurant que", "saying that") has the sentence's subject, the
                # first one named, not the last person named before it.
                who = subject[0] if _PARTICIPLE.search(v.group()) else subject[-1]
                return f.behind(who, text[ss:who.start], r.open), v.group()
            lead = _WORD.findall(before[:v.start()])
            if lead and fold(lead[-1]) in f.pronouns or any(fold(w) in f.pronouns for w in lead[-3:]):
                return _pronoun(f, r, previous), v.group()
            # A country or a capital that opens the sentence and speaks: "Les États-Unis
            # affirment que les négociations « progressent activement »", "Washington a dénoncé".
            place = [m for m in f.mentions_in(ss, ss + v.start(), inside) if m.type == "LOC"]
            if place and all(fold(w) in ARTICLES for w in _WORD.findall(text[ss:place[0].start])) \
                    and all(fold(w) in _AUXILIARIES for w in _WORD.findall(text[place[0].end:ss + v.start()])):
                return place[0], v.group()
    # A few quoted words in a sentence whose subject is a person: theirs.
    first = f.speakers(ss, r.open, inside)
    if first and first[0].type == "PER" and len(_WORD.findall(text[ss:first[0].start])) <= 1:
        return first[0], "subject"
    # A quotation that follows another with nothing of its own continues it (counted from
    # where the other ends, as for a pronoun).
    if previous is not None and previous.speaker is not None and not before.strip() \
            and f.sentence(r.open) - f.last_sentence(previous) <= 1:
        return _as_mention(f, previous), "continued"
    return None, None


_AUXILIARIES = frozenset(["a", "ont", "avait", "avaient", "aura", "auront", "has", "have", "had", "will"])
_PARTICIPLE = re.compile(r"(?:ant|ing)$", re.IGNORECASE)
_FUNCTION = frozenset(["les", "des", "une", "aux", "dans", "pour", "par", "sur", "avec", "the", "and", "for", "from", "with"])
_INDEFINITE = frozenset(["un", "une", "des", "plusieurs", "a", "an", "some", "several"])
_OF = frozenset(["of", "for", "from", "with", "at", "by", "in"])


def _apposed(f: _Finder, clause_end: int, nxt: int, inside: list[tuple[int, int]], most: int) -> Mention | None:
    """The person named in apposition after a speech verb's clause, with at most ``most``
    words between: "a déclaré le conseiller à la Sécurité nationale, Jake Sullivan"."""
    after = f.speakers(clause_end, nxt, inside)
    if after and after[0].type == "PER" and _adjacent(f.text, clause_end, after[0].start, most):
        return after[0]
    return None


@cache
def _role_pattern(language: str | None) -> re.Pattern[str] | None:
    """A definite role in an organisation just before its name: "la présidente de la ",
    "the head of the ", "la presidenta del ", "der Chef der " (the end of a lead); built
    once per process, as :func:`_patterns`."""
    lang = words(language)
    if not lang.role_heads or not lang.definite:
        return None
    alt = alternation(lang.role_heads)
    det = "|".join(re.escape(w) for w in lang.definite)
    return re.compile(rf"(?:^|\s)(?:{det})\s*(?:[\w\-]+\s+){{0,2}}?(?:{alt})\s+"
                      rf"(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of|at\s+the|at|del|de\s+los|de\s+las"
                      rf"|der|von\s+der|vom)\s*(?:the\s+)?$",
                      re.IGNORECASE)


def _anonymous(phrase: str, f: _Finder) -> bool:
    """Whether the words after a speech verb name nobody: "un diplomate européen", "a senior
    official" (an indefinite description before any name). Not an indefinite that belongs to
    a complement: "le vice-ministre russe des Transports, Andreï Beliaïev", "the head of a
    company" are definite."""
    ws = [w.casefold() if not w[:1].isupper() else w for w in _WORD.findall(phrase)[:4]]
    for i, w in enumerate(ws):
        if w in _INDEFINITE and not (i and (w == "des" or ws[i - 1] in _OF)):
            return True   # "des" after a word is "de les": "le ministre des Transports"
        if w[:1].isupper():
            return False
    return False


def _within(offset: int, spans: list[tuple[int, int]]) -> bool:
    """Whether an offset falls in one of the (sorted, disjoint) spans."""
    k = bisect_right(spans, (offset, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= offset < spans[k][1]


def _prefer_person(named: list[Mention]) -> Mention | None:
    """The first person named, or else the first organisation."""
    for m in named:
        if m.type == "PER":
            return m
    return named[0] if named else None


def _adjacent(text: str, a: int, b: int, most: int = 6) -> bool:
    """Whether only a few words (a description) lie between two offsets."""
    return len(_WORD.findall(text[a:b])) <= most and "." not in text[a:b]


def _clause(text: str) -> int:
    """Where the clause that starts ``text`` ends: the first comma, semicolon or full stop
    (a stop after an initial, "M. Kozlov", does not end it)."""
    for m in re.finditer(r"[,;:]|(?<![A-Z])\.|$", text):
        return m.start()
    return len(text)


def _as_mention(f: _Finder, q: Quote) -> Mention | None:
    for m in f.mentions:
        if m.local == q.speaker_local and m.text == q.speaker:
            return m
    return None


def _pronoun(f: _Finder, r: _Raw, previous: Quote | None) -> Mention | None:
    """The person a pronoun next to a quotation stands for: the person named last, in this
    sentence or the one before, outside quotations; else the previous quotation's speaker."""
    sent = f.sentence(r.open)
    last = f.last_person(r.open, f.inside)
    if last is not None and sent - f.sentence(last.start) <= 1:
        return _subject_of(f, f.sentence(last.start), last)
    # Counted from where the previous quotation ends: a long one spans several sentences.
    if previous is not None and previous.speaker is not None \
            and sent - f.last_sentence(previous) <= MAX_GAP:
        return _as_mention(f, previous)
    return last


def _subject_of(f: _Finder, k: int, last: Mention) -> Mention:
    """Who a pronoun after sentence ``k`` stands for, ``last`` being the person it names last.

    - The person named after a quotation of that sentence, its speaker ("Kadhafi « n'a rien
      fait », a expliqué le gardien, Juma Gtat. « … », a-t-il ajouté").
    - Else a person right before a speech verb in it ("Asked if Ortiz might have lived,
      Waldie said …").
    - Else its subject, a person named at its start, rather than one named further on ("Alain
      Lemaire a été nommé en remplacement de Nicolas Mérindol. … il répond"); when it opens on
      a description ("Le grimpeur savoyard compte quatre secondes d'avance sur Lukas
      Brenner"), the subject of the sentence before (centering: the topic goes on)."""
    if any(f.sentences[k][0] <= qe <= last.start for _, qe in f.inside):
        return last   # named after a quotation of its sentence: that quotation's speaker
    e = f.sentences[k][1]
    people = _people(f, k)
    if f.verb is not None:
        said = [m for _, m in people
                if (v := f.verb.search(f.text, m.end, min(e, m.end + 16))) and not f.text[m.end:v.start()].strip()]
        if said:
            return said[-1]   # "Asked if Ortiz might have lived, Waldie said …": the one who spoke
    subject = _named_subject(f, people)
    if subject is None and k > 0 and _opens_on_description(f, k, people):
        subject = _named_subject(f, _people(f, k - 1))
    return subject if subject is not None else last


def _people(f: _Finder, k: int) -> list[tuple[int, Mention]]:
    """The people named in sentence ``k`` (outside quotations), each with the number of
    words before it in the sentence."""
    s, e = f.sentences[k]
    return [(len(_WORD.findall(f.text[s:m.start])), m) for m in f.mentions_in(s, e, f.inside)
            if m.type == "PER" and not f.placed(m)]


def _named_subject(f: _Finder, people: list[tuple[int, Mention]]) -> Mention | None:
    """The person a sentence opens on (two words at most before the name: "Le Toulousain
    Théo Marcillac", "M. Kozlov"), not one whose possession it names ("Horton's mother")."""
    if people and people[0][0] <= 2 and not _POSSESSIVE.match(f.text, people[0][1].end):
        return people[0][1]
    return None


def _opens_on_description(f: _Finder, k: int, people: list[tuple[int, Mention]]) -> bool:
    """Whether a sentence opens on a definite description with no name of its own ("Le
    grimpeur savoyard compte…", not "Le député de la Nièvre Christian Paul a…")."""
    s, e = f.sentences[k]
    ws = _WORD.findall(f.text[s:min(e, s + 40)])[:2]
    return len(ws) == 2 and fold(ws[0]).rstrip("'’") in _definite(f.lang.definite) and ws[1][:1].islower() \
        and (not people or people[0][0] > 6)


@cache
def _definite(words: tuple[str, ...]) -> frozenset[str]:
    """A language's definite articles, folded, elision marks left out ("l'" is "l")."""
    return frozenset(fold(d).rstrip("'’") for d in words)


_POSSESSIVE = re.compile(r"['’]s?\b")


def _reported(f: _Finder, inside: list[tuple[int, int]], quoted: set[int]) -> list[Quote]:
    """Reported speech: a speaker, a speech verb, then que/that and what was said."""
    if f.verb is None or f.that is None:
        return []
    pattern = f.that
    out: list[Quote] = []
    for k, (ss, se) in enumerate(f.sentences):
        if k in quoted:
            continue
        sentence = f.text[ss:se]
        for v in f.verb.finditer(sentence):
            m = pattern.match(sentence, v.end())
            if m is None:
                continue
            subject = f.speakers(ss, ss + v.start(), inside)
            lead = _WORD.findall(sentence[:v.start()])
            speaker: Mention | None = subject[-1] if subject else None
            if speaker is None and any(fold(w) in f.pronouns for w in lead[-3:]):
                speaker = f.last_person(ss, inside)
            if speaker is None:
                break
            cs, ce = _strip(f.text, ss + m.end(), se)
            body = f.text[cs:ce].rstrip(" .")
            if len(_WORD.findall(body)) >= 4:
                out.append(Quote(body, cs, cs + len(body), k, False, speaker.text, speaker.local, v.group()))
            break
    return out
