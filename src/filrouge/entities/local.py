"""Which names in one article name the same entity.

Inside an article a full name comes first and shorter forms follow: "Vladimir Poutine",
then "Poutine", "V. Poutine", "Vladimir Vladimirovitch Poutine"; "Kim Jong Un", then "Kim".
``group_mentions`` puts them together:

- full names (two words or more, patronymics and initials aside) with the same key, or keys
  one edit apart ("Sergueï Choïgou" / "Sergueï Choïgo"), are one person;
- a short form joins the full name whose last word (or first: "Kim", "Xi") it is, with a
  matching initial if it has one; when two full names fit ("Kim" with Kim Jong Un and Kim
  Jong Il in one article), the one mentioned last before it wins;
- places and organisations group by key, near keys, and acronyms ("BCE" with "Banque
  centrale européenne");
- each group takes the type most of its mentions have, but a one-word "person" named mostly
  right after "à", "place", "in" is a place.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import cache, lru_cache

from ..article import Mention
from .names import (
    ARTICLES,
    NearIndex,
    acronym,
    alias_table,
    fold,
    key,
    named_as_place,
    word_key,
    words,
)
from .ner import Span

_ACRONYM_SKIP = frozenset(["de", "du", "des", "d", "la", "le", "les", "l", "of", "the", "and", "et", "for", "für", "der", "die", "das", "und", "y", "del"])


@cache
def _patronymic_endings() -> tuple[str, ...]:
    return tuple(sorted({e for lang in ("fr", "en", "de", "es") for e in words(lang).patronymic_endings}))


def name_words(name: str) -> list[str]:
    """A person's name words, folded, without initials and (with three words or more) a
    Russian patronymic: "Vladimir Vladimirovitch Poutine" → ["vladimir", "poutine"]."""
    ws = [w for w in fold(name).split() if len(w) > 1]
    if len(ws) >= 3:
        middle = [w for w in ws[1:-1] if not w.endswith(_patronymic_endings())]
        ws = [ws[0], *middle, ws[-1]]
    return ws


@lru_cache(maxsize=65536)
def name_key(name: str, etype: str) -> str:
    """The key a name is matched on: for a person, without initials and patronymic; for
    another name, without a leading article ("The Washington Post" is "Washington Post",
    "La Haye" where a sentence opens with it and "Haye" where it was cut off)."""
    if etype == "PER":
        return " ".join(word_key(w) for w in name_words(name))
    k = key(name)
    first, _, rest = k.partition(" ")
    return rest if rest and first in ARTICLES else k


def _initial(name: str) -> str | None:
    first = name.split()[0] if name.split() else ""
    if len(first) == 2 and first.endswith(".") and first[0].isupper():
        return first[0].casefold()
    return None


def group_mentions(text: str, spans: list[Span], sentence_of: list[int], language: str | None
                   ) -> list[Mention]:
    """Mentions in text order, each with ``local``, the number of the article-local entity it
    names (numbered in order of first mention)."""
    names = [text[s.start:s.end] for s in spans]
    # A lone word the model typed otherwise but that is part of a person's full name in
    # this article is that person ("Pour Kim, ..." tagged MISC, with "Kim Jong Un" later).
    parts: set[str] = set()
    for n, s in zip(names, spans):
        ws = name_key(n, "PER").split()
        if s.type == "PER" and len(ws) > 1:
            parts.update((ws[0], ws[-1]))
    spans = [replace(s, type="PER") if s.type != "PER" and " " not in n and key(n) in parts
             and key(n) not in alias_table() else s for n, s in zip(names, spans)]
    keys = [name_key(n, s.type) for n, s in zip(names, spans)]
    group = list(range(len(spans)))

    def find(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            group[max(a, b)] = min(a, b)

    persons = [i for i, s in enumerate(spans) if s.type == "PER"]
    full = [i for i in persons if " " in keys[i]]
    short = [i for i in persons if keys[i] and " " not in keys[i]]
    # Full names: same key, or one edit apart (as many words).
    by_full = _by_key(full, keys)
    near_full = NearIndex(by_full)
    for k, members in by_full.items():
        for other in near_full.lookup(k):
            if len(other.split()) == len(k.split()):
                union(members[0], by_full[other][0])
        for j in members[1:]:
            union(members[0], j)
    # Short forms join the nearest full name they fit: by last word (or one edit from it),
    # else by first word ("Kim", "Xi"); with an initial, the first name must fit it.
    by_last: dict[str, list[int]] = {}
    by_first: dict[str, list[int]] = {}
    for j in full:  # in text order
        parts = keys[j].split()
        by_last.setdefault(parts[-1], []).append(j)
        by_first.setdefault(parts[0], []).append(j)
    near_last = NearIndex(by_last)
    for i in short:
        k = keys[i]
        initial = _initial(names[i])
        for pool in ([j for p in near_last.lookup(k) for j in by_last[p]], by_first.get(k, [])):
            cands = [j for j in pool if not initial or keys[j].startswith(initial)]
            if cands:
                before = [j for j in cands if spans[j].start < spans[i].start]
                union(i, max(before, key=lambda j: spans[j].start) if before
                      else min(cands, key=lambda j: spans[j].start))
                break
    # Short forms with no full name: by key.
    full_roots = {find(j) for j in full}
    for members in _by_key([i for i in short if find(i) not in full_roots], keys).values():
        for j in members[1:]:
            union(members[0], j)
    # Places, organisations, events: same key or one edit apart, and acronyms.
    for etype in ("LOC", "ORG", "MISC"):
        by_key = _by_key([i for i, s in enumerate(spans) if s.type == etype], keys)
        index = NearIndex(by_key)
        long_forms: dict[str, int] = {}
        for k, members in by_key.items():
            for j in members[1:]:
                union(members[0], j)
            for other in index.lookup(k):
                union(members[0], by_key[other][0])
            long_forms.setdefault(acronym(names[members[0]].replace("-", " ").split(), _ACRONYM_SKIP), members[0])
        for k, members in by_key.items():
            name = names[members[0]]
            if 2 <= len(name) <= 6 and name.isupper() and " " not in name:
                j = long_forms.get(name)
                if j is not None and " " in names[j].replace("-", " ").strip():
                    union(members[0], j)
    # Number the groups in order of first mention; each takes its majority type.
    order: dict[int, int] = {}
    for i in range(len(spans)):
        order.setdefault(find(i), len(order))
    types: list[Counter[str]] = [Counter() for _ in order]
    for i, s in enumerate(spans):
        types[order[find(i)]][s.type] += 1
    majority = [max(c.items(), key=lambda kv: (kv[1], kv[0] == "PER"))[0] for c in types]
    for g in _places_typed_persons(text, spans, names, [order[find(i)] for i in range(len(spans))], majority, language):
        majority[g] = "LOC"
    return [Mention(names[i], s.start, s.end, majority[order[find(i)]], sentence_of[i], order[find(i)])
            for i, s in enumerate(spans)]


def _places_typed_persons(text: str, spans: list[Span], names: list[str], groups: list[int], majority: list[str],
                          language: str | None) -> list[int]:
    """The groups the model typed as persons that read as places: one-word names only (no
    first name anywhere in the article), unknown to the alias table, never after a title,
    and at least half of their mentions right after a word that makes a place ("à
    Benghazi", "place Tahrir", "in Misrata"; ``locatives``), not as the subject of a relative
    clause ("à Alain Deklerk, qui…") nor a possessor ("in Obama's speech"). The small French
    model reads "Benghazi", "Syrte", "Misrata" as persons."""
    if not words(language).locatives:
        return []
    titles = {fold(t).rstrip(".") for t in words(language).titles}
    members: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    out = []
    for g, idx in members.items():
        if majority[g] != "PER" or any(" " in names[i].strip() or "-" in names[i] or key(names[i]) in alias_table()
                                       for i in idx):
            continue
        placed = 0
        for i in idx:
            s, e = spans[i].start, spans[i].end
            before = text[max(0, s - 25):s].split()
            if before and fold(before[-1]).rstrip(".") in titles:
                break   # "M. Kadhafi": a person
            if named_as_place(text, s, e, language) and not re.match(r"['’]s\b", text[e:e + 3]):
                placed += 1
        else:
            if placed and 2 * placed >= len(idx):
                out.append(g)
    return out


def _by_key(indices: list[int], keys: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i in indices:
        out.setdefault(keys[i], []).append(i)
    return out
