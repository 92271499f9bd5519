"""The Python API. The CLI and the web app are thin layers over :class:`Filrouge`.

>>> import filrouge, tempfile, os
>>> with tempfile.TemporaryDirectory() as d:
...     fr = filrouge.open(os.path.join(d, "x.db"))
...     report = fr.ingest_records([{"id": "a1", "title": "Titre", "text": "Kim Jong Un est arrivé mardi à Vladivostok."}])
...     (report.new, fr.article("a1").language)
(1, 'fr')
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Self

from .article import (
    Article,
    CopyGroup,
    DateMention,
    Entity,
    IngestReport,
    Passage,
    RawArticle,
    Rejection,
    Story,
    Summary,
    TimelineEntry,
)
from .copies import CopyIndex, copy_date, describe_group, shared_passages
from .copies.signature import INDEX_VERSION
from .dates import Ref, tagger
from .entities import EXTRACTION_VERSION, extract_entities
from .entities.index import EntityIndex, describe, entity_names, merge_repeated, quote_records
from .entities.local import name_key
from .entities.names import alias_table, key
from .entities.ner import one_blas_thread
from .entities.quotes import find_quotes
from .errors import FilrougeError, InputRejected, NotFound
from .ingest import from_record, list_files, read_file
from .pipeline import process_batch, redate
from .search import MODES, Hit, Searcher
from .settings import Settings
from .store import Store, open_store
from .store.base import SearchFilters
from .stories import StoryIndex, stream_order
from .stories import describe as describe_stories
from .tell import Background, Source, summarize
from .tell import timeline as tell_timeline


@dataclass(frozen=True)
class Progress:
    """Where a long ingest stands: bytes of input read, and articles done."""

    bytes_done: int
    bytes_total: int
    articles: int
    rejected: int


_CHUNK = 16
_ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")
_CHUNK_BYTES = 100_000


class Filrouge:
    """A filrouge database and what can be done with it."""

    def __init__(self, path: str | os.PathLike[str] | None = None, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.load()
        self.path = str(path or os.environ.get("FILROUGE_DB") or self.settings.store.path)
        self.store: Store = open_store(self.path, busy_timeout=self.settings.store.busy_timeout)
        self.copy_index = CopyIndex(self.store, self.settings.copies)
        self.entity_index = EntityIndex(self.store)
        self.story_index = StoryIndex(self.store, self.settings.stories)
        self.searcher = Searcher(self.store)
        self.relinked = 0   # articles whose canonical entities the last enrich changed
        self._reports: dict[tuple[Any, ...], tuple[Story, dict[str, Any]]] = {}
        self._labels: tuple[Any, dict[str, str]] = (None, {})

    # ------------------------------------------------------------------ reading
    def articles(self) -> list[Article]:
        return list(self.store.iter_articles())

    def iter_articles(self) -> Iterator[Article]:
        return self.store.iter_articles()

    def article(self, article_id: str) -> Article:
        return self.store.get(article_id)

    def versions(self, article_id: str) -> list[Article]:
        return self.store.versions(article_id)

    def rejected(self) -> list[Rejection]:
        return self.store.rejections()

    def count(self) -> int:
        return self.store.count()

    def show(self, article_id: str) -> dict[str, Any]:
        """An article as ``filrouge show --json`` prints it: the record, its copy group and
        the passages it shares with articles that are not its copies."""
        a = self.store.get(article_id)
        out = a.as_dict()
        group = self.copy_group(article_id)
        out["copy_group"] = group.id if group else None
        out["copies"] = group.as_dict() if group else None
        out["shared_passages"] = [p.as_dict() for p in self.shared_passages(article_id)]
        placed = self.store.story_of_article(article_id)
        out["event"], out["story"] = placed if placed else (None, None)
        canonical = self.store.article_entities(article_id)
        speakers = self.store.article_quote_speakers(article_id)
        ids = set(canonical.values()) | {e for e in speakers.values() if e}
        known = {e.id: e for e in describe(self.store, sorted(ids), with_articles=False)}
        for m in out["entities"] + out["other_entities"]:
            m["entity_id"] = canonical.get((m.get("field", "text"), m["start"]))
            ent = known.get(m["entity_id"])
            if ent is not None:
                # The entity's name and type, from all its mentions in the corpus (the model
                # may type one mention of a place as a person); the mention's own type stays.
                m["name"], m["mention_type"], m["type"] = ent.name, m["type"], ent.type
        for q in out["quotes"]:
            # As in `filrouge quotes`: the speaker's canonical name, and the words the text used.
            q["speaker_id"] = speakers.get(q["start"])
            ent = known.get(q["speaker_id"] or "")
            q["said_as"], q["speaker"] = q["speaker"], ent.name if ent else q["speaker"]
        return out

    # ------------------------------------------------------------------ entities and quotes
    def outdated(self) -> int:
        """How many stored articles' entities an older version of the extraction found
        (:meth:`enrich` finds them again)."""
        return self.store.entity_outdated(EXTRACTION_VERSION)

    def entities(self, etype: str | None = None) -> list[Entity]:
        """Canonical entities (of one type if given), most mentioned first."""
        if etype is not None and etype not in ENTITY_TYPES:
            raise FilrougeError(f"unknown entity type '{etype}': use one of {', '.join(ENTITY_TYPES)}")
        found = [e for e in describe(self.store, etype=etype) if etype is None or e.type == etype]
        return sorted(found, key=lambda e: (-e.mentions, e.id))

    def entity(self, name_or_id: str) -> dict[str, Any]:
        """One entity: aliases with counts, articles, dates, co-occurring entities and its
        quotations. Found by id (merged ids redirect), by any of its names or spellings."""
        eid = self.find_entity(name_or_id)
        if eid is None:
            raise NotFound(f"no entity '{name_or_id}' (filrouge entities lists them)")
        ent = describe(self.store, [eid])[0]
        out = ent.as_dict()
        co = self.store.entity_cooccurring(eid)
        names = {e.id: e for e in describe(self.store, [o for o, _ in co])}
        out["cooccurring"] = [{"id": o, "name": names[o].name, "type": names[o].type, "articles": n}
                              for o, n in co if o in names]
        out["quotes"] = merge_repeated(quote_records(self.store, [eid]))
        return out

    def find_entity(self, name_or_id: str) -> str | None:
        """The canonical id of an entity given its id, an old (merged) id or a name."""
        eid = self.store.entity_resolve(name_or_id.strip())
        if eid is not None:
            return eid
        entry = alias_table().get(key(name_or_id))
        if entry is not None and self.store.entity_resolve(entry.id):
            return self.store.entity_resolve(entry.id)
        probes = [(name_key(name_or_id, t), t, kind) for t in ENTITY_TYPES for kind in ("name", "part")]
        found = self.store.entity_find(probes)
        hits = [e for p in probes for e in found.get(p, [])]
        if not hits:
            return None
        counts = self.store.entity_mention_counts(hits)
        return max(hits, key=lambda e: counts.get(e, 0))

    def quotes(self, speaker: str | None = None) -> list[dict[str, Any]]:
        """Quotations in date order; with ``speaker`` (a name or id), only theirs."""
        if speaker is None:
            return quote_records(self.store)
        eid = self.find_entity(speaker)
        if eid is None:
            raise NotFound(f"no entity '{speaker}' (filrouge entities --type PER lists people)")
        return quote_records(self.store, [eid])

    # ------------------------------------------------------------------ copies
    def copies(self) -> list[CopyGroup]:
        """Every copy group, largest first."""
        groups = [describe_group(self.store, g) for g in self.store.copy_groups()]
        return sorted(groups, key=lambda g: (-len(g.articles), g.id))

    def copy_group(self, article_id: str) -> CopyGroup | None:
        grp = self.store.copy_group(article_id)
        return describe_group(self.store, grp) if grp else None

    def shared_passages(self, article_id: str) -> list[Passage]:
        """Passages of the article found in articles that are not its copies."""
        return shared_passages(self.store, self.store.get(article_id), self.settings.copies.passage_max_articles)

    def remove(self, article_ids: Iterable[str]) -> int:
        """Delete articles (every version) and take them out of the copy index; their former
        copies are regrouped and redated. Raises NotFound, before deleting anything, for
        an unknown id."""
        ids = list(dict.fromkeys(article_ids))
        stored = self.store.content_hashes(ids)
        missing = [i for i in ids if i not in stored]
        if missing:
            raise NotFound(f"no article with id '{missing[0]}'")
        try:
            with self.store.transaction():
                touched: set[str] = set()
                for i in ids:
                    self.story_index.forget(i)
                    touched |= self.copy_index.remove(i)
                    self.store.delete(i)
                self._date_from_copies(touched - set(ids))
        except BaseException:
            self.story_index.reset()
            raise
        return len(ids)

    # ------------------------------------------------------------------ search
    def search(self, query: str, start: str | None = None, end: str | None = None, language: str | None = None,
               entity: str | None = None, source: str | None = None, limit: int = 20,
               mode: str = "hybrid") -> list[Hit]:
        """Articles for a query, best first: full text and meaning fused (``mode`` "text" or
        "semantic" gives one half alone), within the filters: publication dates from ``start``
        to ``end`` (2023, 2023-09 or 2023-09-13), a language, an entity (a name or an id),
        a source (part of its name)."""
        if not query or not query.strip():
            raise FilrougeError("the search query is empty")
        if mode not in MODES:
            raise FilrougeError(f"unknown search mode '{mode}': use one of {', '.join(MODES)}")
        _check_count("limit", limit)
        for name, value in (("from", start), ("to", end)):
            if value is not None and not _is_date_prefix(value):
                raise FilrougeError(f"the '{name}' date '{value}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
        entities = None
        if entity:
            eid = self.find_entity(entity)
            if eid is None:
                raise NotFound(f"no entity '{entity}' (filrouge entities lists them)")
            entities = (eid,)
        filters = SearchFilters(start or None, end or None, language or None, source or None, entities)
        return self.searcher.search(query, filters, limit=limit, mode=mode)

    # ------------------------------------------------------------------ telling
    def background(self) -> Background:
        """Term document frequencies over the stored articles (the story index's online
        vocabulary): the idf of timelines and summaries."""
        return Background(lambda terms: self.store.story_vocab_of("term", terms),
                          self.store.story_meta().get("articles", 0))

    def sources(self, article_ids: Iterable[str]) -> list[Source]:
        """Stored articles ready to be told: each with its independent source (its copy
        group, or itself) and the canonical names of its quotations' speakers."""
        ids = list(article_ids)
        speakers = {i: self.store.article_quote_speakers(i) for i in ids}
        wanted = sorted({e for sp in speakers.values() for e in sp.values() if e})
        names = {e: n for e, (n, _) in entity_names(self.store, wanted).items()}
        return [Source(self.store.get(i), self.store.copy_group(i) or i,
                       {start: names[e] for start, e in speakers[i].items() if e in names}) for i in ids]

    def _resolve(self, story_or_event_id: str) -> tuple[str, str | None]:
        """(id, its story's id if it is an event) of a story or an event, by any of its
        ids (merged ids followed)."""
        cid = self.store.story_resolve(story_or_event_id.strip())
        if cid is None:
            raise NotFound(f"no story or event '{story_or_event_id}' (filrouge stories lists them)")
        return cid, self.store.story_parent(cid)

    def _version(self) -> tuple[Any, ...]:
        """Changes whenever articles or their events and stories do (cached views read it)."""
        return self.store.search_version(), tuple(sorted(self.store.story_meta().items()))

    def _told(self, story_or_event_id: str) -> tuple[str, str, tuple[str, ...]]:
        """(kind, id, article ids) of a story or an event, by any of its ids."""
        cid, parent = self._resolve(story_or_event_id)
        if parent:
            members = self.store.story_members([cid]).get(cid, [])
            return "event", cid, tuple(a for a, _, _ in members)
        st = self.story(cid)
        return "story", st.id, st.articles

    def timeline(self, story_id: str, dates: int | None = None, sentences: int = 2) -> list[TimelineEntry]:
        """The dated timeline of a story (an event's id gives its story's): ``dates`` dates,
        or as many as enough independent sources name; up to ``sentences`` sentences each,
        every one with the articles that print it."""
        _check_count("dates", dates, allow_none=True)
        _check_count("sentences", sentences)
        st = self.story(story_id)
        return tell_timeline(self.sources(st.articles), self.settings.tell, dates=dates, sentences=sentences,
                             background=self.background())

    def summary(self, story_or_event_id: str, sentences: int = 5) -> Summary:
        """An extractive summary of a story or of one event, in time order, each sentence
        with the articles that print it."""
        _check_count("sentences", sentences)
        kind, cid, ids = self._told(story_or_event_id)
        told = summarize(self.sources(ids), self.settings.tell, sentences=sentences, background=self.background())
        return Summary(cid, kind, tuple(told))

    def told_key(self, story_id: str) -> tuple[Any, ...]:
        """What a story's report depends on: its id (followed through merges; an event's id
        gives its story) and the version of the store. Cheap: no story is described."""
        cid, parent = self._resolve(story_id)
        return (parent or cid, *self._version())

    def story_view(self, story_id: str, dates: int | None = None, sentences: int = 5) -> tuple[Story, dict[str, Any]]:
        """(the story, its report): kept for the store's version (any change of articles or
        assignments makes them anew), 256 at most."""
        key = (*self.told_key(story_id), dates, sentences)
        found = self._reports.get(key)
        if found is None:
            st = self.story(story_id)
            found = (st, self._story_report(st, dates, sentences))
            if len(self._reports) >= 256:
                self._reports.pop(next(iter(self._reports)))
            self._reports[key] = found
        return found

    def story_report(self, story_id: str, dates: int | None = None, sentences: int = 5) -> dict[str, Any]:
        """A story as ``filrouge story --json`` gives it: its events and articles, then its
        summary, timeline, key entities, quotations with speakers, copy groups and sources."""
        return self.story_view(story_id, dates, sentences)[1]

    def _story_report(self, st: Story, dates: int | None, sentences: int) -> dict[str, Any]:
        out = st.as_dict()
        sources = self.sources(st.articles)
        background = self.background()
        memo: dict[tuple[str, int], Any] = {}   # each sentence read once for both
        out["summary"] = [c.as_dict() for c in summarize(sources, self.settings.tell, sentences=sentences,
                                                          background=background, memo=memo)]
        out["timeline"] = [e.as_dict() for e in tell_timeline(sources, self.settings.tell, dates=dates,
                                                              background=background, memo=memo)]
        out["quotes"] = merge_repeated(quote_records(self.store, articles=list(st.articles)))
        groups = {s.group for s in sources if s.group != s.article.id}
        out["copies"] = [describe_group(self.store, g).as_dict() for g in sorted(groups)]
        return out

    # ------------------------------------------------------------------ stories and events
    def stories(self, limit: int | None = None, ids: Iterable[str] | None = None) -> list[Story]:
        """Every story with its events (or the ``limit`` most recently changed, or those of
        ``ids``), the most recent first."""
        if ids is not None:
            return describe_stories(self.store, list(ids))
        if limit is None:
            return describe_stories(self.store)
        return describe_stories(self.store, [c.id for c in self.store.story_clusters("story", limit=limit)])

    def story(self, story_or_event_id: str) -> Story:
        """One story, by its id, an old (merged) id, or the id of one of its events."""
        cid, parent = self._resolve(story_or_event_id)
        found = describe_stories(self.store, [parent or cid])
        if not found:
            raise NotFound(f"story '{story_or_event_id}' has no articles")
        return found[0]

    def story_labels(self, ids: Iterable[str]) -> dict[str, str]:
        """Story id → label, kept while the store does not change (search results name their
        stories; describing a story each time costs more than the search)."""
        ids = list(ids)
        version = self._version()
        if self._labels[0] != version:
            self._labels = (version, {})
        cache = self._labels[1]
        wanted = [i for i in dict.fromkeys(ids) if i and i not in cache]
        if wanted:
            cache.update({st.id: st.label for st in self.stories(ids=wanted)})
        return {i: cache[i] for i in ids if i in cache}

    def recluster(self, on_progress: Callable[[int, int], None] | None = None, batch: int = 200) -> int:
        """Forget every event and story and assign all articles again, through the same
        online code, in the order of :func:`filrouge.stories.stream_order`: the partition
        an ingest in that order gives. Stored embeddings are reused."""
        order = stream_order(self.store.arrival_order(), self.store.published_dates(self.store.ids()))
        try:
            with self.store.transaction():
                self.store.story_clear()
                self.story_index.reset()
                for k in range(0, len(order), batch):
                    self.story_index.add([self.store.get(i) for i in order[k:k + batch]])
                    if on_progress:
                        on_progress(min(len(order), k + batch), len(order))
                self.story_index.settle()
        except BaseException:
            self.story_index.reset()
            raise
        return len(order)

    def _index_copies(self, articles: Iterable[Article]) -> None:
        """Put articles in the copy index (inside the caller's transaction) and date the
        undated members of the groups that changed."""
        touched: set[str] = set()
        for a in articles:
            touched |= self.copy_index.add(a)
        self._date_from_copies(touched)

    def _date_from_copies(self, ids: Iterable[str]) -> None:
        """Undated articles take the date of their dated copies; one whose dated copies are
        gone goes back to the date its own text gives."""
        dates = self.store.published_dates(ids)
        redone: list[Article] = []
        groups: dict[str, list[str]] = {}
        for i, p in dates.items():
            if p is not None and not p.inferred:
                continue  # a date of its own: copies do not change it
            grp = self.store.copy_group(i)
            if grp is not None:
                groups.setdefault(grp, []).append(i)
            elif p is not None and p.source == "copy":
                redone.append(redate(self.store.get(i)))  # its dated copies are gone
        for grp, undated in groups.items():
            member_dates = self.store.published_dates(self.store.copy_group_members(grp))
            date = copy_date(member_dates.values())
            for i in undated:
                if date is not None and dates[i] != date:
                    redone.append(redate(self.store.get(i), date))
                elif date is None and dates[i] is not None and dates[i].source == "copy":
                    redone.append(redate(self.store.get(i)))
        if redone:
            self.store.update_derived(redone)

    # ------------------------------------------------------------------ enrichment
    def enrich(self, on_progress: Callable[[int, int], None] | None = None, batch: int = 200) -> int:
        """Recompute what later stages derive for every stored article: date mentions and
        inferred publication dates (after an upgrade of the temporal grammar), entities and
        quotations (after an upgrade of their rules), and the copy index for articles stored
        before it existed. The canonical entities are linked again from scratch, in the
        order the articles arrived (an upgrade of the linking rules may split what an older
        version joined); when that changes the entities of any article, every event and
        story is rebuilt (:meth:`recluster`), since they were found with the old ones.
        Returns the number of articles done. Articles are read a batch at a time, so memory
        stays flat; the entities are rebuilt in one transaction, so an interrupted enrich
        leaves the old ones."""
        ids = self.store.arrival_order()
        total = len(ids)
        done = 0
        before = self.store.entity_digests()
        with self.store.transaction():
            self.store.entity_clear()
            for k in range(0, total, batch):
                articles = extract_entities([redate(self.store.get(i)) for i in ids[k:k + batch]])
                self.store.update_derived(articles)
                for a in articles:
                    self._file_entities(a)
                done = min(total, k + batch)
                if on_progress:
                    on_progress(done, total)
        after = self.store.entity_digests()
        self.relinked = sum(before.get(i) != after.get(i) for i in set(before) | set(after))
        todo = self.store.copy_unindexed(INDEX_VERSION)
        for k in range(0, len(todo), batch):
            with self.store.transaction():
                self._index_copies(self.store.get(i) for i in todo[k:k + batch])
        # Dates inferred from copies were reset above: give them back.
        with self.store.transaction():
            self._date_from_copies(i for g in self.store.copy_groups().values() for i in g)
        if self.relinked:
            self.recluster()
            return done
        # Articles stored before the story index (or whose assignment failed) join events.
        todo = self.store.story_unassigned()
        for k in range(0, len(todo), batch):
            with self.store.transaction():
                self.story_index.add([self.store.get(i) for i in todo[k:k + batch]])
        self.story_index.settle()
        return done

    @staticmethod
    def dates(text: str, ref: str | None = None, language: str = "fr") -> list[DateMention]:
        """Tag any text: its temporal expressions resolved against ``ref`` (``YYYY[-MM[-DD]]``)."""
        if ref is not None and Ref.parse(ref) is None:
            raise FilrougeError(f"reference date '{ref}' is not YYYY, YYYY-MM or YYYY-MM-DD")
        return tagger(language).tag(text, ref)  # an unknown language raises GrammarError

    # ------------------------------------------------------------------ ingest
    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]],
        on_progress: Callable[[Progress], None] | None = None,
        on_reject: Callable[[Rejection], None] | None = None,
    ) -> IngestReport:
        """Read files and folders, clean and store every article; reject bad inputs with reasons.

        Work is committed in batches: an interrupted ingest keeps what was committed, and
        running it again skips what is already stored ("unchanged") and finishes the job.
        """
        report = IngestReport()
        db = os.path.realpath(self.path)
        files: list[Path] = []
        for f in list_files(paths, self.settings, skip=[db, db + "-wal", db + "-shm", db + "-journal"]):
            if isinstance(f, Rejection):
                report.rejected.append(f)
                self._reject(f, on_reject)
            else:
                files.append(f)
        sizes = [_size(f) for f in files]
        total = sum(sizes)
        report.files = len(files)
        state = {"bytes": 0}

        def raws() -> Iterator[RawArticle | Rejection]:
            for f, size in zip(files, sizes):
                yield from read_file(f, self.settings)
                state["bytes"] += size

        parallel = (self.settings.ingest.worker_count > 1
                    and total >= self.settings.ingest.parallel_min_mb * 2**20)
        self._run(raws(), report, parallel, on_reject,
                  lambda: on_progress(Progress(state["bytes"], total, report.stored + report.unchanged,
                                               len(report.rejected))) if on_progress else None)
        return report

    def ingest_records(self, records: Iterable[Any], origin: str = "<records>",
                       on_reject: Callable[[Rejection], None] | None = None) -> IngestReport:
        """Ingest JSON-like objects (the JSONL line format) through the same pipeline."""
        report = IngestReport()

        def raws() -> Iterator[RawArticle | Rejection]:
            for i, record in enumerate(records, start=1):
                try:
                    yield from_record(record, origin, i)
                except InputRejected as e:
                    yield Rejection(origin, e.reason, i)

        self._run(raws(), report, False, on_reject, lambda: None)
        return report

    def _run(self, items: Iterator[RawArticle | Rejection], report: IngestReport, parallel: bool,
             on_reject: Callable[[Rejection], None] | None, tick: Callable[[], None]) -> None:
        started = time.perf_counter()
        batch: list[Article] = []
        size = self.settings.ingest.batch_size
        try:
            for result in self._processed(items, report, parallel, on_reject):
                if isinstance(result, Rejection):
                    report.rejected.append(result)
                    self._reject(result, on_reject)
                    continue
                batch.append(result)
                if len(batch) >= size:
                    self._flush(batch, report)
                    batch = []
                    tick()
            self._flush(batch, report)
            self.story_index.settle()
            tick()
        except KeyboardInterrupt:
            report.interrupted = True
            self._flush(batch, report)  # complete articles: keep them
            self.story_index.settle()
        finally:
            report.seconds = time.perf_counter() - started

    def _processed(self, items: Iterator[RawArticle | Rejection], report: IngestReport, parallel: bool,
                   on_reject: Callable[[Rejection], None] | None) -> Iterator[Article | Rejection]:
        """Skip what is stored unchanged, then clean the rest (in worker processes if asked)."""
        todo = self._changed(items, report)
        if not parallel:
            chunk: list[RawArticle | Rejection] = []
            for raw in todo:
                chunk.append(raw)
                if len(chunk) >= _CHUNK:
                    yield from process_batch(chunk, self.settings)
                    chunk = []
            yield from process_batch(chunk, self.settings)
            return
        workers = self.settings.ingest.worker_count
        ctx = get_context("fork") if os.name == "posix" else get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(self.settings,)) as pool:
            pending: deque[Any] = deque()
            chunk = []
            chunk_bytes = 0
            for raw in todo:
                chunk.append(raw)
                chunk_bytes += len(raw.body) if isinstance(raw, RawArticle) else 0
                if len(chunk) >= _CHUNK or chunk_bytes >= _CHUNK_BYTES:
                    pending.append(pool.submit(_work, chunk))
                    chunk, chunk_bytes = [], 0
                    # Bounded (memory stays flat), and deep enough that one long article
                    # on one worker does not leave the other idle.
                    while len(pending) >= workers * 8:
                        yield from pending.popleft().result()
            if chunk:
                pending.append(pool.submit(_work, chunk))
            while pending:
                yield from pending.popleft().result()

    def _changed(self, items: Iterator[RawArticle | Rejection],
                 report: IngestReport) -> Iterator[RawArticle | Rejection]:
        """Pass on rejections and the articles whose content is not already stored."""
        window: list[RawArticle | Rejection] = []

        def drain() -> Iterator[RawArticle | Rejection]:
            ids = [r.id for r in window if isinstance(r, RawArticle) and r.id]
            stored = self.store.content_hashes(ids)
            cleared: list[tuple[str, int | None]] = []
            for r in window:
                if isinstance(r, RawArticle) and r.id and stored.get(r.id) == r.content_hash:
                    report.unchanged += 1
                    cleared += [(r.path, r.line), (r.path, None)]
                else:
                    yield r
            self.store.clear_rejections(cleared)
            window.clear()

        for item in items:
            window.append(item)
            if len(window) >= 256:
                yield from drain()
        yield from drain()

    def _file_entities(self, article: Article) -> None:
        """File a stored article's entities. An article in a language no recogniser reads
        first gets the names the store already knows (``EntityIndex.known_names``), in its
        stored record too, so that ``show`` and the entity pages list them."""
        extra = self.entity_index.known_names(article)
        if extra:
            stored = self.store.get(article.id)   # the version it was stored as
            mentions = stored.mentions + extra
            # Its quotations again, now that the names are known: « … », dijo Christine Lagarde.
            in_text = sorted((m for m in mentions if m.field == "text"), key=lambda m: m.start)
            quotes = find_quotes(stored.text, stored.sentences, stored.paragraphs, in_text, stored.language)
            article = stored.evolve(mentions=mentions, quotes=tuple(quotes))
            self.store.update_derived([article])
        self.entity_index.add(article)

    def _flush(self, batch: list[Article], report: IngestReport) -> None:
        if not batch:
            return
        try:
            with self.store.transaction():
                statuses = self.store.put_many(batch)
                changed = [a for a, st in zip(batch, statuses) if st != "unchanged"]
                self._index_copies(changed)
                for a in changed:
                    self._file_entities(a)
                self.story_index.add(changed)
        except BaseException:
            self.story_index.reset()  # its memory may be ahead of what was rolled back
            raise
        for art, status in zip(batch, statuses):
            if status == "new":
                report.new += 1
            elif status == "version":
                report.new_versions += 1
            else:
                report.unchanged += 1
            report.stored_ids.append(art.id)
        cleared: list[tuple[str, int | None]] = []
        for a in batch:
            if a.path:
                cleared += [(a.path, a.line), (a.path, None)]
        self.store.clear_rejections(cleared)

    def _reject(self, rejection: Rejection, on_reject: Callable[[Rejection], None] | None) -> None:
        self.store.add_rejections([rejection])
        if on_reject:
            on_reject(rejection)

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_date_prefix(value: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD and nothing more, and a real month and day (the
    calendar check is the temporal tagger's reference-date parser)."""
    return bool(_ISO_PREFIX.match(value)) and Ref.parse(value) is not None


def _check_count(name: str, value: int | None, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if value is None or value < 1:
        raise FilrougeError(f"--{name} must be a whole number of 1 or more, not {value}")


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


_WORKER_SETTINGS: Settings | None = None


def _init_worker(settings: Settings) -> None:
    global _WORKER_SETTINGS
    _WORKER_SETTINGS = settings
    one_blas_thread()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and commits


def _work(chunk: list[RawArticle | Rejection]) -> list[Article | Rejection]:
    assert _WORKER_SETTINGS is not None
    return process_batch(chunk, _WORKER_SETTINGS)


def open(path: str | os.PathLike[str] | None = None, settings: Settings | None = None) -> Filrouge:
    """Open (or create) a filrouge database: ``filrouge.open("news.db")``."""
    return Filrouge(path, settings)
