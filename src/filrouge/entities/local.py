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
- each group takes the type most of its mentions have.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from ..article import Mention
from .names import acronym, alias_table, fold, key, near, word_key, words
from .ner import Span

_ACRONYM_SKIP = frozenset(["de", "du", "des", "d", "la", "le", "les", "l", "of", "the", "and", "et", "for", "für", "der", "die", "das", "und", "y", "del"])


@dataclass
class LocalEntity:
    """One entity as an article names it: its mentions' spellings and keys."""

    index: int
    type: str
    names: list[str] = field(default_factory=list)

    @property
    def full(self) -> list[str]:
        return [n for n in self.names if len(name_words(n)) > 1]


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
    """The key a name is matched on: for a person, without initials and patronymic."""
    if etype == "PER":
        return " ".join(word_key(w) for w in name_words(name))
    return key(name)


def _initial(name: str) -> str | None:
    first = name.split()[0] if name.split() else ""
    if len(first) == 2 and first.endswith(".") and first[0].isupper():
        return first[0].casefold()
    return None


def group_mentions(text: str, spans: list[Span], sentence_of: list[int], language: str | None
                   ) -> tuple[list[Mention], list[LocalEntity]]:
    """Mentions (in text order) and the article-local entities they name."""
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
    full = [i for i in persons if len(keys[i].split()) > 1]
    short = [i for i in persons if len(keys[i].split()) == 1]
    # Full names: same key, or one edit apart.
    for a_pos, i in enumerate(full):
        for j in full[a_pos + 1:]:
            if keys[i] == keys[j] or (len(keys[i].split()) == len(keys[j].split()) and near(keys[i], keys[j])):
                union(i, j)
    # Short forms join the nearest full name they fit.
    for i in short:
        k = keys[i]
        initial = _initial(names[i])
        fits: list[tuple[int, int]] = []  # (rank, full mention)
        for j in full:
            parts = keys[j].split()
            last_ok = parts[-1] == k or near(parts[-1], k)
            first_ok = parts[0] == k
            if initial and not parts[0].startswith(initial):
                continue
            if last_ok or first_ok:
                fits.append((0 if last_ok else 1, j))
        if not fits:
            continue
        best_rank = min(r for r, _ in fits)
        cands = [j for r, j in fits if r == best_rank]
        before = [j for j in cands if spans[j].start < spans[i].start]
        chosen = max(before, key=lambda j: spans[j].start) if before else min(cands, key=lambda j: spans[j].start)
        union(i, chosen)
    # Short forms with no full name: by key.
    full_roots = {find(j) for j in full}
    loose: dict[str, list[int]] = {}
    for i in short:
        if find(i) not in full_roots:
            loose.setdefault(keys[i], []).append(i)
    for members in loose.values():
        for j in members[1:]:
            union(members[0], j)
    # Places, organisations, events: same key or near, acronyms.
    others = [i for i, s in enumerate(spans) if s.type != "PER"]
    for a_pos, i in enumerate(others):
        for j in others[a_pos + 1:]:
            if spans[i].type != spans[j].type:
                continue
            if keys[i] == keys[j] or near(keys[i], keys[j]) or _abbreviates(names[i], names[j]) \
                    or _abbreviates(names[j], names[i]):
                union(i, j)
    # Number the groups in order of first mention; each takes its majority type.
    order: dict[int, int] = {}
    for i in range(len(spans)):
        order.setdefault(find(i), len(order))
    entities = [LocalEntity(n, "") for n in range(len(order))]
    types: list[Counter[str]] = [Counter() for _ in order]
    for i, s in enumerate(spans):
        n = order[find(i)]
        entities[n].names.append(names[i])
        types[n][s.type] += 1
    for ent, c in zip(entities, types):
        ent.type = max(c.items(), key=lambda kv: (kv[1], kv[0] == "PER"))[0]
    mentions = [Mention(names[i], s.start, s.end, entities[order[find(i)]].type, sentence_of[i],
                        order[find(i)]) for i, s in enumerate(spans)]
    return mentions, entities


def _abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` is the acronym of ``long``: "BCE" of "Banque centrale européenne"."""
    if not (2 <= len(short) <= 6 and short.isupper() and " " not in short):
        return False
    ws = long.replace("-", " ").split()
    return len(ws) >= 2 and acronym(ws, _ACRONYM_SKIP) == short
