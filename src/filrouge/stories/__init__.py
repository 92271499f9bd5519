"""Stories and events: the online clustering (``cluster``) over the store.

:class:`StoryIndex` feeds stored articles to the :class:`~.cluster.Clusterer` in arrival
order, inside the ingest transaction, and writes back what changed; :func:`describe`
turns stored events and stories into :class:`~filrouge.article.Story` records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import numpy as np

from ..article import Article, Event, Story
from .cluster import Assignment, Cluster, Clusterer, ClusterSettings
from .features import MODEL, NUMBER, Features, embed, features, idf, salience

__all__ = ["Assignment", "ClusterSettings", "StoryIndex", "describe", "stream_order"]


_FROM_TEXT = frozenset({"dateline", "text", "copy"})


def stream_order(ids: list[str], published: dict[str, Any]) -> list[str]:
    """The order a stream is replayed in: by the publication date that came with the
    article (a feed, a JSON field, page metadata, a date marker), then in the given order;
    articles dated only from their text (a dateline, a mention, a copy) or not at all keep
    their place after those. ``filrouge eval clustering`` ingests in this order and
    ``recluster`` replays in it, so both give the same partition."""
    def own(i: str) -> str:
        p = published.get(i)
        if p is None or isinstance(p, str):
            return p or "~"
        return "~" if p.inferred or p.source in _FROM_TEXT else p.value
    return sorted(ids, key=own)  # stable


class StoryIndex:
    """The online clustering's state, loaded from the store on first use."""

    def __init__(self, store: Any, settings: ClusterSettings | None = None) -> None:
        self.store = store
        self.settings = settings or ClusterSettings()
        self._clusterer: Clusterer | None = None
        self._seq = 0
        self._redirects_seen: dict[str, str] | None = None   # entity redirects at the last refresh

    # ---------------------------------------------------------------- state
    @property
    def clusterer(self) -> Clusterer:
        if self._clusterer is None:
            self._clusterer = self._load()
        return self._clusterer

    def reset(self) -> None:
        """Forget the in-memory state (after a rolled-back transaction): reloaded on next use."""
        self._clusterer = None

    def _load(self) -> Clusterer:
        c = Clusterer(self.settings)
        meta = self.store.story_meta()
        c.n_articles = meta.get("articles", 0)
        c.next_event = meta.get("next_event", 1)
        c.next_story = meta.get("next_story", 1)
        c.latest = meta.get("latest")
        self._seq = meta.get("assigned", 0)
        c.term_df = Counter(self.store.story_vocab("term"))
        c.entity_df = Counter(self.store.story_vocab("entity"))
        c.redirects = self.store.story_redirects()
        since = c.latest - self.settings.window_days if c.latest is not None else None
        events = self.store.story_clusters("event", since=since, limit=self.settings.max_active)
        for ev in events:
            c.load(ev, story=False)
        parents = {e.parent for e in events if e.parent}
        story_since = c.latest - self.settings.story_window_days if c.latest is not None else None
        stories = {s.id: s for s in self.store.story_clusters("story", since=story_since, limit=self.settings.max_active)}
        missing = parents - set(stories)
        if missing:
            stories.update({s.id: s for s in self.store.story_clusters("story", ids=missing)})
        for s in stories.values():
            c.load(s, story=True)
        return c

    def _save(self) -> None:
        c = self.clusterer
        events, stories, gone, redirects = c.drain()
        vocab = {"term": dict(c.term_changes), "entity": dict(c.entity_changes)}
        c.term_changes.clear()
        c.entity_changes.clear()
        meta = {"articles": c.n_articles, "next_event": c.next_event, "next_story": c.next_story,
                "latest": c.latest, "assigned": self._seq}
        self.store.story_save(events, stories, gone, redirects, vocab, meta)
        if c.moved:
            self.store.story_move(sorted(c.moved.items()))
            c.moved.clear()

    # ---------------------------------------------------------------- articles
    def features(self, articles: list[Article]) -> list[Features]:
        """What the clusterer reads of each article: its embedding (computed now when the
        worker did not, or read back from the store), entities and copy group."""
        stored = self.store.story_vectors([a.id for a in articles if a.embedding is None])
        todo = [a for a in articles if a.embedding is None and a.id not in stored]
        if todo:
            for a in embed(todo, self.settings.lead_words):
                stored[a.id] = np.frombuffer(a.embedding or b"", dtype="<f4")
        out = []
        for a in articles:
            vec = np.frombuffer(a.embedding, dtype="<f4") if a.embedding is not None else stored[a.id]
            out.append(features(a, vec.astype(np.float32), self._salience(a.id), self.store.copy_group(a.id),
                                self.settings.terms_words))
        return out

    def _salience(self, article_id: str) -> dict[str, float]:
        """The stored article's canonical entities, weighted (features.salience)."""
        return salience([(e, f) for (f, _), e in self.store.article_entities(article_id).items()])

    def add(self, articles: Iterable[Article]) -> list[Assignment]:
        """Assign articles (stored, with their entities and copies filed), in order. Runs
        inside the caller's transaction; a new version leaves its old version's event first."""
        batch = list(articles)
        if not batch:
            return []
        c = self.clusterer
        with self._writing():
            # Already assigned: a new version replaces the one filed (the record in hand
            # may not know its version number yet). One query finds them.
            assigned = set(self.store.story_assigned([a.id for a in batch]))
            for a in batch:
                if a.id in assigned:
                    self._forget(a.id, previous=True)
            feats = self.features(batch)
            done = []
            rows = []
            for f in feats:
                if f.copy_group:
                    self._revive_copy_event(f.copy_group)
                asg = c.assign(f)
                self._seq += 1
                rows.append((f.id, asg.event, round(asg.score, 4), self._seq))
                done.append(asg)
            self.store.story_put_vectors(
                (f.id, MODEL, f.vector.astype("<f4").tobytes()) for f in feats)
            self.store.story_assign(rows)
        return done

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A store transaction that ends by writing what the clusterer changed; when it
        fails, the in-memory state (ahead of what was rolled back) is dropped."""
        try:
            with self.store.transaction():
                yield
                self._save()
        except BaseException:
            self.reset()
            raise

    def settle(self) -> int:
        """Cluster again, in batch, the events that articles joined since the last call
        (:meth:`Clusterer.consolidate`), and write what changed. Ingest, recluster and
        enrich call it when they are done. Returns the number of articles that moved."""
        c = self._clusterer
        if c is None or not c.pending:
            return 0
        with self._writing():
            self._revive_events_around(c)
            for eid in self._neighbourhood(c):
                # Loaded from the store (a restart, or back for a late copy): its articles.
                ids = [a for a, _, _ in self.store.story_members([eid]).get(eid, [])]
                known = {f.id for f in c.members.get(eid, [])}
                c.members[eid] = self.features([self.store.get(a) for a in ids])
                c.recall(f for f in c.members[eid] if f.id not in known)
            self._refresh_entities()
            moved = c.consolidate()
        return len(moved)

    @staticmethod
    def _neighbourhood(c: Clusterer) -> list[str]:
        """The events in memory without their articles (loaded from the store after a
        restart) that consolidation reads with the pending ones (``Clusterer._region``):
        the pending ones, their nearest events and their stories' events, up to
        ``consolidate_max`` articles. Without their articles, an article that came today
        could never be put with the event of yesterday's ingest it belongs to (a Spanish
        report of it, scored online against the centroid alone)."""
        if all(c._complete(e) for e in c.events):
            return []
        out: list[str] = []
        size = 0
        for e in sorted((e for e in c.pending if e in c.events), key=lambda e: c.events[e].seq):
            parent = c.events[e].parent
            near = [e, *c.event_index.nearest(c.events[e].unit(), c.s.candidates),
                    *sorted(c.children.get(parent, ()) if parent else ())]
            for other in near:
                if other in out or other not in c.events or c._complete(other):
                    continue
                if out and size + c.events[other].n > c.s.consolidate_max:
                    return out
                out.append(other)
                size += c.events[other].n
        return out

    def _refresh_entities(self) -> None:
        """Give the articles in memory the entities they have now. An article's entities
        are read when it arrives; a later article can merge one of them into another ("Kadhafi"
        alone, then "Mouammar Kadhafi"), and what came first would otherwise keep the old
        id, so that the order of arrival would decide whether the two articles share it.
        The document frequencies follow."""
        c = self.clusterer
        redirects = self.store.entity_redirects()
        if redirects == self._redirects_seen:
            return
        self._redirects_seen = redirects
        for eid, feats in c.members.items():
            for f in feats:
                if any(e in redirects for e in f.entities):
                    c.rename_entities(eid, f, self._salience(f.id))

    def _revive_copy_event(self, grp: str) -> None:
        """Copies always join their copy's event: bring it back to memory when it left
        (an old event, or one not loaded after a restart)."""
        c = self.clusterer
        known = c.copy_event.get(grp)
        if known is not None and c.resolve(known) in c.events:
            return
        eid = self.store.story_copy_event(grp)
        if eid is None:
            return
        event = self._wake(c.resolve(eid))
        if event is not None:
            c.copy_event[grp] = event.id

    def _revive_events_around(self, c: Clusterer) -> None:
        """The events of late articles' days back in memory, for consolidation: a late
        article (older than the window: a folder of June articles ingested after October's)
        found no event of its days in memory and opened its own. Of the stored events
        published within the event ``max_apart`` of a pending event that is late, the
        nearest few by embedding come back, and consolidation compares the two."""
        if c.latest is None:
            return
        late = [c.events[e] for e in sorted(c.pending) if e in c.events]
        late = [e for e in late if e.last is not None and e.last < c.latest - c.s.window_days]
        apart = int(c.s.event.max_apart)
        for ev in late:
            assert ev.first is not None and ev.last is not None
            unit = ev.unit()
            near = []
            for eid, blob in self.store.story_events_around((ev.first + ev.last) // 2, (ev.last - ev.first) // 2 + apart):
                if eid not in c.events:
                    v = np.frombuffer(blob, dtype="<f4")
                    near.append((float(v @ unit) / (float(np.linalg.norm(v)) or 1.0), eid))
            for _, eid in sorted(near, reverse=True)[:c.s.candidates]:
                self._wake(eid)

    def _wake(self, eid: str) -> Cluster | None:
        """An event in memory, with its story: loaded from the store when it had left."""
        c = self.clusterer
        if eid not in c.events:
            for ev in self.store.story_clusters("event", ids=[eid]):
                if ev.parent and ev.parent not in c.stories:
                    for st in self.store.story_clusters("story", ids=[ev.parent]):
                        c.load(st, story=True)
                c.load(ev, story=False)
        return c.events.get(eid)

    def forget(self, article_id: str) -> None:
        """Take a stored article out of its event (before it is deleted)."""
        with self._writing():
            self._forget(article_id, previous=False)

    def _forget(self, article_id: str, previous: bool) -> None:
        was = self.store.story_unassign(article_id)
        if was is None:
            return
        c = self.clusterer
        event = self._wake(c.resolve(was[0]))
        if event is None:
            return
        versions = self.store.versions(article_id)
        article = versions[-2] if previous and len(versions) > 1 else versions[-1]
        vec = self.store.story_vectors([article_id]).get(article_id)
        if vec is None:
            return
        # The features it was filed with; else recomputed (an earlier version's mentions are
        # already replaced by the new one's: not known here).
        f = c.leave(event.id, article_id)
        if f is None:
            ents = {} if previous else self._salience(article_id)
            f = features(article, vec.astype(np.float32), ents, None, self.settings.terms_words)
        weights = c._term_weights(f.terms)
        event.remove(f, weights)
        story = c.stories.get(event.parent or "")
        if story is not None:
            story.remove(f, weights)
        c.dirty |= {event.id} | ({story.id} if story else set())
        if event.n == 0:
            c.drop(event.id, story=False)
        if story is not None and story.n == 0:
            c.drop(story.id, story=True)


# -------------------------------------------------------------------- describing
def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def event_date(c: Cluster, published: list[str | None]) -> tuple[str | None, str | None, str | None]:
    """(date, granularity, source): the day the articles say it happened, else the day
    most of them were published, else the month most were published in. Between days named (or
    published) equally often, the earliest: a happening comes before the days its reports
    and reactions name ("arrivé mercredi …, a rapporté jeudi l'agence"). But the latest
    when none of its articles has a date of its own: their days named are all those of their
    text (features.happening_dates), background included, and the latest is nearest the
    time of writing."""
    def most(counts: Counter[str], latest: bool = False) -> str:
        if latest:
            return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]

    if c.dates:
        return most(c.dates, latest=c.first is None), "day", "mentions"
    days = Counter(p[:10] for p in published if p and len(p) >= 10)
    if days:
        return most(days), "day", "published"
    months = Counter(p[:7] for p in published if p and len(p) >= 7)
    if months:
        return most(months), "month", "published"
    return None, None, None


_FEW = 5   # a story of at most this many articles is labelled by how much they make of each name


def describe(store: Any, story_ids: Iterable[str] | None = None) -> list[Story]:
    """Stored stories (all, or those of ``story_ids``) with their events, most recent first."""
    from ..entities.index import entity_names

    stories = store.story_clusters("story", ids=story_ids)
    if not stories:
        return []
    ids = {s.id for s in stories}
    events = store.story_events_of(ids)
    members = store.story_members([e.id for e in events])
    info = store.story_article_info([a for m in members.values() for a, _, _ in m])
    vectors = store.story_vectors(info)
    # A story's entities hold its events' (every article counts in both).
    entity_df = store.story_vocab_of("entity", {k for s in stories for k in s.entities})
    n_articles = max(1, store.story_meta().get("articles", 1))
    page_titles = store.story_page_titles({t for _, _, t in info.values() if t})
    headlines: dict[str, str] = {}
    key_entities: dict[str, list[str]] = {}
    mentioned: dict[str, list[tuple[str, str]]] = {}

    def mentions_of(a: str) -> list[tuple[str, str]]:
        """An article's (entity, field) mentions, read once for events and stories alike."""
        if a not in mentioned:
            mentioned[a] = [(k, f) for (f, _), k in store.article_entities(a).items()]
        return mentioned[a]

    for e in events:
        arts = members.get(e.id, [])
        if not arts:
            continue
        unit = e.unit()
        # The headline nearest the centroid, in the language most of its articles are in
        # (its first article's on a tie: a French event with one Spanish report keeps a
        # French title), but never a title the page prints on articles that are not copies
        # ("Boutique le Point"): then a label of its key names.
        spoken = Counter(info[a][0] for a, _, _ in arts if info.get(a) and info[a][0])
        main = spoken.most_common(1)[0][0] if spoken else None   # the first seen of a tie
        near = sorted(arts, key=lambda m: (info.get(m[0], ("",))[0] != main,
                                           -(float(vectors[m[0]] @ unit) if m[0] in vectors else -1.0)))
        title = next((t for a, _, _ in near if (t := info.get(a, ("", "", ""))[2]) and t not in page_titles), None)
        if title is not None:
            headlines[e.id] = title
        else:   # the names its articles make most of (features.salience), the page's title left out
            weight: Counter[str] = Counter()
            for a, _, _ in arts:
                weight.update(salience([(k, f) for k, f in mentions_of(a) if f != "title"]))
            key_entities[e.id] = [k for k, _ in sorted(
                weight.items(), key=lambda kv: (-kv[1], -idf(entity_df.get(kv[0], 0), n_articles), kv[0]))[:4]]
    events_of: dict[str, list[Any]] = defaultdict(list)
    for e in events:
        events_of[e.parent or ""].append(e)
    for s in stories:
        story_weight = {k: n * idf(entity_df.get(k, 0), n_articles)
                        for k, n in s.entities.items() if n * 3 >= s.n or n >= 3}
        if s.n <= _FEW:
            # In a story of a few articles, most names are in one article each: the count of
            # articles ties, and the rarest names in the corpus came first, alphabetically (a
            # page's sidebar). How much its articles make of each name (features.salience:
            # mentions, and the title) tells them apart.
            made: Counter[str] = Counter()
            for e in events_of[s.id]:
                for a, _, _ in members.get(e.id, []):
                    made.update(salience(mentions_of(a)))
            story_weight = {k: w * made.get(k, 1.0) for k, w in story_weight.items()}
        key_entities[s.id] = [k for k, _ in sorted(story_weight.items(), key=lambda kv: (-kv[1], kv[0]))[:4]]
    names = {e: n for e, (n, _) in entity_names(store, sorted({k for v in key_entities.values() for k in v})).items()}
    by_story: dict[str, list[Event]] = {s.id: [] for s in stories}
    for e in events:
        arts = members.get(e.id, [])
        if not arts:
            continue
        when, gran, source = event_date(e, [p for _, p, _ in arts])
        langs = sorted({info[a][0] for a, _, _ in arts if info.get(a) and info[a][0]})
        title = headlines.get(e.id)
        if title is None:
            words = [t for t, _ in e.terms.most_common(12) if not t.startswith(NUMBER)][:3]
            title = " · ".join([names[k] for k in key_entities[e.id] if k in names][:3] or words)
        by_story[e.parent or ""].append(Event(
            id=e.id, title=title, date=when, granularity=gran, articles=tuple(a for a, _, _ in arts),
            story=e.parent, date_source=source, languages=tuple(langs),
            title_source="headline" if e.id in headlines else "label"))
    out = []
    for s in stories:
        evs = sorted(by_story.get(s.id, []), key=lambda e: (e.date is None, e.date or "", e.id))
        if not evs:
            continue
        ents = [(k, names[k]) for k in key_entities[s.id] if k in names][:3]
        # Words only: numbers tell events apart but say little as a label.
        terms = [t for t, _ in s.terms.most_common(12) if not t.startswith(NUMBER)][:5]
        label_parts = [n for _, n in ents] or terms[:3]
        # The range covers the events' dates and every publication day of the story.
        dated = [e.date for e in evs if e.date] + [_iso(d) for d in (s.first, s.last) if d is not None]
        arts = [a for e in evs for a in e.articles]
        out.append(Story(
            id=s.id, label=" · ".join(label_parts) or evs[0].title, start=min(dated) if dated else None,
            end=max(dated) if dated else None, events=tuple(evs), entities=tuple(ents), terms=tuple(terms),
            languages=tuple(sorted({info[a][0] for a in arts if info.get(a) and info[a][0]})),
            sources=tuple(sorted({info[a][1] for a in arts if info.get(a) and info[a][1]}))))
    out.sort(key=lambda s: (-len(s.articles), s.id))
    return sorted(out, key=lambda s: s.end or "", reverse=True)  # stable: size breaks ties
