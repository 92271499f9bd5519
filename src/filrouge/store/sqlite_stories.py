"""The story index's tables in SQLite (migration 0004): events and stories with the sums
their scores read, article assignments, embeddings, the online vocabulary. Mixed into
:class:`SQLiteStore`; writes run inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..stories.cluster import Cluster
from .sqlite_entities import SQLiteEntities

_KIND = {"event": "kind = 'event'", "story": "kind = 'story'"}


class SQLiteStories(SQLiteEntities):
    # ------------------------------------------------------------------ writing
    def story_put_vectors(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """(article id, model, float32 bytes) embeddings."""
        self.db.executemany(
            "INSERT OR REPLACE INTO article_vectors (article, model, vector) "
            "SELECT rowid, ?, ? FROM articles WHERE id = ?", [(m, v, a) for a, m, v in rows])

    def story_assign(self, rows: Iterable[tuple[str, str, float, int]]) -> None:
        """(article id, event, score, assignment order) rows."""
        self.db.executemany(
            "INSERT OR REPLACE INTO article_events (article, event, score, seq) "
            "SELECT rowid, ?, ?, ? FROM articles WHERE id = ?", [(e, s, q, a) for a, e, s, q in rows])

    def story_move(self, rows: Iterable[tuple[str, str]]) -> None:
        """(article id, event) for articles a consolidation moved."""
        self.db.executemany("UPDATE article_events SET event = ? WHERE article = (SELECT rowid FROM articles "
                            "WHERE id = ?)", [(e, a) for a, e in rows])

    def story_save(self, events: list[Cluster], stories: list[Cluster], gone: Iterable[str],
                   redirects: dict[str, str], vocab: dict[str, dict[str, int]], meta: dict[str, int | None]) -> None:
        with self.transaction():
            rows = [(c.id, kind, c.seq, c.parent, c.n, c.first, c.last, c.touched,
                     c.vector.astype("<f4").tobytes(), json.dumps(c.state(), ensure_ascii=False))
                    for kind, group in (("event", events), ("story", stories)) for c in group]
            self.db.executemany("INSERT OR REPLACE INTO clusters (id, kind, seq, parent, n, first, last, touched, "
                                "vector, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.db.executemany("DELETE FROM clusters WHERE id = ?", [(g,) for g in gone])
            # An id merged away can come back (Clusterer._relabel): a live id never redirects.
            self.db.executemany("DELETE FROM cluster_redirects WHERE old = ?", [(r[0],) for r in rows])
            for old, new in redirects.items():
                # Kept as links, not collapsed (e3 -> e2 stays when e2 -> e1 comes): e2 may
                # come back, and e3 with it, as in the clusterer, which follows the same links.
                self.db.execute("INSERT OR REPLACE INTO cluster_redirects (old, new) VALUES (?, ?)", (old, new))
                self.db.execute("UPDATE article_events SET event = ? WHERE event = ?", (new, old))
                self.db.execute("UPDATE clusters SET parent = ? WHERE parent = ?", (new, old))
            for kind, counts in vocab.items():
                self.db.executemany(
                    "INSERT INTO cluster_vocab (kind, key, df) VALUES (?, ?, ?) "
                    "ON CONFLICT (kind, key) DO UPDATE SET df = df + excluded.df",
                    [(kind, k, n) for k, n in counts.items()])
            self.db.executemany("INSERT OR REPLACE INTO cluster_meta (key, value) VALUES (?, ?)", meta.items())

    def story_clear(self) -> None:
        """Forget every assignment, event and story (``recluster`` starts from here)."""
        with self.transaction():
            for table in ("article_events", "clusters", "cluster_redirects", "cluster_vocab", "cluster_meta"):
                self.db.execute(f"DELETE FROM {table}")

    def story_assigned(self, article_ids: Iterable[str]) -> list[str]:
        """Those of ``article_ids`` that have an event."""
        return [r[0] for r in self._select_in(
            "SELECT a.id FROM articles a JOIN article_events x ON x.article = a.rowid WHERE a.id IN ({marks})",
            article_ids)]

    def story_unassign(self, article_id: str) -> tuple[str, float] | None:
        """Take an article out of its event's membership list; returns (event, score)."""
        rowid = self._rowid(article_id)
        row = self.db.execute("SELECT event, score FROM article_events WHERE article = ?", (rowid,)).fetchone()
        self.db.execute("DELETE FROM article_events WHERE article = ?", (rowid,))
        return (row[0], float(row[1])) if row else None

    # ------------------------------------------------------------------ reading
    def story_meta(self) -> dict[str, int]:
        return {k: v for k, v in self.db.execute("SELECT key, value FROM cluster_meta") if v is not None}

    def story_vocab(self, kind: str) -> dict[str, int]:
        return dict(self.db.execute("SELECT key, df FROM cluster_vocab WHERE kind = ?", (kind,)))

    def story_vocab_of(self, kind: str, keys: Iterable[str]) -> dict[str, int]:
        """Document frequencies of these keys (those never seen are left out)."""
        return {k: df for k, df in self._select_in(
            "SELECT key, df FROM cluster_vocab WHERE kind = '" + ("term" if kind == "term" else "entity") +
            "' AND key IN ({marks})", keys)}

    def story_redirects(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT old, new FROM cluster_redirects"))

    def story_resolve(self, cid: str) -> str | None:
        """An event or story id, following merges (each redirect to the next); None when
        unknown."""
        seen = {cid}
        while (row := self.db.execute("SELECT new FROM cluster_redirects WHERE old = ?", (cid,)).fetchone()):
            if row[0] in seen:
                break   # a loop (never written by the clusterer, which keeps live ids out)
            cid = row[0]
            seen.add(cid)
        found = self.db.execute("SELECT 1 FROM clusters WHERE id = ?", (cid,)).fetchone()
        return cid if found else None

    def story_of_article(self, article_id: str) -> tuple[str, str | None] | None:
        """(event, story) of an article, or None when it has none yet."""
        row = self.db.execute(
            "SELECT x.event, c.parent FROM article_events x JOIN articles a ON a.rowid = x.article "
            "LEFT JOIN clusters c ON c.id = x.event WHERE a.id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def story_copy_event(self, grp: str) -> str | None:
        """The event an earlier member of a copy group was assigned to."""
        row = self.db.execute("SELECT x.event FROM copy_groups g JOIN article_events x ON x.article = g.article "
                              "WHERE g.grp = ? ORDER BY x.seq LIMIT 1", (grp,)).fetchone()
        return row[0] if row else None

    def story_parent(self, cid: str) -> str | None:
        row = self.db.execute("SELECT parent FROM clusters WHERE id = ?", (cid,)).fetchone()
        return row[0] if row else None

    def story_clusters(self, kind: str, since: int | None = None, ids: Iterable[str] | None = None,
                       limit: int | None = None) -> list[Cluster]:
        """Stored events or stories: all, those last seen on or after day ``since`` (and the
        undated), or those of ``ids``; the most recently changed first."""
        cols = "SELECT id, seq, parent, vector, state FROM clusters WHERE kind = ?"
        if ids is not None:
            rows: Iterable[tuple[Any, ...]] = self._select_in(
                cols.replace("kind = ?", _KIND[kind]) + " AND id IN ({marks})", ids)
        else:
            sql, args = cols, [kind]
            if since is not None:
                sql += " AND (last IS NULL OR last >= ?)"
                args.append(since)
            sql += " ORDER BY touched DESC" + (" LIMIT ?" if limit else "")
            rows = self.db.execute(sql, args + ([limit] if limit else []))
        return [_cluster(r) for r in rows]

    def story_events_around(self, day: int, apart: int) -> list[tuple[str, bytes]]:
        """(id, vector) of the stored events whose publication days come within ``apart``
        days of ``day``."""
        return self.db.execute("SELECT id, vector FROM clusters WHERE kind = 'event' AND last >= ? AND first <= ?",
                               (day - apart, day + apart)).fetchall()

    def story_events_of(self, story_ids: Iterable[str]) -> list[Cluster]:
        """The events of these stories."""
        return [_cluster(r) for r in self._select_in(
            "SELECT id, seq, parent, vector, state FROM clusters WHERE kind = 'event' "
            "AND parent IN ({marks}) ORDER BY seq", story_ids)]

    def story_article_info(self, article_ids: Iterable[str]) -> dict[str, tuple[str | None, str | None, str]]:
        """Article id → (language, source, title)."""
        return {a: (lang, src, title) for a, lang, src, title in self._select_in(
            "SELECT id, language, source, title FROM articles WHERE id IN ({marks})", article_ids)}

    def story_page_titles(self, titles: Iterable[str]) -> set[str]:
        """Those of ``titles`` that belong to a page rather than to an article: stored as the
        title of articles that are not copies of one another, by fewer outlets than there are
        such articles ("Boutique le Point", "Jump to navigation" on scraped pages; an article
        of unknown source is no outlet). Two outlets that print one headline keep it."""
        groups: dict[str, set[str]] = {}
        outlets: dict[str, set[str]] = {}
        for title, group, source in self._select_in(
                "SELECT a.title, COALESCE(g.grp, 'article:' || a.id), a.source FROM articles a "
                "LEFT JOIN copy_groups g ON g.article = a.rowid WHERE a.title IN ({marks})", set(titles)):
            groups.setdefault(title, set()).add(group)
            if source:
                outlets.setdefault(title, set()).add(source)
        return {t for t, g in groups.items() if len(g) > 1 and len(outlets.get(t, ())) < len(g)}

    def story_vectors(self, article_ids: Iterable[str]) -> dict[str, np.ndarray]:
        return {a: np.frombuffer(v, dtype="<f4") for a, v in self._select_in(
            "SELECT a.id, v.vector FROM article_vectors v JOIN articles a ON a.rowid = v.article "
            "WHERE a.id IN ({marks})", article_ids)}

    def story_assignments(self) -> list[tuple[str, str, str | None, float]]:
        """(article id, event, story, score) of every assigned article, in assignment order."""
        return [tuple(r) for r in self.db.execute(
            "SELECT a.id, x.event, c.parent, x.score FROM article_events x JOIN articles a ON a.rowid = x.article "
            "LEFT JOIN clusters c ON c.id = x.event ORDER BY x.seq")]

    def story_members(self, event_ids: Iterable[str]) -> dict[str, list[tuple[str, str | None, float]]]:
        """Event → its articles as (id, publication date, score), in date order. The date is
        the article's own, not one guessed from the dates its text names (none then)."""
        out: dict[str, list[tuple[str, str | None, float]]] = {}
        for e, a, p, s in self._select_in(
                "SELECT x.event, a.id, CASE WHEN a.published_source = 'text' THEN NULL ELSE a.published_value END "
                "AS own, x.score FROM article_events x JOIN articles a ON a.rowid = x.article "
                "WHERE x.event IN ({marks}) ORDER BY own IS NULL, own, x.seq", event_ids):
            out.setdefault(e, []).append((a, p, s))
        return out

    def story_unassigned(self) -> list[str]:
        """Articles with no event (stored before the story index, or whose assignment failed),
        in arrival order."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM articles WHERE rowid NOT IN (SELECT article FROM article_events) ORDER BY rowid")]

    def arrival_order(self) -> list[str]:
        """Current article ids in the order they first arrived."""
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY rowid")]


def _cluster(row: tuple[Any, ...]) -> Cluster:
    cid, seq, parent, vector, state = row
    return Cluster.from_state(cid, seq, parent, np.frombuffer(vector, dtype="<f4").astype(np.float32),
                              json.loads(state))
