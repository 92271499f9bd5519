"""The embedded default store: one SQLite file, WAL, FTS5, schema migrations.

Writers take the lock up front (``BEGIN IMMEDIATE``) and wait up to ``busy_timeout`` for
another process, so two ``ingest`` runs on one database serialise their transactions and
lose nothing; a killed run leaves the last committed batch and nothing half-written.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..article import Article, DateMention, Mention, PublishedDate, Quote, Rejection, Removed
from ..errors import NotFound, StoreError
from .base import PutStatus, SearchFilters, Store
from .sqlite_stories import SQLiteStories

_COLUMNS = (
    "id", "version", "content_hash", "title", "text", "raw", "language", "published_value",
    "published_granularity", "published_source", "published_inferred", "source", "url",
    "author", "word_count", "path", "line", "format", "data", "ingested_at",
)


def migrations() -> list[tuple[int, str]]:
    """Packaged migrations as (version, SQL), in order."""
    folder = resources.files("filrouge").joinpath("store/migrations")
    out = []
    for entry in folder.iterdir():
        m = re.match(r"(\d{4})_.*\.sql$", entry.name)
        if m:
            out.append((int(m.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(out)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteStore(SQLiteStories, Store):
    """``SQLiteStore("filrouge.db")``: opens (or creates and migrates) the database file."""

    def __init__(self, path: str | Path, busy_timeout: float = 60.0) -> None:
        self.path = str(path)
        self._depth = 0
        deadline = time.monotonic() + busy_timeout
        while True:
            try:
                self.db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None,
                                          check_same_thread=False)
                self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
                # Switching to WAL needs a moment alone with a new file: another process
                # creating the same database at once makes it report "locked" at once.
                mode = self.db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as e:
                if "locked" in str(e) and time.monotonic() < deadline:
                    self.db.close()
                    time.sleep(0.05)
                    continue
                raise StoreError(f"cannot open database {self.path}: {e}") from None
            except sqlite3.DatabaseError as e:
                raise StoreError(f"cannot open database {self.path}: {e}") from None
        if mode.lower() != "wal" and self.path != ":memory:":
            raise StoreError(f"cannot switch {self.path} to WAL mode (got {mode})")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    # ------------------------------------------------------------------ schema
    def _migrate(self) -> None:
        known = migrations()
        latest = known[-1][0]
        current = self.db.execute("PRAGMA user_version").fetchone()[0]
        if current > latest:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this filrouge knows "
                f"({latest}): upgrade filrouge"
            )
        if current == latest:
            return
        with self.transaction():
            current = self.db.execute("PRAGMA user_version").fetchone()[0]  # another process?
            for version, sql in known:
                if version > current:
                    for statement in _statements(sql):
                        self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version = {version}")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; a transaction inside another joins it."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    def _begin(self) -> None:
        # BEGIN IMMEDIATE can still report "locked" past the timeout under heavy contention
        # between WAL readers and writers; retry for as long as the busy timeout allows.
        deadline = time.monotonic() + 120
        while True:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                    raise StoreError(f"database {self.path} is locked by another process: {e}") from None
                time.sleep(0.05)

    # ------------------------------------------------------------------ articles
    def put_many(self, articles: Iterable[Article]) -> list[PutStatus]:
        batch = list(articles)
        if not batch:
            return []
        statuses: list[PutStatus] = []
        with self.transaction():
            now = _now()
            for art in batch:
                row = self.db.execute(
                    "SELECT rowid, version, content_hash FROM articles WHERE id = ?", (art.id,)
                ).fetchone()
                if row is None:
                    self._insert(art.evolve(version=1, ingested_at=now))
                    statuses.append("new")
                elif row[2] == art.content_hash:
                    statuses.append("unchanged")
                else:
                    old = self._article(self._row_by_id(art.id))
                    self.db.execute(
                        "INSERT OR REPLACE INTO article_versions (id, version, content_hash, record, replaced_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (old.id, old.version, old.content_hash, json.dumps(old.as_dict(), ensure_ascii=False), now),
                    )
                    self._update(art.evolve(version=row[1] + 1, ingested_at=now))
                    statuses.append("version")
        return statuses

    def _values(self, art: Article) -> tuple[Any, ...]:
        data = {
            "title_source": art.title_source,
            "paragraphs": art.paragraphs,
            "sentences": art.sentences,
            "removed": [r.as_dict() for r in art.removed],
            "warnings": list(art.warnings),
            "encoding": art.encoding,
            "dates": [m.as_dict() for m in art.dates],
            "mentions": [m.as_dict() for m in art.mentions],
            "quotes": [q.as_dict() for q in art.quotes],
        }
        p = art.published
        return (
            art.id, art.version, art.content_hash, art.title, art.text, art.raw, art.language,
            p.value if p else None, p.granularity if p else None, p.source if p else None,
            int(p.inferred) if p else 0, art.source, art.url, art.author, art.word_count,
            art.path, art.line, art.format, json.dumps(data, ensure_ascii=False), art.ingested_at,
        )

    def update_derived(self, articles: Iterable[Article]) -> None:
        with self.transaction():
            derived = ("published_value", "published_granularity", "published_source",
                       "published_inferred", "data")
            sets = ", ".join(f"{c} = ?" for c in derived)
            for art in articles:
                row = dict(zip(_COLUMNS, self._values(art)))
                self.db.execute(f"UPDATE articles SET {sets} WHERE id = ? AND version = ?",
                                (*(row[c] for c in derived), art.id, art.version))

    def _insert(self, art: Article) -> None:
        marks = ", ".join("?" for _ in _COLUMNS)
        self.db.execute(f"INSERT INTO articles ({', '.join(_COLUMNS)}) VALUES ({marks})", self._values(art))

    def _update(self, art: Article) -> None:
        sets = ", ".join(f"{c} = ?" for c in _COLUMNS[1:])
        self.db.execute(f"UPDATE articles SET {sets} WHERE id = ?", self._values(art)[1:] + (art.id,))

    def _row_by_id(self, article_id: str) -> sqlite3.Row | tuple[Any, ...]:
        row = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no article with id '{article_id}'")
        return row

    @staticmethod
    def _article(row: tuple[Any, ...]) -> Article:
        r = dict(zip(_COLUMNS, row))
        data = json.loads(r["data"])
        published = None
        if r["published_value"]:
            published = PublishedDate(r["published_value"], r["published_granularity"],
                                      r["published_source"], bool(r["published_inferred"]))
        return Article(
            id=r["id"], title=r["title"], text=r["text"], raw=r["raw"], language=r["language"],
            published=published, source=r["source"], url=r["url"], author=r["author"],
            version=r["version"], title_source=data.get("title_source", "derived"),
            paragraphs=tuple(tuple(p) for p in data.get("paragraphs", ())),
            sentences=tuple(tuple(s) for s in data.get("sentences", ())),
            removed=tuple(Removed(x["text"], x["reason"]) for x in data.get("removed", ())),
            warnings=tuple(data.get("warnings", ())), word_count=r["word_count"],
            content_hash=r["content_hash"], path=r["path"], line=r["line"], format=r["format"],
            encoding=data.get("encoding", "utf-8"), ingested_at=r["ingested_at"],
            dates=tuple(DateMention.from_dict(m) for m in data.get("dates", ())),
            mentions=tuple(Mention.from_dict(m) for m in data.get("mentions", ())),
            quotes=tuple(Quote.from_dict(q) for q in data.get("quotes", ())),
        )

    def get(self, article_id: str) -> Article:
        return self._article(self._row_by_id(article_id))

    def versions(self, article_id: str) -> list[Article]:
        current = self.get(article_id)
        rows = self.db.execute(
            "SELECT record FROM article_versions WHERE id = ? ORDER BY version", (article_id,)
        ).fetchall()
        return [Article.from_dict(json.loads(r[0])) for r in rows] + [current]

    def iter_articles(self) -> Iterator[Article]:
        cur = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM articles "
            "ORDER BY published_value IS NULL, published_value, id"
        )
        for row in cur:
            yield self._article(row)

    def ids(self) -> list[str]:
        rows = self.db.execute("SELECT id FROM articles ORDER BY published_value IS NULL, published_value, id")
        return [r[0] for r in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def content_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        return dict(self._select_in("SELECT id, content_hash FROM articles WHERE id IN ({marks})", ids))

    # ------------------------------------------------------------------ rejections
    def add_rejections(self, rejections: Iterable[Rejection]) -> None:
        batch = list(rejections)
        if not batch:
            return
        now = _now()
        with self.transaction():
            self.db.executemany(
                "INSERT INTO rejected (path, line, reason, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (path, line) DO UPDATE SET reason = excluded.reason, last_seen = excluded.last_seen",
                [(r.path, -1 if r.line is None else r.line, r.reason, now, now) for r in batch],
            )

    def clear_rejections(self, places: Iterable[tuple[str, int | None]]) -> None:
        batch = [(p, -1 if line is None else line) for p, line in places]
        if not batch:
            return
        with self.transaction():
            self.db.executemany("DELETE FROM rejected WHERE path = ? AND line = ?", batch)

    def rejections(self) -> list[Rejection]:
        rows = self.db.execute("SELECT path, line, reason FROM rejected ORDER BY path, line").fetchall()
        return [Rejection(p, reason, None if line == -1 else line) for p, line, reason in rows]

    # ------------------------------------------------------------------ search
    def search_text(self, query: str, limit: int = 20) -> list[tuple[str, float]]:
        terms = re.findall(r"\w+", query)
        if not terms:
            return []
        return self.search_fts(" ".join('"' + t.replace('"', "") + '"' for t in terms), limit)

    def search_fts(self, match: str, limit: int, filters: SearchFilters | None = None) -> list[tuple[str, float]]:
        """(article id, BM25 score; lower is better) of an FTS5 MATCH expression, within
        the filters."""
        where, params = _filter_sql(filters)
        rows = self.db.execute(
            "SELECT a.id, bm25(articles_fts, 2.0, 1.0) AS score FROM articles_fts "
            "JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ? " + where +
            " ORDER BY score LIMIT ?", (match, *params, limit)).fetchall()
        return [(r[0], float(r[1])) for r in rows]

    def search_filtered(self, filters: SearchFilters) -> set[str]:
        """The ids of the articles within the filters."""
        where, params = _filter_sql(filters)
        return {r[0] for r in self.db.execute("SELECT a.id FROM articles a WHERE 1 " + where, params)}

    def search_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every article's embedding: (ids, one unit row per id)."""
        ids: list[str] = []
        rows: list[bytes] = []
        for i, v in self.db.execute("SELECT a.id, v.vector FROM article_vectors v "
                                    "JOIN articles a ON a.rowid = v.article ORDER BY v.article"):
            ids.append(i)
            rows.append(v)
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return ids, np.frombuffer(b"".join(rows), dtype="<f4").reshape(len(rows), -1)

    def search_rows(self, article_ids: Iterable[str], chars: int = 5000) -> dict[str, tuple[Any, ...]]:
        """id → (title, the first ``chars`` characters of the text, published, language,
        source, event, story): what a search result shows, in one query."""
        return {r[0]: tuple(r[1:]) for r in self._select_in(
            "SELECT a.id, a.title, substr(a.text, 1, " + str(int(chars)) + "), a.published_value, a.language, "
            "a.source, x.event, c.parent FROM articles a LEFT JOIN article_events x ON x.article = a.rowid "
            "LEFT JOIN clusters c ON c.id = x.event WHERE a.id IN ({marks})", article_ids)}

    def search_version(self) -> tuple[int, int]:
        """Changes whenever the store does: SQLite's data version (commits of other
        connections) and this connection's count of changed rows. Both cost nothing."""
        dv = self.db.execute("PRAGMA data_version").fetchone()[0]
        return int(dv), int(self.db.total_changes)

    def integrity_check(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self.db.close()


def _filter_sql(f: SearchFilters | None) -> tuple[str, list[Any]]:
    """SQL conditions on ``articles a`` (each starting with AND) and their parameters."""
    if f is None:
        return "", []
    sql: list[str] = []
    params: list[Any] = []
    if f.start:
        sql.append("AND substr(a.published_value, 1, length(?)) >= ?")
        params += [f.start, f.start]
    if f.end:
        sql.append("AND substr(a.published_value, 1, length(?)) <= ?")
        params += [f.end, f.end]
    if f.language:
        sql.append("AND a.language = ?")
        params.append(f.language)
    if f.source:
        sql.append("AND a.source LIKE ? ESCAPE '\\'")
        params.append("%" + f.source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if f.entities is not None:
        marks = ",".join("?" * len(f.entities)) or "NULL"
        sql.append(f"AND a.rowid IN (SELECT article FROM mentions WHERE entity IN ({marks}))")
        params += list(f.entities)
    return " ".join(sql), params


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (triggers contain semicolons inside BEGIN...END)."""
    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buf:
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
