"""Entities and quotes: who and where, with every spelling merged, and who said what.

Per article (pure work, in the worker processes): :func:`extract_entities` finds the names
(spaCy's model, then the project's rules: ``rules``), groups the ones that name one entity
inside the article (``local``), and finds the quotations and their speakers (``quotes``).
Across the corpus (the one place with shared state): :class:`EntityIndex` gives each
article-local entity its canonical entity, creating or merging entities as articles arrive.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from ..article import Article
from ..copies.signature import stopwords
from .local import group_mentions
from .names import alias_table, fold, key, words
from .ner import Span, recognise
from .quotes import find_quotes
from .rules import MONTHS_DAYS, find_names

# Bumped when extraction changes what it finds. Stored with each article's mentions (table
# entity_indexed), so it is known which version read an article; `filrouge enrich` redoes all.
# 2: a capitalised leading article inside a sentence belongs to the name ("La Haye").
# 3: a name ends before a hashtag, a handle or a link ("#Egypt Suivez" is "Egypt").
# 4: "des" after a word in the description after a speech verb is "de les", not an indefinite
#    ("a déclaré le vice-ministre des Transports, Andreï Beliaïev" names its speaker).
# 5: a name never runs across a spaced dash ("Benghazi - Une" is "Benghazi"), a street word
#    opens a place ("Place Tahrir" is a square, not a person), and a lone word of another
#    type finds no person whose name has it after a particle ("Islam" is not "Saïf al-Islam").
# 6: a name alone is the person of that name its article's other entities are named with
#    ("Jackson" in a Chargers report is not Henry Jackson of the Watergate ones).
# 7: a name with an initial is none of the people whose first name starts otherwise ("A.J.
#    Butler" is not Darius Butler), and initials alone name no person ("F. B. I.", "N. Y.").
# 8: a pronoun by a quotation stands for the subject of the sentence before, not a person it
#    names further on ("X a été nommé en remplacement de Y. … il répond : « … »"), and
#    '"…," he said' is such a pronoun.
# 9: a one-word name before an office is its portfolio, not an organisation ("Interior
#    Secretary Ken Salazar", "Defence Minister").
# 10: a description a stray full stop cuts off the name after it ("…, déclare l'ancien
#    diplomate russe. Ministre Andreï Kozyrev.") is that name's, not the last person named.
# 11: an indefinite speaker named in apposition ("raconte une témoin, Marie Lopez") is that
#    name; a one-word reply's named speaker goes on in the quotation after it.
# 12: an article in a language no recogniser reads (German, Spanish) gets the names the store
#    already knows from other articles (EntityIndex.known_names), and its quotations are found
#    again with them; German and Spanish have speech verbs, pronouns and roles of their own.
EXTRACTION_VERSION = 14


def fields(article: Article) -> list[tuple[str, str]]:
    """The parts of an article names are looked for in, in reading order: the title (unless
    it was derived from the text), the text, and the photo captions cleaning removed."""
    out = []
    if article.title and article.title_source != "derived":
        out.append(("title", article.title))
    out.append(("text", article.text))
    out += [(f"caption:{i}", r.text) for i, r in enumerate(article.removed) if "caption" in r.reason]
    return out


_SEP = "\n\n"


_CREDIT_WORDS = frozenset(["credit", "crédit", "photo", "photos", "légende", "legende", "image", "images", "getty", "caption", "source", "via"])


def _credit(name: str) -> bool:
    """Whether a name found in a photo caption is part of its credit line ("Getty Images",
    "STR"): credit words, or a short all-capitals word the alias table does not know."""
    ws = set(fold(name).split())
    return bool(ws & _CREDIT_WORDS) or (name.isupper() and len(name) <= 4 and key(name) not in alias_table())


@cache
def not_triggers(language: str | None) -> frozenset[str]:
    """Capitalised words the model need not look around (the recogniser reads the text only
    near capitalised words): function words, titles, months and days, capitalised common
    nouns, and one-word names of the alias table, which the rules find on their own."""
    lang = words(language)
    single = {n.casefold() for e in set(alias_table().values()) for n in e.names if " " not in n and "-" not in n}
    return (stopwords() | MONTHS_DAYS | single | {t.casefold() for t in lang.titles}
            | {w.casefold() for w in lang.common_capitalised})


def extract_entities(articles: Sequence[Article]) -> list[Article]:
    """The articles with their mentions and quotations filled in (one model call per
    language for the whole batch: spaCy is fastest on batches). An article's fields are read
    as one document, title first, so a name in the title groups with the text's."""
    by_language: dict[str | None, list[int]] = defaultdict(list)
    for i, a in enumerate(articles):
        by_language[a.language].append(i)
    out = list(articles)
    stop = stopwords()
    for language, idx in by_language.items():
        docs = [fields(articles[i]) for i in idx]
        spans = recognise([_SEP.join(t for _, t in doc) for doc in docs], language, not_triggers(language))
        for i, doc, model_spans in zip(idx, docs, spans):
            out[i] = _describe(articles[i], doc, model_spans, language, stop)
    return out


def _describe(article: Article, doc: list[tuple[str, str]], model_spans: list[Span], language: str | None,
              stop: frozenset[str]) -> Article:
    combined = _SEP.join(t for _, t in doc)
    offsets: list[tuple[int, str]] = []  # (start in combined, field)
    pos = 0
    for name, t in doc:
        offsets.append((pos, name))
        pos += len(t) + len(_SEP)
    base = {name: start for start, name in offsets}["text"]
    sentence_starts = frozenset(s + base for s, _ in article.sentences) | frozenset(s for s, _ in offsets)
    names = find_names(combined, model_spans, language, stop, sentence_starts)
    text_end = base + len(article.text)
    names = [s for s in names if s.start < text_end or not _credit(combined[s.start:s.end])]
    starts = [s for s, _ in article.sentences] or [0]
    field_of = [offsets[bisect_right([o for o, _ in offsets], s.start) - 1] for s in names]
    sentence_of = [max(0, bisect_right(starts, s.start - base) - 1) if f == "text" else -1
                   for s, (_, f) in zip(names, field_of)]
    grouped = group_mentions(combined, names, sentence_of, language)
    mentions = [replace(m, start=m.start - o, end=m.end - o, field=f) for m, (o, f) in zip(grouped, field_of)]
    in_text = [m for m in mentions if m.field == "text"]
    quotes = find_quotes(article.text, article.sentences, article.paragraphs, in_text, language)
    return article.evolve(mentions=tuple(mentions), quotes=tuple(quotes))


__all__ = ["EXTRACTION_VERSION", "extract_entities", "fields"]
