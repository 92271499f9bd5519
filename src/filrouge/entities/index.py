"""The entity index: one canonical entity for every spelling, across the corpus, online.

Articles arrive one at a time (``add``). Each article-local entity (see ``local``) is looked
up by its keys in the store:

1. a name of the bundled alias table gives that table's entity ("Moscou", "Moscow");
2. a person's full name finds the entity with the same key, or else one a single edit away
   (both at least ``names.NEAR_MIN`` letters), so "Kim Jung Un" finds "Kim Jong Un"
   while "Kim Jong Il" (two edits) stays apart;
3. a surname alone ("Poutine", with no full name in its article) finds the person whose
   full name ends (or, for "Kim", starts) with it: the one named beside most of the
   article's other entities, the most mentioned without such context, and none when the
   context goes with none of them ("Jackson" in a Chargers report is no Watergate Jackson);
4. places, organisations and events find the entity with the same key or one edit away.

Otherwise a new entity is made. When a full name arrives with the short form an earlier
article used alone ("Poutine" before "Vladimir Poutine" was ever seen), the short-only entity
is merged into the person, if that surname belongs to no one else, and its id redirects.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from ..article import Article, Entity, Mention
from ..copies.signature import stopwords
from ..store import Store
from .local import name_key, name_words
from .names import (
    NEAR_MIN,
    PARTICLES,
    alias_ids,
    alias_table,
    deletions,
    fold,
    key,
    models,
    near_probes,
    same_initials,
    same_numbers,
    slug,
)

Key = tuple[str, str, str]
# Runs of capitalised words (with the particles names carry inside: "Banco de España", "Saïf
# al-Islam"), where a language without a recogniser looks for the names already known.
_CAPITALISED = re.compile(
    r"(?<![\w'’-])[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:[ \t\xa0]+(?:(?:de|del|la|las|los|von|van|der|den|al|el|di|da|du|des|y)"
    r"[ \t\xa0]+)?[A-ZÀ-ÖØ-Þ][\w'’.-]*){0,4}")
# A known name found alone this short is too often a common word of the other language.
KNOWN_MIN = 4
# Entities an article must name besides a lone name for its context to decide which
# person that name is (``EntityIndex._lone``).
MIN_CONTEXT = 3


def _local_entities(mentions: tuple[Mention, ...]) -> dict[int, tuple[str, list[str]]]:
    out: dict[int, tuple[str, list[str]]] = {}
    for m in mentions:
        out.setdefault(m.local, (m.type, []))[1].append(m.text)
    return out


_INITIALS = re.compile(r"(?:[A-ZÀ-Ý]\.-?){1,3}")   # "V.", "A.J.", "J.-P." (not "Dr.", "St.")


def _initials(names: list[str]) -> frozenset[str]:
    """The initials a person's names open with ("A.J. Butler", "V. Poutine", "J.-P.
    Raffarin": a, v, j), folded.

    >>> sorted(_initials(["A.J. Butler", "Butler", "V. Poutine", "Vladimir Poutine", "Dr. Watson"]))
    ['a', 'v']
    """
    out = set()
    for n in names:
        first = n.split()[0] if len(n.split()) > 1 else ""
        if _INITIALS.fullmatch(first):
            out.add(fold(first[0]))
    return frozenset(out)


class EntityIndex:
    """Canonical entities kept in a store; ``add(article)`` files its mentions and quotes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._merges = 0  # merges made while filing the current article

    def add(self, article: Article) -> dict[int, str]:
        """File an article's mentions and quotations under canonical entities (replacing what
        an earlier version filed). Returns local entity → canonical id."""
        from . import EXTRACTION_VERSION

        mapping: dict[int, str] = {}
        found = _local_entities(article.mentions)
        # A person named by one word alone is resolved last: the article's other entities,
        # already resolved, tell which of the people with that name it is.
        order = sorted(found, key=lambda k: found[k][0] == "PER" and all(" " not in name_key(n, "PER")
                                                                           for n in found[k][1]))
        context: set[str] = set()   # the entities resolved so far in this article
        with self.store.transaction():
            self._merges = 0
            for local in order:
                etype, names = found[local]
                mapping[local] = self._resolve(etype, names, context)
                context.add(mapping[local])
            # A merge made while resolving a later local entity may have moved an earlier one.
            if self._merges:
                mapping = {k: self.store.entity_resolve(v) or v for k, v in mapping.items()}
            self.store.entity_put_article(
                article.id, EXTRACTION_VERSION,
                [(m, mapping[m.local]) for m in article.mentions],
                [(q, mapping.get(q.speaker_local) if q.speaker_local is not None else None)
                 for q in article.quotes],
            )
        return mapping

    def known_names(self, article: Article) -> tuple[Mention, ...]:
        """The mentions to add to an article in a language no recogniser reads (German,
        Spanish; none for the others): the names in its title and text that the store
        already knows from other articles ("Christine Lagarde", "Sommières", "Météo-France").
        Each run of capitalised words is matched longest first, under the type the name is
        known by; a word alone needs :data:`KNOWN_MIN` letters and must be no function
        word. German capitalises every noun, so a run is only a name where the store has
        it. What the rules already found stays; each name is one new local entity."""
        if article.language in models():
            return ()
        taken = {(m.field, i) for m in article.mentions for i in range(m.start, m.end)}
        candidates: list[tuple[str, int, int, str, str]] = []   # field, start, end, name, its key
        for field, text in (("title", article.title or ""), ("text", article.text)):
            for m in _CAPITALISED.finditer(text):
                words = [(m.start() + w.start(), m.start() + w.start() + len(w.group().rstrip(".'’-")))
                         for w in re.finditer(r"\S+", m.group())]
                for i in range(len(words)):
                    for j in range(len(words), i, -1):
                        a, b = words[i][0], words[j - 1][1]
                        candidates.append((field, a, b, text[a:b], key(text[a:b])))
        probes = {(k, t, "name") for *_, k in candidates for t in ("PER", "LOC", "ORG", "MISC")}
        probes |= {(k, "PER", "part") for _, _, _, n, k in candidates if " " not in n}
        found = self.store.entity_find(probes)
        # A name key counts under the type its entity has now: an organisation once typed a
        # person ("Education Nationale") keeps that person's keys, and "Nationale" alone is
        # no one.
        typed = self.store.entity_types({e for es in found.values() for e in es})
        known = {p for p, es in found.items() if any(typed.get(e) == p[1] for e in es)}
        common = stopwords()
        out: list[Mention] = []
        first_free = max((m.local for m in article.mentions), default=-1) + 1
        locals_: dict[str, int] = {}
        starts = [s for s, _ in article.sentences]
        for field, a, b, name, k in sorted(candidates, key=lambda c: (c[0], c[1], -(c[2] - c[1]))):
            if any((field, i) in taken for i in range(a, b)):
                continue
            if " " not in k and (sum(c.isalpha() for c in name) < KNOWN_MIN or fold(name) in common):
                continue
            types = [t for t in ("PER", "LOC", "ORG", "MISC") if (k, t, "name") in known]
            if not types and (k, "PER", "part") in known:
                types = ["PER"]
            if not types:
                continue
            sentence = bisect.bisect_right(starts, a) - 1 if field == "text" else -1
            local = locals_.setdefault(k, first_free + len(locals_))
            out.append(Mention(text=name, start=a, end=b, type=types[0], sentence=sentence, local=local, field=field))
            taken.update((field, i) for i in range(a, b))
        return tuple(out)

    # ------------------------------------------------------------------ resolution
    def _resolve(self, etype: str, names: list[str], context: AbstractSet[str]) -> str:
        table = alias_table()
        for n in names:
            entry = table.get(key(n))
            if entry is not None and entry.type == etype:
                eid = self.store.entity_create(entry.id, etype, exact=True)
                self._absorb(eid, etype, names)
                return eid
        keys = {name_key(n, etype) for n in names}
        if etype == "PER":
            full = {k for k in keys if " " in k}
            short = keys - full
            if full:
                eid = self._lookup(full, etype) or self._other_type(full, etype) or self._new(etype, names)
                self._absorb(eid, etype, names)
                return eid
            eid = self._lone(short, etype, context, _initials(names))
            if eid is None:
                eid = self._new(etype, names)
            self.store.entity_add_keys(eid, [(k, etype, "name") for k in short])
            return eid
        eid = self._lookup(keys, etype) or self._other_type(keys, etype) or self._new(etype, names)
        self._absorb(eid, self.store.entity_types([eid]).get(eid, etype), names)
        return eid

    def _other_type(self, keys: set[str], etype: str) -> str | None:
        """The entity a name already has under another type: the models call one name a
        place here and an organisation or a person there ("Conques", "Reynaud"). A lone
        word also finds the person it is the surname of, unless it ends that name after a
        particle: "Islam", the religion, is not "Saïf al-Islam". Names the alias table types
        are never moved."""
        if any(k in alias_table() for k in keys):
            return None
        others = [t for t in ("PER", "LOC", "ORG", "MISC") if t != etype]
        probes = [(k, t, "name") for k in keys for t in others]
        probes += [(k, "PER", "part") for k in keys if " " not in k and etype != "PER"]
        found = self.store.entity_find(probes)
        return self._choose([e for p in probes for e in found.get(p, [])
                             if p[2] != "part" or not self._after_particle(e, p[0])])

    def _after_particle(self, entity: str, word: str) -> bool:
        """Whether a person's names have ``word`` only after a particle ("al islam")."""
        before = [ws[i - 1] if i else "" for ws in (n.split() for n in self.store.entity_keys_of(entity, "name"))
                  for i, w in enumerate(ws) if w == word]
        return bool(before) and all(b in PARTICLES for b in before)

    def _lookup(self, keys: set[str], etype: str, near: bool = True) -> str | None:
        found = self.store.entity_find((k, etype, "name") for k in keys)
        hits = [e for es in found.values() for e in es]
        if not hits and near:
            found = self.store.entity_find((p, etype, kind) for k in keys for p, kind in near_probes(k))
            hits = [e for es in found.values() for e in es]
            hits = [e for e in hits if self._same_shape(e, keys)]
        return self._choose(hits)

    def _same_shape(self, entity: str, keys: set[str]) -> bool:
        """A near match must have as many words ("Kim Jong Un" is not near "Kim Jongun"),
        the same numbers ("COP 26" is not "COP 27") and words that start alike ("Calais"
        is not "Valais")."""
        names = self.store.entity_keys_of(entity, "name")
        return not names or any(len(n.split()) == len(k.split()) and same_numbers(n, k) and same_initials(n, k)
                                for n in names for k in keys)

    def _lone(self, short: set[str], etype: str, context: AbstractSet[str],
              initials: AbstractSet[str] = frozenset()) -> str | None:
        """The person a name alone ("Jackson", "Poutine") is: among the people whose full
        name has it as first or last word, and those already named so, the one named
        most often beside the article's other entities (``context``) in its latest articles.
        When the article names :data:`MIN_CONTEXT` other entities and none of them beside
        any of these people, it is none of them (a Chargers receiver "Jackson" is not Henry
        Jackson of the Watergate reports): a new entity. Without such context, the most
        mentioned, as before. A name with an initial ("A.J. Butler", "V. Poutine") is none
        of the people whose first name starts otherwise (Darius Butler)."""
        found = self.store.entity_find([(k, etype, kind) for k in short for kind in ("part", "name")])
        parts = [e for (_, _, kind), es in found.items() if kind == "part" for e in es]
        names = [e for (_, _, kind), es in found.items() if kind == "name" for e in es]
        if initials:
            parts = [e for e in parts if self._fits_initials(e, initials)]
            names = [e for e in names if self._fits_initials(e, initials)]
        hits = list(dict.fromkeys(parts + names))
        context = context - set(hits)
        if hits and len(context) >= MIN_CONTEXT:
            overlap = self.store.entity_context(hits, context)
            best = max(overlap.values())
            if best == 0:
                return None
            return self._choose([e for e in hits if overlap[e] == best])
        return self._choose(parts) or self._choose(names) or self._other_type(short, etype)

    def _fits_initials(self, entity: str, initials: AbstractSet[str]) -> bool:
        """Whether a person has no full name, or one whose first word starts with one of
        ``initials``."""
        firsts = [n.split()[0] for n in self.store.entity_keys_of(entity, "name") if " " in n]
        return not firsts or any(f[0] in initials for f in firsts)

    def _choose(self, hits: list[str]) -> str | None:
        """Among candidate entities: the alias table's, then the most mentioned, then the oldest."""
        hits = list(dict.fromkeys(hits))
        if not hits:
            return None
        if len(hits) == 1:
            return hits[0]
        table_ids = alias_ids()
        counts = self.store.entity_mention_counts(hits)
        seq = self.store.entity_seq(hits)
        return min(hits, key=lambda e: (e not in table_ids, -counts.get(e, 0), seq.get(e, 0)))

    def _new(self, etype: str, names: list[str]) -> str:
        best = max(names, key=lambda n: (len(name_words(n)) if etype == "PER" else 1, names.count(n), len(n)))
        return self.store.entity_create(slug(best), etype)

    def _absorb(self, eid: str, etype: str, names: list[str]) -> None:
        """Give an entity the keys of the names it was just found under, and merge into it
        the entities those keys already led to: short-only entities of its surnames (when
        that surname is no one else's), and places or organisations under the same name."""
        keys = {name_key(n, etype) for n in names}
        new_keys: list[Key] = []
        merge: set[str] = set()
        if etype == "PER":
            full = {k for k in keys if " " in k}
            short = keys - full
            parts = {p for k in full for p in (k.split()[0], k.split()[-1])}
            new_keys += [(k, etype, "name") for k in full]
            new_keys += [(p, etype, "part") for p in parts]
            new_keys += [(d, etype, "del") for k in full if len(k) >= NEAR_MIN for d in deletions(k)]
            # A lone name later finds the person by a part of the full name (``_lone``);
            # the full name arriving later finds the lone names that came first the same way,
            # so the order of the two makes no difference.
            lone = short | parts
            owners = self.store.entity_find((p, etype, "part") for p in lone)
            shorts = self.store.entity_find((p, etype, "name") for p in lone)
            for k in lone:
                others = set(owners.get((k, etype, "part"), [])) - {eid}
                if not others:
                    merge.update(e for e in shorts.get((k, etype, "name"), []) if e != eid and self._short_only(e))
        else:
            new_keys += [(k, etype, "name") for k in keys]
            new_keys += [(d, etype, "del") for k in keys if len(k) >= NEAR_MIN for d in deletions(k)]
            found = self.store.entity_find((k, etype, "name") for k in keys)
            merge.update(e for es in found.values() for e in es if e != eid)
        self.store.entity_add_keys(eid, new_keys)
        table_ids = alias_ids()
        for other in merge:
            if other in table_ids and eid not in table_ids:
                continue  # never fold a table entity into another
            self.store.entity_merge(other, eid)
            self._merges += 1

    def _short_only(self, entity: str) -> bool:
        """Whether a person is known by a surname alone (no full name: no first/last parts)."""
        return not self.store.entity_keys_of(entity, "part")


# ---------------------------------------------------------------------------- describing
def display_name(etype: str, aliases: list[tuple[str, int]]) -> str:
    """The most complete frequent form: for a person, the most frequent spelling among those
    with a first and a last name (initials and patronymics aside); else the most frequent. A
    full name is written once an article, then the surname: a form seen once or twice among
    many mentions is the person's only if it ends with the form most often seen; otherwise
    it is most often a name the model ran into the next word ("Marseille UNIQUEMENT").

    >>> display_name("PER", [("Poutine", 16), ("Vladimir Poutine", 3)])
    'Vladimir Poutine'
    >>> display_name("PER", [("Marseille", 160), ("MARSEILLE", 4), ("Marseille UNIQUEMENT", 1)])
    'Marseille'
    >>> display_name("PER", [("Felt", 140), ("Mark Felt", 2)])
    'Mark Felt'
    """
    if not aliases:
        return ""
    pool = aliases
    if etype == "PER":
        full = [(a, n) for a, n in aliases if len(name_words(a)) >= 2 and not _has_initial(a)]
        seen = sum(n for _, n in full)
        if seen < 3 and 10 * seen < sum(n for _, n in aliases):
            lone = name_key(max(aliases, key=lambda an: an[1])[0], etype)
            if not any(name_key(a, etype).split()[-1] == lone for a, _ in full):
                full = []
        pool = full or aliases
        # "Vladimir Vladimirovitch Poutine" once and "Vladimir Poutine" often: count by key.
        by_key: Counter[str] = Counter()
        for a, n in pool:
            by_key[name_key(a, etype)] += n
        best_key = max(by_key, key=lambda k: (by_key[k], len(k)))
        pool = [(a, n) for a, n in pool if name_key(a, etype) == best_key]
    return max(pool, key=lambda an: (an[1], len(an[0]), an[0]))[0]


def _has_initial(name: str) -> bool:
    return any(len(w) == 2 and w.endswith(".") for w in name.split())


def describe(store: Store, entities: list[str] | None = None, etype: str | None = None,
             with_articles: bool = True) -> list[Entity]:
    """Entities with their display names, aliases (most frequent first), articles and dates
    (``with_articles=False``: names and aliases only, from a sample of at most 300
    mentions of each: cheaper for much-named entities)."""
    aliases: dict[str, list[tuple[str, int]]] = defaultdict(list)
    types: dict[str, str] = {}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    rows = store.entity_aliases(entities, etype) if with_articles or entities is None else \
        store.entity_alias_sample(entities)
    for eid, t, text, n in rows:
        spellings[eid][text] += int(n)  # one spelling, whatever type each mention had
        votes[eid][t] += int(n)
    for eid, c in spellings.items():
        aliases[eid] = list(c.items())
    for eid, c in votes.items():
        types[eid] = max(c.items(), key=lambda kv: (kv[1], kv[0] == "PER"))[0]
    articles: dict[str, list[str]] = defaultdict(list)
    dates: dict[str, list[str]] = defaultdict(list)
    for eid, aid, published in (store.entity_articles(list(aliases)) if with_articles else ()):
        articles[eid].append(aid)
        if published:
            dates[eid].append(published)
    out = []
    for eid, al in aliases.items():
        al.sort(key=lambda an: (-an[1], an[0]))
        ds = sorted(dates.get(eid, []))
        out.append(Entity(eid, display_name(types[eid], al), types[eid], tuple(al), tuple(articles[eid]),
                          ds[0] if ds else None, ds[-1] if ds else None))
    return out


def entity_names(store: Store, entities: Iterable[str]) -> dict[str, tuple[str, str]]:
    """id → (display name, type) of these entities. Kept with the store between calls while
    the store does not change: a much-named entity's name costs a scan of its mentions."""
    cache: dict[str, tuple[str, str]]
    version, cache = getattr(store, "_entity_names", (None, {}))
    now = store.search_version()
    if version != now:
        cache = {}
        store._entity_names = (now, cache)  # type: ignore[attr-defined]
    wanted = [e for e in dict.fromkeys(entities) if e not in cache]
    if wanted:
        for ent in describe(store, sorted(wanted), with_articles=False):
            cache[ent.id] = (ent.name, ent.type)
        if len(cache) > 100_000:
            cache.clear()
    return {e: cache[e] for e in entities if e in cache}


def quote_records(store: Store, entities: list[str] | None = None,
                  articles: list[str] | None = None) -> list[dict[str, object]]:
    """Quotations as ``filrouge quotes --json`` prints them (all, of ``entities``, or in
    ``articles``)."""
    rows = store.quote_rows(entities, articles)
    speakers = {e for r in rows if (e := r[9])}
    names = {e: n for e, (n, _) in entity_names(store, speakers).items()}
    out = []
    for aid, published, start, stop, text, sentence, direct, fragment, speaker, eid, cue in rows:
        out.append({
            "text": text, "speaker": names.get(eid, speaker) if eid else speaker, "speaker_id": eid,
            "article": aid, "direct": bool(direct), "date": published, "said_as": speaker,
            "fragment": bool(fragment), "sentence": sentence, "start": start, "end": stop, "cue": cue,
        })
    return out


def merge_repeated(quotes: list[dict[str, object]]) -> list[dict[str, object]]:
    """One record for a quotation printed several times (copies of a dispatch, or outlets
    quoting the same words of the same speaker): the first, with ``sources``, every article
    that prints it, in order. A story's or a person's quotations are read so: once each."""
    out: list[dict[str, object]] = []
    seen: dict[tuple[object, str], list[str]] = {}
    for q in quotes:
        k = (q["speaker_id"] or q["speaker"], " ".join(_WORDS.findall(str(q["text"]).casefold())))
        sources = seen.get(k)
        if sources is None:
            seen[k] = sources = []
            out.append(dict(q, sources=sources))
        if q["article"] not in sources:
            sources.append(str(q["article"]))
    return out


_WORDS = re.compile(r"\w+")

__all__ = ["EntityIndex", "describe", "display_name", "entity_names", "merge_repeated", "quote_records"]
