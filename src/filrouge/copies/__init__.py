"""Copies: syndicated and near-duplicate articles, the passages articles share, and who
published first.

:class:`CopyIndex` keeps the online index (MinHash LSH in the store); the functions here
read it to describe groups, to find an article's passages in other articles, and to date
an undated article from its dated copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..article import Article, CopyGroup, CopyMember, Passage, PublishedDate
from ..store import Store
from .index import CopyIndex, group_id
from .signature import SHINGLE, sentence_words

__all__ = ["CopyIndex", "copy_date", "describe_group", "diff_passages", "first_member", "group_id",
           "shared_passages"]

# A sentence of a member counts as present in the reference when at least this share of
# its word trigrams is found there (a sentence with a word or two changed is the same).
_PRESENT = 0.5


def _own(a: Article) -> PublishedDate | None:
    return a.published if a.published is not None and not a.published.inferred else None


def first_member(members: Sequence[Article]) -> tuple[str | None, str]:
    """The member published first, by the members' own dates (not inferred ones), and why.
    It is None when no member has a date, or when the earliest dates tie or overlap
    ("2023-11" and "2023-11-14" cannot be ordered)."""
    dated = sorted((p.value, a.id) for a in members if (p := _own(a)) is not None)
    if not dated:
        return None, "no member has a publication date of its own"
    value, first = dated[0]
    for other_value, other in dated[1:]:
        # A date is an interval: value .. value + everything finer. "First" must end
        # before every other one starts.
        if not value + "\uffff" < other_value:
            return None, f"{first} and {other} are both dated {value if value == other_value else value + ' / ' + other_value}"
    return first, f"published {value}, before the other dated members" if len(dated) > 1 else \
        f"the only member with a date ({value})"


def copy_date(dates: Iterable[PublishedDate | None]) -> PublishedDate | None:
    """The date an undated member takes from its copies' publication ``dates``: the earliest
    date of their own (not inferred), marked as inferred from a copy."""
    dated = sorted((p.value, p.granularity) for p in dates if p is not None and not p.inferred)
    if not dated:
        return None
    return PublishedDate(dated[0][0], dated[0][1], "copy", inferred=True)


def _trigrams(words: Sequence[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _text_trigrams(article: Article) -> set[tuple[str, ...]]:
    return _trigrams(sentence_words(article.text))


def _absent_runs(article: Article, theirs: set[tuple[str, ...]]) -> tuple[Passage, ...]:
    """Runs of ``article``'s sentences that the text with trigrams ``theirs`` does not have."""
    runs: list[Passage] = []
    start = end = None
    for s, e in article.sentences:
        grams = _trigrams(sentence_words(article.text[s:e]))
        present = not grams or len(grams & theirs) >= _PRESENT * len(grams)
        if present:
            if start is not None:
                runs.append(Passage(article.text[start:end], start, end))
                start = None
        else:
            if start is None:
                start = s
            end = e
    if start is not None:
        runs.append(Passage(article.text[start:end], start, end))
    return tuple(runs)


def diff_passages(member: Article, reference: Article,
                  reference_trigrams: set[tuple[str, ...]] | None = None,
                  ) -> tuple[tuple[Passage, ...], tuple[Passage, ...]]:
    """(passages ``member`` adds, passages of ``reference`` it leaves out). Pass the
    reference's trigrams when diffing many members against one reference."""
    if member.id == reference.id:
        return (), ()
    theirs = reference_trigrams if reference_trigrams is not None else _text_trigrams(reference)
    return _absent_runs(member, theirs), _absent_runs(reference, _text_trigrams(member))


def describe_group(store: Store, grp: str) -> CopyGroup:
    ids = store.copy_group_members(grp)
    members = [store.get(i) for i in ids]
    first, reason = first_member(members)
    reference = first or max(members, key=lambda a: (a.word_count, [-ord(c) for c in a.id])).id
    ref = next(a for a in members if a.id == reference)
    ref_trigrams = _text_trigrams(ref)
    links = tuple(sorted(set(store.copy_links(ids))))
    out = []
    for a in members:
        added, missing = diff_passages(a, ref, ref_trigrams)
        out.append(CopyMember(a.id, a.title, a.source, a.published, added, missing))
    return CopyGroup(grp, tuple(ids), first, reason, reference, links, tuple(out))


def shared_passages(store: Store, article: Article, max_articles: int) -> list[Passage]:
    """Runs of the article's sentences found (after normalisation) in articles that are not
    its copies, each with those articles. A sentence found in more than ``max_articles``
    articles is boilerplate and ends a run."""
    grp = store.copy_group(article.id)
    copies = set(store.copy_group_members(grp)) if grp else set()
    where: dict[int, set[str]] = {}
    for sentence, other, _ in store.passage_matches(article.id):
        if other not in copies:
            where.setdefault(sentence, set()).add(other)
    runs: list[Passage] = []
    current: list[int] = []

    def close() -> None:
        if current:
            s, e = article.sentences[current[0]][0], article.sentences[current[-1]][1]
            others = set.union(*(where[i] for i in current))
            runs.append(Passage(article.text[s:e], s, e, tuple(sorted(others))))
            current.clear()

    for i in range(len(article.sentences)):
        if i in where and len(where[i]) <= max_articles:
            # A run continues while the next sentence is shared with some of the same articles.
            if current and not (where[i] & where[current[-1]]):
                close()
            current.append(i)
        else:
            close()
    close()
    return runs
