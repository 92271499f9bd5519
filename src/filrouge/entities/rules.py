"""The project's own rules around the model: names it cuts or misses, types it gets wrong,
and the parts of a span that are not the name.

``find_names(text, model_spans, language)`` returns the final spans of one text:

1. **Patterns** find Korean names whole ("Kim Jong Un", "Kim Jong-un", "Kim Yo Jong"), which
   the small models cut to "Kim Jong" or miss.
2. **The alias table** (``data/aliases.toml``) finds the names it lists (KCNA, AFP, BCE,
   Moscou...) and gives them its type: the Kremlin is an organisation, Washington a city.
3. **Trimming**: titles go ("M. Choïgou" → "Choïgou", and a name after "M." is a person),
   so do leading descriptions in lower case ("cosmodrome de Vostotchny" → "Vostotchny") and
   trailing adjectives of places ("Extrême-Orient russe"), except where French makes the
   lower-case word part of the name ("place d'Armes", "championnats d'Europe").
4. **Not names**: demonyms after an article ("l'Allemand"), words with no capital, function
   words, month and day names.
Where spans overlap, a pattern wins, then the longest.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache, lru_cache

from .local import name_words
from .names import ARTICLES, Words, alias_table, fold, key, words
from .ner import Span

_KOREAN = re.compile(
    r"\b(?:Kim|Ri|Pak|Park|Choe|Choi|Lee|Yi|Moon|Yoon|Jang|Kang|Hyon|Roh|Chun|Hong)"
    r"\s+[A-Z][a-z]{1,4}(?:[-‐][A-Za-z][a-z]{0,4}\b|\s+[A-Z][a-z]{1,3}\b(?![-‐'’]))"
)
_LOWER_LINK = {"de", "du", "des", "d", "la", "le", "les", "l", "of", "the", "del", "von", "der"}
MONTHS_DAYS = frozenset(
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)
_WORD = re.compile(r"[^\s]+")
_ELIDED = re.compile(r"^[dlDL]['’]")
_EDGE_PUNCT = "«»“”\"'’‘()[]{},;:!?…-–—"
_SOCIAL = re.compile(r"\s(?:[#@]|https?://|www\.)")
_SPACE = re.compile(r"\s")


@cache
def _gazetteer() -> re.Pattern[str] | None:
    names = sorted({n for e in set(alias_table().values()) for n in e.names}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w\-])")


def patterns(text: str) -> list[Span]:
    """Spans the rules find on their own: Korean names and alias-table names."""
    out = [Span(m.start(), m.end(), "PER") for m in _KOREAN.finditer(text)]
    gaz = _gazetteer()
    if gaz is not None:
        table = alias_table()
        for m in gaz.finditer(text):
            entry = table.get(key(m.group()))
            if entry is not None:
                out.append(Span(m.start(), m.end(), entry.type))
    return out


@cache
def _titles(language: str | None) -> re.Pattern[str] | None:
    """Titles and honorifics at the start of a name, any number of them ("M.", "Président")."""
    titles = words(language).titles
    if not titles:
        return None
    alts = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    return re.compile(r"^(?:(?:" + alts + r")(?:\s+|(?<=\.)))+", re.IGNORECASE)


def _article_of_the_name(text: str, s: int, e: int) -> bool:
    """Whether a name's capitalised leading article is part of it: the text writes it with
    its capital inside a sentence ("à La Haye", "selon Le Monde"), here or elsewhere, where
    an article that is not part of a name is written lower case ("avec la Russie"). At a
    sentence start alone, the capital says nothing."""
    return text[s].isupper() and " ".join(text[s:e].split()) in _capital_articles_inside(text)


# A capitalised article (one of names.ARTICLES: "Le", "THE", or elided, "L'") after a word
# (or a comma) and spaces: inside a sentence.
_INSIDE_ARTICLE = re.compile(
    r"(?<=[\w,;])[ \t\xa0]+(?=(?:"
    + "|".join(f"{a.capitalize()}|{a.upper()}" for a in sorted(ARTICLES, key=lambda a: (-len(a), a)) if len(a) > 1)
    + r")\s|(?:" + "|".join(a.upper() for a in sorted(ARTICLES) if len(a) == 1) + r")['’]\w)")
_NAME_END = re.compile(r"\W")


@lru_cache(maxsize=4)
def _capital_articles_inside(text: str) -> frozenset[str]:
    """Every run of one to twelve words (cut where a word ends) that starts with a
    capitalised article inside a sentence of ``text``: one pass per text, however many
    names open with an article."""
    out: set[str] = set()
    for m in _INSIDE_ARTICLE.finditer(text):
        chunk = text[m.end():m.end() + 160].split("\n", 1)[0]
        words = chunk.split()[:12]
        for k in range(1, len(words) + 1):
            run = " ".join(words[:k])
            out.add(run)
            # and every start of it that ends before a character not of a word ("La Haye"
            # in "La Haye," or "La Haye-Sainte")
            for cut in _NAME_END.finditer(run):
                out.add(run[:cut.start()])
    return frozenset(out)


def _trim(text: str, span: Span, language: str | None) -> Span | None:
    """The span without titles, edge punctuation and descriptive lower-case words."""
    s, e, etype = span.start, span.end, span.type
    cut = text.find("\n", s, e)
    if cut >= 0:  # a span never crosses a line: "Chine\n\nLourdement" is "Chine"
        e = cut
    # Nor into a hashtag, a handle or a link ("Tahrir #Jan25", "Wael @Ghonim", "Libya
    # http://…"); and a name tagged by "#" or "@" is that one word ("#Egypt Suivez" is "Egypt").
    if s < e and text[s] in "#@":
        s += 1
    m = (_SPACE if s > 0 and text[s - 1] in "#@" else _SOCIAL).search(text, s, e)
    if m:
        e = m.start()
    while s < e and text[s] in _EDGE_PUNCT + " ":
        s += 1
    while e > s and text[e - 1] in _EDGE_PUNCT + " .":
        if text[e - 1] == "." and _looks_initial(text[s:e]):
            break
        e -= 1
    if e > s and text[s:e].endswith(("'s", "’s")):
        e -= 2
    genitive = re.match(r"^\S+['’]s\s+(?=[A-ZÀ-Ý])", text[s:e])
    if genitive:  # "France's Mathis Reynaud": the name is what follows
        s += genitive.end()
    title = _titles(language)
    if title is not None:
        m = title.match(text[s:e])
        if m and m.end() < e - s:
            s += m.end()
            if _honorific(m.group()):
                etype = "PER"
    lang = words(language)
    # A leading preposition: "A Benghazi" → "Benghazi", "Au Moyen-Orient" → "Moyen-Orient",
    # when a capital follows and the table does not know the whole name.
    lead = re.match(r"^(\S+)\s+(?=[A-ZÀ-Ý])", text[s:e])
    if lead and fold(lead.group(1)) in lang.prepositions and key(text[s:e]) not in alias_table():
        s += lead.end()
    # A leading article: "La Russie" → "Russie", unless the table knows the whole name or
    # the article belongs to the name of a place or organisation ("La Haye", "Le Monde",
    # "The Hague"). A person's name loses it all the same: "Pen" finds "Marine Le Pen" by
    # its surname.
    head = fold(text[s:e]).split()
    if len(head) > 1 and head[0] in ARTICLES and key(text[s:e]) not in alias_table() \
            and (etype == "PER" or not _article_of_the_name(text, s, e)):
        m2 = re.match(r"^\S+?(?:\s+|['’])", text[s:e])
        if m2:
            s += m2.end()
    toks = [(m.start() + s, m.end() + s) for m in _WORD.finditer(text[s:e])]
    if not toks:
        return None
    first = text[toks[0][0]:toks[0][1]]
    if not _capital(first) and first not in lang.street_heads and first not in lang.event_heads:
        # A description before the name: "cosmodrome de Vostotchny", "tempête Ysée".
        i = 0
        while i < len(toks) and not _capital(text[toks[i][0]:toks[i][1]]):
            i += 1
        if i == len(toks):
            return None
        s = toks[i][0]
        toks = toks[i:]
    elif not _capital(first):
        if first in lang.street_heads:
            etype = "LOC"
        elif first in lang.event_heads:
            etype = "MISC"
    elif len(toks) > 1 and first.casefold() in lang.street_heads:
        etype = "LOC"   # "Place Tahrir", "Rue de Rivoli": a square or a street, not a person
    # An elided article glued to the name: "l'Ukraine", "d'Europe".
    m = re.match(r"^(?:[lLdD]|qu|Qu)['’](?=[A-ZÀ-Ý])", text[s:e])
    if m:
        s += m.end()
    # Trailing function words ("Conseil de sécurité nationale de la").
    while len(toks) > 1 and fold(text[toks[-1][0]:toks[-1][1]]) in _LOWER_LINK:
        toks = toks[:-1]
        e = toks[-1][1]
    if etype in ("PER", "LOC"):
        # Trailing adjectives of a place or person: "Extrême-Orient russe".
        while len(toks) > 1 and not _capital(text[toks[-1][0]:toks[-1][1]]):
            toks = toks[:-1]
        e = min(e, toks[-1][1])
        while e > s and text[e - 1] in _EDGE_PUNCT + " ":
            e -= 1
    if e <= s:
        return None
    return Span(s, e, etype)


def _capital(word: str) -> bool:
    """Whether a word can be (part of) a name: capitalised, or an elided article before a
    capital ("d'Europe")."""
    return _ELIDED.sub("", word)[:1].isupper()


def _looks_initial(name: str) -> bool:
    last = name.split()[-1] if name.split() else ""
    return len(last) == 2 and last[0].isupper()


def _honorific(title: str) -> bool:
    return bool(re.match(r"(?i)^(m|mm|mme|mmes|mlle|mr|mrs|ms|dr|pr|me|sir|lady|lord|herr|frau|sr|sra|don|doña)\b",
                         title.strip()))


def _preceded_by_honorific(text: str, start: int) -> bool:
    before = text[max(0, start - 6):start]
    return bool(re.search(r"(?:^|[\s(])(?:M\.|MM\.|Mme|Mmes|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Herr|Frau)\s+$", before))


def _is_demonym(text: str, span: Span, language: str | None) -> bool:
    name = text[span.start:span.end]
    lang = words(language)
    if " " in name or not lang.demonym_endings or len(name) < lang.demonym_min_length:
        return False
    if key(name) in alias_table():
        return False
    folded = name.casefold()
    if not folded.endswith(lang.demonym_endings):
        return False
    before = text[max(0, span.start - 5):span.start].casefold()
    m = re.search(r"(\S+)\s*$", before)
    if m is None:
        return False
    prev = m.group(1)
    return prev in lang.demonym_articles or prev.endswith(("l'", "l’"))


def _not_a_name(name: str, stop: frozenset[str]) -> bool:
    folded = fold(name)
    if not any(c.isupper() for c in name) or len(name) < 2:
        return True
    if name.isupper() and len(name) > 1:
        return False  # an acronym ("US") is a name even when its letters spell a word
    return folded in stop or folded in MONTHS_DAYS or not any(c.isalpha() for c in name)


def find_names(text: str, model_spans: list[Span], language: str | None,
               stop: frozenset[str] = frozenset(), sentence_starts: frozenset[int] = frozenset()
               ) -> list[Span]:
    """The names of a text, in order, without overlaps."""
    table = alias_table()
    ruled = patterns(text)
    candidates: list[tuple[int, Span]] = [(2, s) for s in ruled if s.type == "PER"]
    candidates += [(1, s) for s in ruled if s.type != "PER"]
    lang = words(language)
    for part in (p for span in model_spans for p in _dash_parts(text, span)):
        t = _trim(text, part, language)
        if t is None:
            continue
        if _preceded_by_honorific(text, t.start):
            t = replace(t, type="PER")
        t = _drop_leading_word(text, t, lang)
        candidates.append((0, t))
    candidates += [(1, s) for s in _dateline(text)]
    # Priority (pattern > longest > table > model), then position.
    candidates.sort(key=lambda c: (-(c[0] == 2), -(c[1].end - c[1].start), -c[0], c[1].start))
    taken = bytearray(len(text) + 1)
    kept: list[tuple[int, Span]] = []
    for source, span in candidates:
        if any(taken[span.start:span.end]):
            continue
        name = text[span.start:span.end]
        if _not_a_name(name, stop) or _is_demonym(text, span, language):
            continue
        entry = table.get(key(name))
        if entry is None and span.type == "PER" and not name_words(name):
            continue   # only initials ("F. B. I.", "N. Y.", "M. B. A."): an abbreviation, nobody's name
        if entry is None and source == 0 and (
                name in lang.common_capitalised
                or (span.type != "PER" and (_after_portfolio(text, span.start, lang.portfolio_heads)
                                            or " " not in name and _before_office(text, span.end, lang.office_tails)))):
            continue
        span = _weather(text, _street(text, span, lang), lang)
        if entry is not None and entry.type != span.type:
            span = replace(span, type=entry.type)
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
        kept.append((source, span))
    # A lone capitalised word that opens a sentence and is never seen again is most often
    # a common word the model took for a name ("Surmonter", "Lourdement").
    seen: dict[str, int] = {}
    for _, span in kept:
        for w in set(key(text[span.start:span.end]).split()):
            seen[w] = seen.get(w, 0) + 1
    out = []
    for source, span in kept:
        name = text[span.start:span.end]
        if (source == 0 and " " not in name and "-" not in name and not name.isupper()
                and not any(c.isupper() for c in name[1:]) and key(name) not in table
                and _opens_sentence(text, span.start, sentence_starts) and seen.get(key(name), 0) <= 1):
            continue
        out.append(span)
    return sorted(out, key=lambda s: s.start)


_SPACED_DASH = re.compile(r"\s[-–—]\s")


def _dash_parts(text: str, span: Span) -> list[Span]:
    """A model's span cut at its spaced dashes: a name never runs across one ("Benghazi -
    Une", "EGYPTE - Morsi", "André Miquel – L'Islam": a rubric, a headline or a credit
    line and the words after it). Each part is a candidate of its own.

    >>> _dash_parts("EGYPTE - Morsi parle", Span(0, 14, "PER"))
    [Span(start=0, end=6, type='PER'), Span(start=9, end=14, type='PER')]
    """
    cuts = [(m.start(), m.end()) for m in _SPACED_DASH.finditer(text, span.start, span.end)]
    if not cuts:
        return [span]
    bounds = [span.start, *(x for c in cuts for x in c), span.end]
    return [Span(a, b, span.type) for a, b in zip(bounds[::2], bounds[1::2]) if b > a]


_DATELINE = re.compile(r"([A-ZÀ-Ý][A-ZÀ-Ý'’\-]+(?: [A-ZÀ-Ý][A-ZÀ-Ý'’\-]+)?)(?=\s*(?:\([^)]{1,30}\))?\s*[-–—,:])")


def _dateline(text: str) -> list[Span]:
    """A dateline's place at the start of a paragraph: "PYONGYANG - ...", "SÉOUL (AFP) -"."""
    out = []
    for m in re.finditer(r"(?:^|\n)(?=[A-ZÀ-Ý])", text):
        d = _DATELINE.match(text, m.end())
        if d and len(d.group(1)) >= 3:
            out.append(Span(d.start(1), d.end(1), "LOC"))
    return out


def _street(text: str, span: Span, lang: Words) -> Span:
    """A place after a street word is a street or square: "place d'Armes", "rue de Rivoli"."""
    if not lang.street_heads or span.type not in ("LOC", "ORG", "MISC", "PER"):
        return span
    m = _STREET.search(text, max(0, span.start - 20), span.start)
    if m and m.group(1).casefold() in lang.street_heads:
        return Span(m.start(1), span.end, "LOC")
    return span


def _weather(text: str, span: Span, lang: Words) -> Span:
    """A name after a storm word is the storm, an event: "la tempête Ysée", "hurricane
    Katrina" (the model takes the first name for a person's)."""
    if not lang.weather_heads:
        return span
    own = re.match(r"(\w+)\s+", text[span.start:span.end])   # "Tempête Ysée" opening a title
    before = re.search(r"(\w+)\s+$", text[max(0, span.start - 20):span.start])
    if any(m and m.group(1).casefold() in lang.weather_heads for m in (own, before)):
        return replace(span, type="MISC")
    return span


_STREET = re.compile(r"(?<![\w\-])(\w+)\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|d['’]|de\s+)$")


def _drop_leading_word(text: str, span: Span, lang: Words) -> Span:
    """A person's name with a people or an office glued before it: "le jeune Gersois Nathan
    Delpech", "l'Espagnol Iker Salaberria", "ministre de la Défense Sergueï Choïgou"."""
    ws = list(re.finditer(r"\S+", text[span.start:span.end]))
    if len(ws) < 3:
        return span
    first = ws[0].group()
    glued = (lang.demonym_endings and first.casefold().endswith(lang.demonym_endings)
             and len(first) >= lang.demonym_min_length and key(first) not in alias_table()) \
        or _after_portfolio(text, span.start, lang.portfolio_heads)
    if glued and all(w.group()[:1].isupper() for w in ws[1:]):
        return replace(span, start=span.start + ws[1].start(), type="PER" if span.type != "PER" else span.type)
    return span


def _opens_sentence(text: str, start: int, sentence_starts: frozenset[int]) -> bool:
    """Whether only quote marks or dashes lie between a sentence's start and ``start``."""
    i = start
    while i > 0 and text[i - 1] in " «“\"'‘-–—(":
        i -= 1
    return i in sentence_starts or i == 0 or text[i - 1] == "\n"


def _after_portfolio(text: str, start: int, heads: frozenset[str]) -> bool:
    """Whether a name follows an office: "ministre de la Défense", "secrétaire d'Etat"."""
    if not heads:
        return False
    m = _PORTFOLIO.search(text, max(0, start - 40), start)
    return bool(m) and any(g and g.casefold().rsplit("-", 1)[-1] in heads for g in m.groups())


def _before_office(text: str, end: int, tails: frozenset[str]) -> bool:
    """Whether a one-word name is the portfolio of an office named after it: "Interior
    Secretary Ken Salazar", "the Defence Minister"."""
    m = _NEXT_WORD.match(text, end)
    return bool(tails) and m is not None and m.group(1).casefold() in tails


_NEXT_WORD = re.compile(r"\s+(\w+)")
_PORTFOLIO = re.compile(
    r"(\w[\w\-]*)(?:\s+(\w[\w\-]*))?\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|d['’]|of\s+|for\s+)$"
)
