"""The store interface. SQLite implements it now; PostgreSQL will join with the same tests."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, Self

import numpy as np

from ..article import Article, Mention, PublishedDate, Quote, Rejection

PutStatus = Literal["new", "version", "unchanged"]


@dataclass(frozen=True)
class SearchFilters:
    """What a search keeps: publication dates within [start, end] (ISO prefixes: 2023,
    2023-09, 2023-09-13), a language, a source (a part of its name), articles naming one
    of ``entities`` (canonical ids)."""

    start: str | None = None
    end: str | None = None
    language: str | None = None
    source: str | None = None
    entities: tuple[str, ...] | None = None

    def any(self) -> bool:
        return any(x is not None and x != "" for x in (self.start, self.end, self.language, self.source,
                                                          self.entities))


class Store(ABC):
    """Where articles live. Every write is one transaction: all of a batch, or none."""

    @abstractmethod
    def put_many(self, articles: Iterable[Article]) -> list[PutStatus]:
        """Store articles: new ids are added, changed content becomes a new version
        (the old one kept), identical content is left alone ("unchanged")."""

    def put(self, article: Article) -> PutStatus:
        return self.put_many([article])[0]

    @abstractmethod
    def update_derived(self, articles: Iterable[Article]) -> None:
        """Rewrite what later stages derive (date mentions, inferred dates) in place: the
        article's text is unchanged, so no new version is made."""

    @abstractmethod
    def get(self, article_id: str) -> Article:
        """The current version of an article; raises NotFound."""

    @abstractmethod
    def versions(self, article_id: str) -> list[Article]:
        """Every stored version of an article, oldest first (the current one last)."""

    @abstractmethod
    def iter_articles(self) -> Iterator[Article]:
        """Current versions, by publication date (undated last), then id."""

    @abstractmethod
    def ids(self) -> list[str]:
        """Ids of the current articles, in the order of ``iter_articles``."""

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def content_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """Current content hash of each of ``ids`` that is stored."""

    @abstractmethod
    def add_rejections(self, rejections: Iterable[Rejection]) -> None: ...

    @abstractmethod
    def clear_rejections(self, places: Iterable[tuple[str, int | None]]) -> None:
        """Forget rejections of inputs that have now been read (a fixed file)."""

    @abstractmethod
    def rejections(self) -> list[Rejection]: ...

    @abstractmethod
    def search_text(self, query: str, limit: int = 20) -> list[tuple[str, float]]:
        """Full-text search: (article id, BM25 score; lower is better)."""

    @abstractmethod
    def search_fts(self, match: str, limit: int, filters: SearchFilters | None = None) -> list[tuple[str, float]]:
        """(article id, BM25 score; lower is better) of a full-text MATCH expression."""

    @abstractmethod
    def search_filtered(self, filters: SearchFilters) -> set[str]: ...

    @abstractmethod
    def search_vectors(self) -> tuple[list[str], Any]: ...

    @abstractmethod
    def search_version(self) -> tuple[int, int]: ...

    @abstractmethod
    def search_rows(self, article_ids: Iterable[str], chars: int = 5000) -> dict[str, tuple[Any, ...]]: ...

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction; writes inside it (and nested transactions) commit together."""

    @abstractmethod
    def delete(self, article_id: str) -> None:
        """Remove an article and its earlier versions; raises NotFound."""

    @abstractmethod
    def published_dates(self, article_ids: Iterable[str]) -> dict[str, PublishedDate | None]:
        """Publication date (or None) of each stored article of ``article_ids``."""

    @abstractmethod
    def texts(self, article_ids: Iterable[str]) -> dict[str, str]:
        """The cleaned text of each stored article of ``article_ids``."""

    # ------------------------------------------------------------------ copy index
    # Kept in the store so it survives restarts; filrouge.copies.CopyIndex is its one user.
    @abstractmethod
    def copy_signature(self, article_id: str) -> tuple[int, np.ndarray, list[tuple[int, int]]] | None:
        """(index version, MinHash signature, [(sentence fingerprint, sentence)]) or None."""

    @abstractmethod
    def copy_index(self, article_id: str, version: int, signature: np.ndarray, keys: Sequence[int],
                   passages: Sequence[tuple[int, int]]) -> None: ...

    @abstractmethod
    def copy_unindex(self, article_id: str, keys: Sequence[int], passages: Sequence[tuple[int, int]]) -> None:
        """Remove an article's bands (``keys``), sentence fingerprints (``passages``),
        signature, links and group entry."""

    @abstractmethod
    def copy_candidates(self, keys: Sequence[int], exclude: str | None = None) -> list[tuple[str, np.ndarray]]:
        """(id, signature) of indexed articles sharing at least one of the band ``keys``."""

    @abstractmethod
    def copy_unindexed(self, version: int) -> list[str]: ...

    @abstractmethod
    def copy_link(self, article_id: str, links: Iterable[tuple[str, float, float]]) -> None: ...

    @abstractmethod
    def copy_links(self, article_ids: Iterable[str]) -> list[tuple[str, str, float, float]]: ...

    @abstractmethod
    def set_copy_groups(self, groups: dict[str, str | None]) -> None: ...

    @abstractmethod
    def copy_group(self, article_id: str) -> str | None: ...

    @abstractmethod
    def copy_group_members(self, grp: str) -> list[str]: ...

    @abstractmethod
    def copy_groups(self) -> dict[str, list[str]]: ...

    @abstractmethod
    def passage_matches(self, article_id: str) -> list[tuple[int, str, int]]:
        """(sentence, other article, its sentence) for each sentence found elsewhere."""

    # ------------------------------------------------------------------ entities
    @abstractmethod
    def entity_find(self, keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], list[str]]:
        """The entities each (key, type, kind) leads to."""

    @abstractmethod
    def entity_keys_of(self, entity: str, kind: str) -> list[str]: ...

    @abstractmethod
    def entity_forget(self, article_id: str) -> None: ...

    @abstractmethod
    def entity_digests(self) -> dict[str, int]:
        """Each article that names entities → a hash of the set of their ids (to tell, in
        this process, whose entities changed without holding them all)."""

    @abstractmethod
    def entity_outdated(self, version: int) -> int:
        """How many articles' entities an extraction older than ``version`` found."""

    @abstractmethod
    def entity_clear(self) -> None:
        """Forget every entity, key, redirect, mention and quotation (``enrich`` links them
        all again from here)."""

    @abstractmethod
    def entity_create(self, hint: str, etype: str, exact: bool = False) -> str: ...

    @abstractmethod
    def entity_add_keys(self, entity: str, keys: Iterable[tuple[str, str, str]]) -> None: ...

    @abstractmethod
    def entity_merge(self, old: str, new: str) -> None: ...

    @abstractmethod
    def entity_resolve(self, entity: str) -> str | None: ...

    @abstractmethod
    def entity_redirects(self) -> dict[str, str]:
        """Every merged entity id → the id it now goes by."""

    @abstractmethod
    def entity_types(self, entities: Iterable[str]) -> dict[str, str]: ...

    @abstractmethod
    def entity_mention_counts(self, entities: Iterable[str]) -> dict[str, int]: ...

    @abstractmethod
    def entity_seq(self, entities: Iterable[str]) -> dict[str, int]: ...

    @abstractmethod
    def entity_put_article(self, article_id: str, version: int, mentions: Sequence[tuple[Mention, str]],
                           quotes: Sequence[tuple[Quote, str | None]]) -> None: ...

    @abstractmethod
    def article_entities(self, article_id: str) -> dict[tuple[str, int], str]: ...

    @abstractmethod
    def article_quote_speakers(self, article_id: str) -> dict[int, str | None]: ...

    @abstractmethod
    def entity_aliases(self, entities: Iterable[str] | None = None, etype: str | None = None
                       ) -> list[tuple[str, str, str, int]]: ...

    @abstractmethod
    def entity_alias_sample(self, entities: Iterable[str], limit: int = 300) -> list[tuple[str, str, str, int]]: ...

    @abstractmethod
    def entity_articles(self, entities: Iterable[str] | None = None) -> list[tuple[str, str, str | None]]: ...

    @abstractmethod
    def entity_cooccurring(self, entity: str, limit: int = 20) -> list[tuple[str, int]]: ...

    @abstractmethod
    def entity_context(self, entities: Iterable[str], context: Iterable[str], recent: int = 200) -> dict[str, int]:
        """For each of ``entities``: how many of ``context`` are named in one of its ``recent``
        latest articles."""

    @abstractmethod
    def quote_rows(self, entities: Iterable[str] | None = None,
                   articles: Iterable[str] | None = None) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
