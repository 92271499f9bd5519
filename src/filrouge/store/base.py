"""The store interface. SQLite implements it now; PostgreSQL will join with the same tests."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Literal

from ..article import Article, Rejection

PutStatus = Literal["new", "version", "unchanged"]


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
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
