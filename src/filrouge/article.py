"""Records that flow through the pipeline.

A reader turns a file into :class:`RawArticle` values; :func:`filrouge.pipeline.process`
turns each into an :class:`Article`. Records are frozen: a stage returns a new one.
Their ``as_dict`` is the JSON shape of ``../shared/INTERFACE.md`` (plus extra fields).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

GRANULARITIES = ("year", "month", "week", "day", "minute")


@dataclass(frozen=True)
class PublishedDate:
    """A publication date of the precision it has, and where it was found.

    >>> PublishedDate("2023-11", "month", "marker").as_dict()
    {'value': '2023-11', 'granularity': 'month', 'source': 'marker'}
    """

    value: str
    granularity: str
    source: str
    inferred: bool = False

    @property
    def label(self) -> str:
        """The value as the CLI and the web app show it: marked "~" when inferred.

        >>> PublishedDate("2024", "year", "text", inferred=True).label
        '~2024'
        """
        return ("~" if self.inferred else "") + self.value

    @property
    def guessed(self) -> bool:
        """Whether the date was guessed from the dates the text mentions (the latest year it
        names, say): not the article's own date, so it dates nothing else (an event, a day
        named without its year, a timeline entry)."""
        return self.source == "text"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "granularity": self.granularity,
            "source": self.source,
        }
        if self.inferred:
            out["inferred"] = True
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> PublishedDate | None:
        if not d:
            return None
        return cls(d["value"], d["granularity"], d["source"], bool(d.get("inferred", False)))


@dataclass(frozen=True)
class DateMention:
    """A temporal expression in a text, normalised as a TimeML TIMEX3.

    ``start``/``end`` are character offsets into the text it was found in; ``value`` is the
    TIMEX3 value (``2023-09-13``, ``2023-10``, ``2023-W37``, ``2023-SU``, ``P1M``, ``PRESENT_REF``),
    with the part-of-period modifier appended where there is one (``2023-10-MID``);
    ``reference`` is the date it was resolved against (the article's date, or an earlier
    mention for "le lendemain" and clock times), ``None`` for absolute expressions.

    >>> DateMention("hier", 0, 4, "DATE", "2023-09-12", "day", reference="2023-09-13").as_dict()["value"]
    '2023-09-12'
    """

    text: str
    start: int
    end: int
    type: str
    value: str
    granularity: str
    mod: str | None = None
    reference: str | None = None
    tense: str | None = None  # of the words around it: past, future, or None (present/unknown)

    @property
    def base_value(self) -> str:
        """The value without the ``-START``/``-MID``/``-END`` suffix (what TimeML calls value)."""
        if self.mod and self.value.endswith("-" + self.mod):
            return self.value[: -len(self.mod) - 1]
        return self.value

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text, "start": self.start, "end": self.end, "type": self.type,
            "value": self.value, "granularity": self.granularity, "mod": self.mod,
            "reference": self.reference, "tense": self.tense,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DateMention:
        return cls(d["text"], d["start"], d["end"], d["type"], d["value"], d["granularity"],
                   d.get("mod"), d.get("reference"), d.get("tense"))


@dataclass(frozen=True)
class Mention:
    """A name in an article: ``field[start:end]``, where ``field`` is ``text`` (the article
    text), ``title``, or ``caption:N`` (the N-th piece cleaning removed as a photo caption);
    its type (PER, LOC, ORG, MISC); the index of its sentence in the text (-1 elsewhere); and
    ``local``, the article-local entity it names (mentions of one person in one article share
    it). ``entity``, the canonical entity id, is set by the entity index."""

    text: str
    start: int
    end: int
    type: str
    sentence: int
    local: int
    entity: str | None = None
    field: str = "text"

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "type": self.type,
                "sentence": self.sentence, "local": self.local, "entity_id": self.entity,
                "field": self.field}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mention:
        return cls(d["text"], d["start"], d["end"], d["type"], d["sentence"], d["local"], d.get("entity_id"),
                   d.get("field", "text"))


@dataclass(frozen=True)
class Quote:
    """A quotation: direct (between quote marks) or reported ("a affirmé que ..."), with its
    speaker as the text names them (``speaker``: the words, ``speaker_local``: the
    article-local entity) when it does; ``speaker_id`` is the canonical entity, set by the
    entity index. ``fragment`` marks a few quoted words inside a sentence of reported speech."""

    text: str
    start: int
    end: int
    sentence: int
    direct: bool
    speaker: str | None = None
    speaker_local: int | None = None
    cue: str | None = None
    fragment: bool = False
    speaker_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "sentence": self.sentence,
                "direct": self.direct, "speaker": self.speaker, "speaker_local": self.speaker_local,
                "cue": self.cue, "fragment": self.fragment, "speaker_id": self.speaker_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        return cls(d["text"], d["start"], d["end"], d["sentence"], d["direct"], d.get("speaker"),
                   d.get("speaker_local"), d.get("cue"), bool(d.get("fragment")), d.get("speaker_id"))


@dataclass(frozen=True)
class Entity:
    """A canonical entity: every spelling of one person, place, organisation or event.

    ``name`` is its most complete frequent form; ``aliases`` are (spelling, mentions) pairs,
    most frequent first; ``first``/``last`` are the earliest and latest publication dates of
    its articles."""

    id: str
    name: str
    type: str
    aliases: tuple[tuple[str, int], ...] = ()
    articles: tuple[str, ...] = ()
    first: str | None = None
    last: str | None = None

    @property
    def mentions(self) -> int:
        return sum(n for _, n in self.aliases)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type,
                "aliases": [a for a, _ in self.aliases], "articles": list(self.articles),
                "alias_counts": dict(self.aliases), "mentions": self.mentions,
                "first": self.first, "last": self.last}


@dataclass(frozen=True)
class Removed:
    """A piece of the input that cleaning took out, and why."""

    text: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class RawArticle:
    """What a reader found in a file, before cleaning.

    ``body`` is the article text as extracted (plain text, paragraphs separated by
    newlines); ``raw`` is the input as it was (the HTML for an HTML page).
    """

    raw: str
    body: str
    path: str
    format: str
    line: int | None = None
    id: str | None = None
    title: str | None = None
    title_source: str | None = None
    published: PublishedDate | None = None
    language: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()
    removed: tuple[Removed, ...] = ()
    # The body's first line may be a headline (plain-text files): cleaning decides.
    first_line_may_be_title: bool = False

    @property
    def content_hash(self) -> str:
        """Hash of everything the reader found: same hash, same article version."""
        h = hashlib.sha256()
        for part in (self.raw, self.title or "", self.published.value if self.published else "",
                     self.language or "", self.source or "", self.url or ""):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass(frozen=True)
class Article:
    """A cleaned article: the record every later stage reads.

    ``paragraphs`` and ``sentences`` are ``(start, end)`` character offsets into ``text``.
    """

    id: str
    title: str
    text: str
    raw: str
    language: str | None
    published: PublishedDate | None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    version: int = 1
    title_source: str = "derived"
    paragraphs: tuple[tuple[int, int], ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()
    removed: tuple[Removed, ...] = ()
    warnings: tuple[str, ...] = ()
    word_count: int = 0
    content_hash: str = ""
    path: str | None = None
    line: int | None = None
    format: str | None = None
    encoding: str = "utf-8"
    ingested_at: str | None = None
    dates: tuple[DateMention, ...] = ()
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    # The MinHash signature of the text (copies.signature), computed where the article was
    # processed (a worker) so the copy index only looks it up; not stored with the record.
    minhash: bytes | None = field(default=None, compare=False, repr=False)
    # The multilingual embedding of title and lead (float32, stories.features), also
    # computed in the worker; the story index keeps it in its own table.
    embedding: bytes | None = field(default=None, compare=False, repr=False)

    def sentence_texts(self) -> list[str]:
        return [self.text[s:e] for s, e in self.sentences]

    def paragraph_texts(self) -> list[str]:
        return [self.text[s:e] for s, e in self.paragraphs]

    def summary_dict(self) -> dict[str, Any]:
        """The ``filrouge articles --json`` shape."""
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "source": self.source,
            "url": self.url,
            "published": self.published.as_dict() if self.published else None,
            "text": self.text,
            "version": self.version,
            "word_count": self.word_count,
        }

    def as_dict(self) -> dict[str, Any]:
        """The ``filrouge show ID --json`` shape (later stages add dates, entities, copies)."""
        out = self.summary_dict()
        out.update(
            {
                "raw": self.raw,
                "removed": [r.as_dict() for r in self.removed],
                "dates": [m.as_dict() for m in self.dates],
                # "name" is the mention's own spelling here; Filrouge.show puts the
                # canonical entity's display name there (and keeps the spelling in "text").
                "entities": [{"entity_id": m.entity, "name": m.text, "type": m.type,
                              "start": m.start, "end": m.end, "text": m.text,
                              "sentence": m.sentence, "local": m.local}
                             for m in self.mentions if m.field == "text"],
                # Names in the title and in removed photo captions (offsets into those).
                "other_entities": [{"entity_id": m.entity, "name": m.text, "type": m.type,
                                    "start": m.start, "end": m.end, "text": m.text, "field": m.field,
                                    "local": m.local}
                                   for m in self.mentions if m.field != "text"],
                "quotes": [q.as_dict() for q in self.quotes],
                "copy_group": None,
                "author": self.author,
                "title_source": self.title_source,
                "paragraphs": [list(p) for p in self.paragraphs],
                "sentences": [list(s) for s in self.sentences],
                "warnings": list(self.warnings),
                "content_hash": self.content_hash,
                "path": self.path,
                "line": self.line,
                "format": self.format,
                "encoding": self.encoding,
                "ingested_at": self.ingested_at,
            }
        )
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        kw["published"] = PublishedDate.from_dict(d.get("published"))
        kw["removed"] = tuple(Removed(r["text"], r["reason"]) for r in d.get("removed", ()))
        kw["paragraphs"] = tuple(tuple(p) for p in d.get("paragraphs", ()))
        kw["sentences"] = tuple(tuple(s) for s in d.get("sentences", ()))
        kw["warnings"] = tuple(d.get("warnings", ()))
        kw["dates"] = tuple(DateMention.from_dict(m) for m in d.get("dates", ()))
        kw["mentions"] = tuple(
            Mention(m.get("text", m["name"]), m["start"], m["end"], m["type"], m.get("sentence", -1),
                    m.get("local", 0), m.get("entity_id"), m.get("field", "text"))
            for m in (*d.get("other_entities", ()), *d.get("entities", ())))
        kw["quotes"] = tuple(Quote.from_dict(q) for q in d.get("quotes", ()))
        return cls(**kw)

    def evolve(self, **changes: Any) -> Article:
        return replace(self, **changes)


@dataclass(frozen=True)
class Passage:
    """A run of an article's sentences: ``text`` is ``article.text[start:end]``. For a
    shared passage, ``articles`` are the other articles it was found in."""

    text: str
    start: int
    end: int
    articles: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "articles": list(self.articles)}


@dataclass(frozen=True)
class CopyMember:
    """One version of a copied text: what it adds to, and leaves out of, the group's
    reference member (the first published, or the longest when that is unknown)."""

    id: str
    title: str
    source: str | None
    published: PublishedDate | None
    added: tuple[Passage, ...] = ()
    missing: tuple[Passage, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source,
                "published": self.published.as_dict() if self.published else None,
                "added": [p.as_dict() for p in self.added], "missing": [p.as_dict() for p in self.missing]}


@dataclass(frozen=True)
class CopyGroup:
    """Articles that are copies of one text (one dispatch in several outlets).

    ``first`` is the member published first, or None when the dates cannot tell
    (``first_reason`` says why); ``links`` are the pairs found to be copies, with their
    word-trigram Jaccard similarity and containment."""

    id: str
    articles: tuple[str, ...]
    first: str | None
    first_reason: str
    reference: str
    links: tuple[tuple[str, str, float, float], ...] = ()
    members: tuple[CopyMember, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "articles": list(self.articles), "first": self.first,
            "first_reason": self.first_reason, "reference": self.reference,
            "similarity": [{"a": a, "b": b, "jaccard": j, "containment": c} for a, b, j, c in self.links],
            "members": [m.as_dict() for m in self.members],
        }


@dataclass(frozen=True)
class Rejection:
    """An input that was refused, with the reason (the batch goes on without it)."""

    path: str
    reason: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "reason": self.reason}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass
class IngestReport:
    """What one ingest did: counts, and the rejections with reasons."""

    files: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    stored_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def stored(self) -> int:
        return self.new + self.new_versions

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rejected"] = [r.as_dict() for r in self.rejected]
        d["stored"] = self.stored
        return d

    def summary(self) -> str:
        rate = (self.stored + self.unchanged) / self.seconds if self.seconds > 0 else 0.0
        head = "interrupted after" if self.interrupted else "ingested"
        return (
            f"{head} {self.files} file{'s' if self.files != 1 else ''}: "
            f"{self.stored} stored ({self.new} new, {self.new_versions} new versions), "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected "
            f"in {self.seconds:.1f}s ({rate:.0f} articles/s)"
        )


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Event:
    """One happening: the articles that report it, its most representative headline (or,
    where its articles' titles are all the page's, a label of its key names), and the date
    it happened (from the dates the articles name, else their publication)."""

    id: str
    title: str
    date: str | None
    granularity: str | None
    articles: tuple[str, ...]
    story: str | None = None
    date_source: str | None = None      # mentions (what the texts say) or published
    languages: tuple[str, ...] = ()
    title_source: str = "headline"      # headline (one of its articles'), or label (its key names)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "date": self.date, "granularity": self.granularity,
                "articles": list(self.articles), "story": self.story, "date_source": self.date_source,
                "languages": list(self.languages), "title_source": self.title_source}


@dataclass(frozen=True)
class Cited:
    """A told sentence and every article that prints it (``sources``, article ids; the
    first is where it was found first); ``independent_sources`` counts copies once.
    ``quotes`` are the quotations in it, with their speakers."""

    text: str
    sources: tuple[str, ...]
    outlets: tuple[str, ...] = ()
    date: str | None = None
    granularity: str | None = None
    independent_sources: int = 1
    quotes: tuple[tuple[str, str | None], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "sources": list(self.sources), "outlets": list(self.outlets),
                "date": self.date, "granularity": self.granularity,
                "independent_sources": self.independent_sources,
                "quotes": [{"text": q, "speaker": s} for q, s in self.quotes]}


@dataclass(frozen=True)
class TimelineEntry:
    """One date of a timeline: what the articles say happened then. ``background`` marks a
    date well before the first article (an earlier event the story refers back to)."""

    date: str
    granularity: str
    background: bool
    sentences: tuple[Cited, ...]
    independent_sources: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date, "granularity": self.granularity, "background": self.background,
                "sentences": [s.as_dict() for s in self.sentences],
                "independent_sources": self.independent_sources}


@dataclass(frozen=True)
class Summary:
    """The extractive summary of a story or an event (``kind``)."""

    id: str
    kind: str
    sentences: tuple[Cited, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "sentences": [s.as_dict() for s in self.sentences]}


@dataclass(frozen=True)
class Story:
    """A thread of events: a label from its key entities and terms, and a date range."""

    id: str
    label: str
    start: str | None
    end: str | None
    events: tuple[Event, ...]
    entities: tuple[tuple[str, str], ...] = ()   # (id, name) of its key entities
    terms: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(a for e in self.events for a in e.articles)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "start": self.start, "end": self.end,
                "articles": list(self.articles), "events": [e.as_dict() for e in self.events],
                "entities": [{"id": i, "name": n} for i, n in self.entities], "terms": list(self.terms),
                "languages": list(self.languages), "sources": list(self.sources)}
