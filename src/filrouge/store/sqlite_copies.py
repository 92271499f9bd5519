"""The copy index's tables in SQLite (migration 0002): signatures, LSH bands, links between
copies, groups, sentence fingerprints. Mixed into :class:`SQLiteStore`; every write runs
inside the caller's transaction (or its own)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Any

import numpy as np

from ..article import PublishedDate
from ..errors import NotFound

_CHUNK = 500


class SQLiteCopies:
    db: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[None]:  # provided by SQLiteStore
        raise NotImplementedError

    # ------------------------------------------------------------------ ids
    def _rowid(self, article_id: str) -> int:
        row = self.db.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id '{article_id}'")
        return int(row[0])

    def _select_in(self, sql: str, ids: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` (whose ``{marks}`` is an IN list) for ``ids``, 500 at a time."""
        for chunk in _chunks(list(ids)):
            yield from self.db.execute(sql.format(marks=", ".join("?" for _ in chunk)), chunk)

    # ------------------------------------------------------------------ signatures and bands
    def copy_signature(self, article_id: str) -> tuple[int, np.ndarray, list[tuple[int, int]]] | None:
        """(index version, signature, [(fingerprint, sentence)]) of an indexed article."""
        row = self.db.execute(
            "SELECT s.index_version, s.signature, s.passages FROM copy_signatures s "
            "JOIN articles a ON a.rowid = s.article WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        pairs = np.frombuffer(row[2], dtype="<i8").reshape(-1, 2).tolist()
        return int(row[0]), np.frombuffer(row[1], dtype="<u4").copy(), [(int(k), int(i)) for k, i in pairs]

    def copy_index(self, article_id: str, version: int, signature: np.ndarray, keys: Sequence[int],
                   passages: Sequence[tuple[int, int]]) -> None:
        """Put an article in the index (its signature, band keys and sentence fingerprints)."""
        rowid = self._rowid(article_id)
        blob = np.asarray(passages, dtype="<i8").reshape(-1, 2).tobytes()
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO copy_signatures (article, index_version, signature, passages) "
                "VALUES (?, ?, ?, ?)", (rowid, version, signature.astype("<u4").tobytes(), blob))
            self.db.executemany("INSERT OR IGNORE INTO copy_bands (key, article) VALUES (?, ?)",
                                [(k, rowid) for k in sorted(keys)])
            self.db.executemany("INSERT OR IGNORE INTO passages (key, article, sentence) VALUES (?, ?, ?)",
                                [(k, rowid, i) for k, i in passages])

    def copy_unindex(self, article_id: str, keys: Sequence[int], passages: Sequence[tuple[int, int]]) -> None:
        """Take an article out of the index: its bands (``keys``), sentence fingerprints
        (``passages``, as ``copy_signature`` gave them), signature and links. Its group is left
        for the caller to recompute."""
        rowid = self._rowid(article_id)
        with self.transaction():
            self.db.executemany("DELETE FROM copy_bands WHERE key = ? AND article = ?", [(k, rowid) for k in keys])
            self.db.executemany("DELETE FROM passages WHERE key = ? AND article = ? AND sentence = ?",
                                [(k, rowid, i) for k, i in passages])
            self.db.execute("DELETE FROM copy_signatures WHERE article = ?", (rowid,))
            self.db.execute("DELETE FROM copy_links WHERE a = ? OR b = ?", (rowid, rowid))
            self.db.execute("DELETE FROM copy_groups WHERE article = ?", (rowid,))

    def copy_candidates(self, keys: Sequence[int], exclude: str | None = None) -> list[tuple[str, np.ndarray]]:
        """Indexed articles that share at least one band key, with their signatures."""
        found = self.db.execute(_bands_query(len(keys)), list(keys)).fetchall()
        if not found:
            return []
        marks = ", ".join("?" for _ in found)
        rows = self.db.execute(
            "SELECT a.id, s.signature FROM copy_signatures s JOIN articles a ON a.rowid = s.article "
            f"WHERE s.article IN ({marks})", [r[0] for r in found]).fetchall()
        return [(i, np.frombuffer(sig, dtype="<u4")) for i, sig in rows if i != exclude]

    def copy_unindexed(self, version: int) -> list[str]:
        """Ids of articles not in the index, or indexed with another index version."""
        rows = self.db.execute(
            "SELECT a.id FROM articles a LEFT JOIN copy_signatures s ON s.article = a.rowid "
            "WHERE s.article IS NULL OR s.index_version != ? ORDER BY a.rowid", (version,)).fetchall()
        return [r[0] for r in rows]

    # ------------------------------------------------------------------ links and groups
    def copy_link(self, article_id: str, links: Iterable[tuple[str, float, float]]) -> None:
        """Record ``article_id`` as a copy of each (other id, jaccard, containment)."""
        me = self._rowid(article_id)
        rows = []
        for other, j, c in links:
            o = self._rowid(other)
            rows.append((min(me, o), max(me, o), j, c))
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO copy_links (a, b, jaccard, containment) VALUES (?, ?, ?, ?)",
                                rows)

    def copy_links(self, article_ids: Iterable[str]) -> list[tuple[str, str, float, float]]:
        """Every link touching one of ``article_ids``: (id, other id, jaccard, containment),
        the smaller id first."""
        ids = list(article_ids)
        out: set[tuple[str, str, float, float]] = set()
        for chunk in _chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.execute(
                f"WITH me(r) AS (SELECT rowid FROM articles WHERE id IN ({marks})), "
                "l AS (SELECT * FROM copy_links WHERE a IN me UNION SELECT * FROM copy_links WHERE b IN me) "
                "SELECT x.id, y.id, l.jaccard, l.containment FROM l "
                "JOIN articles x ON x.rowid = l.a JOIN articles y ON y.rowid = l.b", chunk).fetchall()
            out.update((min(x, y), max(x, y), j, c) for x, y, j, c in rows)
        return sorted(out)

    def set_copy_groups(self, groups: dict[str, str | None]) -> None:
        """Set (or clear, with None) the copy group of each article id."""
        with self.transaction():
            for article_id, grp in groups.items():
                rowid = self._rowid(article_id)
                if grp is None:
                    self.db.execute("DELETE FROM copy_groups WHERE article = ?", (rowid,))
                else:
                    self.db.execute("INSERT OR REPLACE INTO copy_groups (article, grp) VALUES (?, ?)", (rowid, grp))

    def copy_group(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT g.grp FROM copy_groups g JOIN articles a ON a.rowid = g.article "
                              "WHERE a.id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def copy_group_members(self, grp: str) -> list[str]:
        rows = self.db.execute("SELECT a.id FROM copy_groups g JOIN articles a ON a.rowid = g.article "
                               "WHERE g.grp = ? ORDER BY a.id", (grp,)).fetchall()
        return [r[0] for r in rows]

    def copy_groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for grp, article_id in self.db.execute(
                "SELECT g.grp, a.id FROM copy_groups g JOIN articles a ON a.rowid = g.article ORDER BY g.grp, a.id"):
            out.setdefault(grp, []).append(article_id)
        return out

    # ------------------------------------------------------------------ passages
    def passage_matches(self, article_id: str) -> list[tuple[int, str, int]]:
        """(sentence, other article id, other's sentence) for each of the article's sentence
        fingerprints found in another article."""
        stored = self.copy_signature(article_id)
        if stored is None or not stored[2]:
            return []
        sentences: dict[int, list[int]] = {}
        for key, i in stored[2]:
            sentences.setdefault(key, []).append(i)
        out = []
        keys = list(sentences)
        for chunk in _chunks(keys):
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.execute(
                "SELECT p.key, a.id, p.sentence FROM passages p JOIN articles a ON a.rowid = p.article "
                f"WHERE p.key IN ({marks}) AND a.id != ?", [*chunk, article_id]).fetchall()
            out += [(i, str(other), int(j)) for key, other, j in rows for i in sentences[key]]
        return sorted(out)

    def published_dates(self, article_ids: Iterable[str]) -> dict[str, PublishedDate | None]:
        """The publication date of each stored article of ``article_ids`` (None: undated)."""
        return {i: PublishedDate(v, g, src, bool(inf)) if v else None for i, v, g, src, inf in self._select_in(
            "SELECT id, published_value, published_granularity, published_source, published_inferred "
            "FROM articles WHERE id IN ({marks})", article_ids)}

    def texts(self, article_ids: Iterable[str]) -> dict[str, str]:
        return dict(self._select_in("SELECT id, text FROM articles WHERE id IN ({marks})", article_ids))

    def delete(self, article_id: str) -> None:
        """Remove an article and its earlier versions (the copy index is the caller's)."""
        with self.transaction():
            cur = self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            if cur.rowcount == 0:
                raise NotFound(f"no article with id '{article_id}'")
            self.db.execute("DELETE FROM article_versions WHERE id = ?", (article_id,))


@lru_cache(maxsize=8)
def _bands_query(n: int) -> str:
    return f"SELECT DISTINCT article FROM copy_bands WHERE key IN ({', '.join('?' * n)})"


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]
