"""The entity index's tables in SQLite (migration 0003): canonical entities, their keys,
merged ids, mentions and quotations. Mixed into :class:`SQLiteStore`; every write runs inside
the caller's transaction (or its own)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..article import Mention, Quote
from .sqlite_copies import SQLiteCopies

KeyRow = tuple[str, str, str]  # (key, type, kind)



class SQLiteEntities(SQLiteCopies):
    """Builds on the copy tables' helpers (``_rowid``, ``_select_in``)."""

    # ------------------------------------------------------------------ entities and keys
    def entity_find(self, keys: Iterable[KeyRow]) -> dict[KeyRow, list[str]]:
        """The entities each (key, type, kind) leads to (one query for all of them)."""
        wanted = set(keys)
        out: dict[KeyRow, list[str]] = {}
        rows = self._select_in("SELECT key, type, kind, entity FROM entity_keys WHERE key IN ({marks})",
                               sorted({k for k, _, _ in wanted}))
        for k, t, kind, e in sorted(rows):
            if (k, t, kind) in wanted:
                out.setdefault((k, t, kind), []).append(e)
        return out

    def entity_keys_of(self, entity: str, kind: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT key FROM entity_keys WHERE entity = ? AND kind = ? ORDER BY key", (entity, kind))]

    def entity_create(self, hint: str, etype: str, exact: bool = False) -> str:
        """A new entity with id ``hint`` (``hint-2``... when taken); with ``exact``, the entity
        ``hint`` itself, created if it does not exist yet."""
        with self.transaction():
            seq = int(self.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM entities").fetchone()[0])
            if exact:
                self.db.execute("INSERT OR IGNORE INTO entities (id, type, seq) VALUES (?, ?, ?)",
                                (hint, etype, seq))
                self.db.execute("DELETE FROM entity_redirects WHERE old = ?", (hint,))
                return hint
            eid, n = hint, 1
            while self.db.execute(
                "SELECT 1 FROM entities WHERE id = ? UNION ALL SELECT 1 FROM entity_redirects WHERE old = ?",
                (eid, eid),
            ).fetchone():
                n += 1
                eid = f"{hint}-{n}"
            self.db.execute("INSERT INTO entities (id, type, seq) VALUES (?, ?, ?)", (eid, etype, seq))
            return eid

    def entity_add_keys(self, entity: str, keys: Iterable[KeyRow]) -> None:
        rows = sorted({(*k, entity) for k in keys})
        if not rows:
            return
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO entity_keys (key, type, kind, entity) VALUES (?, ?, ?, ?)",
                                rows)

    def entity_merge(self, old: str, new: str) -> None:
        """Fold entity ``old`` into ``new``: its mentions, quotations and keys move; its id
        redirects to ``new`` from now on."""
        if old == new:
            return
        with self.transaction():
            self.db.execute("UPDATE mentions SET entity = ? WHERE entity = ?", (new, old))
            self.db.execute("UPDATE entities SET mentions = mentions + "
                            "(SELECT mentions FROM entities WHERE id = ?) WHERE id = ?", (old, new))
            self.db.execute("UPDATE quotes SET entity = ? WHERE entity = ?", (new, old))
            self.db.execute(
                "INSERT OR IGNORE INTO entity_keys (key, type, kind, entity) "
                "SELECT key, type, kind, ? FROM entity_keys WHERE entity = ?", (new, old))
            self.db.execute("DELETE FROM entity_keys WHERE entity = ?", (old,))
            self.db.execute("UPDATE entity_redirects SET new = ? WHERE new = ?", (new, old))
            self.db.execute("INSERT OR REPLACE INTO entity_redirects (old, new) VALUES (?, ?)", (old, new))
            self.db.execute("DELETE FROM entities WHERE id = ?", (old,))

    def entity_resolve(self, entity: str) -> str | None:
        """The current id of an entity (following merges), or None if unknown."""
        row = self.db.execute("SELECT new FROM entity_redirects WHERE old = ?", (entity,)).fetchone()
        eid = row[0] if row else entity
        found = self.db.execute("SELECT 1 FROM entities WHERE id = ?", (eid,)).fetchone()
        return eid if found else None

    def entity_redirects(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT old, new FROM entity_redirects"))

    def entity_types(self, entities: Iterable[str]) -> dict[str, str]:
        return dict(self._select_in("SELECT id, type FROM entities WHERE id IN ({marks})", entities))

    def entity_mention_counts(self, entities: Iterable[str]) -> dict[str, int]:
        ids = list(dict.fromkeys(entities))
        counts = dict(self._select_in("SELECT id, mentions FROM entities WHERE id IN ({marks})", ids))
        return {e: int(counts.get(e, 0)) for e in ids}

    def delete(self, article_id: str) -> None:
        """Remove an article, its mentions first (so the entities' counts stay right)."""
        with self.transaction():
            if self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                self.entity_forget(article_id)
            super().delete(article_id)

    def entity_forget(self, article_id: str) -> None:
        """Take an article's mentions and quotations out (before it is deleted or replaced)."""
        rowid = self._rowid(article_id)
        with self.transaction():
            self.db.executemany(
                "UPDATE entities SET mentions = mentions - ? WHERE id = ?",
                [(n, e) for e, n in self.db.execute(
                    "SELECT entity, count(*) FROM mentions WHERE article = ? GROUP BY entity", (rowid,))])
            self.db.execute("DELETE FROM mentions WHERE article = ?", (rowid,))
            self.db.execute("DELETE FROM quotes WHERE article = ?", (rowid,))
            self.db.execute("DELETE FROM entity_indexed WHERE article = ?", (rowid,))

    def entity_digests(self) -> dict[str, int]:
        rows = self.db.execute("SELECT a.id, group_concat(DISTINCT m.entity) FROM mentions m "
                               "JOIN articles a ON a.rowid = m.article GROUP BY m.article")
        return {aid: hash(frozenset(ents.split(","))) for aid, ents in rows}

    def entity_outdated(self, version: int) -> int:
        return self.db.execute("SELECT COUNT(*) FROM entity_indexed WHERE version < ?", (version,)).fetchone()[0]

    def entity_clear(self) -> None:
        with self.transaction():
            for table in ("quotes", "mentions", "entity_indexed", "entity_redirects", "entity_keys", "entities"):
                self.db.execute(f"DELETE FROM {table}")

    def entity_seq(self, entities: Iterable[str]) -> dict[str, int]:
        return dict(self._select_in("SELECT id, seq FROM entities WHERE id IN ({marks})", entities))

    # ------------------------------------------------------------------ article rows
    def entity_put_article(self, article_id: str, version: int, mentions: Sequence[tuple[Mention, str]],
                           quotes: Sequence[tuple[Quote, str | None]]) -> None:
        """Replace an article's mentions and quotations (with their canonical entities)."""
        rowid = self._rowid(article_id)
        with self.transaction():
            self.entity_forget(article_id)
            counts: dict[str, int] = {}
            for _, e in mentions:
                counts[e] = counts.get(e, 0) + 1
            self.db.executemany("UPDATE entities SET mentions = mentions + ? WHERE id = ?",
                                [(n, e) for e, n in counts.items()])
            self.db.executemany(
                "INSERT OR REPLACE INTO mentions (article, field, start, stop, text, type, sentence, entity)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(rowid, m.field, m.start, m.end, m.text, m.type, m.sentence, e) for m, e in mentions])
            self.db.executemany(
                "INSERT OR REPLACE INTO quotes (article, start, stop, text, sentence, direct, fragment, speaker,"
                " entity, cue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(rowid, q.start, q.end, q.text, q.sentence, int(q.direct), int(q.fragment), q.speaker, e, q.cue)
                 for q, e in quotes])
            self.db.execute("INSERT OR REPLACE INTO entity_indexed (article, version) VALUES (?, ?)",
                            (rowid, version))

    def article_entities(self, article_id: str) -> dict[tuple[str, int], str]:
        """(field, start offset) → canonical entity, for an article's mentions."""
        rows = self.db.execute("SELECT field, start, entity FROM mentions WHERE article = ?",
                               (self._rowid(article_id),))
        return {(f, int(s)): e for f, s, e in rows}

    def article_quote_speakers(self, article_id: str) -> dict[int, str | None]:
        rows = self.db.execute("SELECT start, entity FROM quotes WHERE article = ?", (self._rowid(article_id),))
        return {int(s): e for s, e in rows}

    # ------------------------------------------------------------------ reading
    def _rows(self, sql: str, column: str, entities: Iterable[str] | None) -> list[Any]:
        """Rows of ``sql`` (its ``{where}`` filled in): all of them, or those whose ``column``
        is one of ``entities`` (queried 500 at a time)."""
        if entities is None:
            return [tuple(r) for r in self.db.execute(sql.format(where=""))]
        return [tuple(r) for r in self._select_in(sql.format(where=f"WHERE {column} IN ({{marks}})"), entities)]

    def entity_aliases(self, entities: Iterable[str] | None = None, etype: str | None = None
                       ) -> list[tuple[str, str, str, int]]:
        """(entity, mention type, spelling, mentions) rows; ``etype`` keeps the entities whose
        mentions are mostly of that type."""
        sql = ("SELECT m.entity, m.type, m.text, count(*) FROM mentions m {where} GROUP BY m.entity, m.text, m.type")
        if entities is None and etype is not None:
            sql = sql.format(where="WHERE m.entity IN (SELECT entity FROM (SELECT entity, type, count(*) AS n "
                             "FROM mentions GROUP BY entity, type) t WHERE t.type = ? AND t.n * 2 >= "
                             "(SELECT count(*) FROM mentions x WHERE x.entity = t.entity))")
            return [tuple(r) for r in self.db.execute(sql, (etype,))]
        return self._rows(sql, "m.entity", entities)

    def entity_alias_sample(self, entities: Iterable[str], limit: int = 300) -> list[tuple[str, str, str, int]]:
        """Like :meth:`entity_aliases`, from at most ``limit`` mentions of each entity: enough
        to name it, and cheap for an entity named in thousands of articles."""
        out: list[tuple[str, str, str, int]] = []
        for e in dict.fromkeys(entities):
            out += [(e, t, x, int(n)) for t, x, n in self.db.execute(
                "SELECT type, text, count(*) FROM (SELECT type, text FROM mentions WHERE entity = ? LIMIT ?) "
                "GROUP BY text, type", (e, limit))]
        return out

    def entity_articles(self, entities: Iterable[str] | None = None) -> list[tuple[str, str, str | None]]:
        """(entity, article id, publication date) rows, in date order."""
        sql = ("SELECT DISTINCT m.entity, a.id, a.published_value FROM mentions m "
               "JOIN articles a ON a.rowid = m.article {where} "
               "ORDER BY a.published_value IS NULL, a.published_value, a.id")
        return self._rows(sql, "m.entity", entities)

    def entity_cooccurring(self, entity: str, limit: int = 20) -> list[tuple[str, int]]:
        """Other entities named in the same articles, with the number of articles shared."""
        rows = self.db.execute(
            "SELECT o.entity, count(DISTINCT o.article) AS n FROM mentions m "
            "JOIN mentions o ON o.article = m.article AND o.entity != m.entity "
            "WHERE m.entity = ? GROUP BY o.entity ORDER BY n DESC, o.entity LIMIT ?", (entity, limit))
        return [(r[0], int(r[1])) for r in rows]

    def entity_context(self, entities: Iterable[str], context: Iterable[str], recent: int = 200) -> dict[str, int]:
        ctx = sorted(set(context))
        if not ctx:
            return {e: 0 for e in entities}
        marks = ",".join("?" * len(ctx))
        out = {}
        for e in dict.fromkeys(entities):
            row = self.db.execute(
                f"SELECT COUNT(DISTINCT o.entity) FROM mentions o WHERE o.entity IN ({marks}) AND o.article IN "
                "(SELECT DISTINCT article FROM mentions WHERE entity = ? ORDER BY article DESC LIMIT ?)",
                (*ctx, e, recent)).fetchone()
            out[e] = int(row[0])
        return out

    def quote_rows(self, entities: Iterable[str] | None = None,
                   articles: Iterable[str] | None = None) -> list[tuple[Any, ...]]:
        """(article id, published, start, stop, text, sentence, direct, fragment, speaker, entity,
        cue) rows, in date order: all, those of ``entities`` or those of ``articles``."""
        sql = ("SELECT a.id, a.published_value, q.start, q.stop, q.text, q.sentence, q.direct, q.fragment,"
               " q.speaker, q.entity, q.cue FROM quotes q JOIN articles a ON a.rowid = q.article {where} "
               "ORDER BY a.published_value IS NULL, a.published_value, a.id, q.start")
        if articles is not None:
            rows = self._rows(sql, "a.id", articles)
            return sorted(rows, key=lambda r: (r[1] is None, r[1] or "", r[0], r[2]))
        return self._rows(sql, "q.entity", entities)
