"""The ``filrouge`` command: a thin layer over :mod:`filrouge.api`.

Exit status: 0 success; 1 an error (message on stderr); 2 bad usage; 3 ingest finished
but some inputs were rejected (each named on stderr and kept in ``filrouge rejected``);
130 interrupted (what was committed stays; run the same command again to finish).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from . import __version__
from .api import Filrouge, Progress
from .article import (
    Cited,
    CopyGroup,
    CopyMember,
    DateMention,
    PublishedDate,
    Rejection,
    Story,
    TimelineEntry,
    to_json,
)
from .errors import FilrougeError
from .settings import Settings

EXIT_REJECTED = 3
EXIT_INTERRUPTED = 130


def _fail(message: str) -> None:
    click.echo(f"filrouge: error: {message}", err=True)
    sys.exit(1)


def library_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library exceptions into one-line messages and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FilrougeError as e:
            _fail(str(e))

    return wrapper


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (the shapes of INTERFACE.md).")


class Context:
    def __init__(self, db: str | None, config: str | None, db_given: bool = False) -> None:
        self.db = db
        self.db_given = db_given   # --db on the command line (not FILROUGE_DB): eval keeps its store there
        self.config = config
        self._fr: Filrouge | None = None
        self.overrides: dict[str, Any] = {}

    def open(self) -> Filrouge:
        if self._fr is None:
            settings = Settings.load(self.config, self.overrides or None)
            self._fr = Filrouge(self.db, settings)
        return self._fr

    def eval_db(self) -> str | None:
        """Where an evaluation keeps its fresh database: the --db given on the command line
        (FILROUGE_DB names the working database, not an evaluation's), else a temporary one."""
        return self.db if self.db_given else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="FILROUGE_DB", metavar="PATH",
              help="Database file (default: filrouge.db here; also FILROUGE_DB).")
@click.option("--config", envvar="FILROUGE_CONFIG", metavar="TOML",
              help="Settings file overriding the packaged defaults (also FILROUGE_CONFIG).")
@click.version_option(__version__, prog_name="filrouge")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None) -> None:
    """filrouge turns a pile or a stream of news articles into stories."""
    ctx.obj = Context(db, config, ctx.get_parameter_source("db") == click.core.ParameterSource.COMMANDLINE)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--workers", type=click.IntRange(min=0), help="Worker processes (0: one per core).")
@click.option("--max-file-mb", type=click.FloatRange(min=0, min_open=True), help="Reject larger files.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-file messages.")
@json_option
@click.pass_obj
@library_errors
def ingest(obj: Context, paths: tuple[str, ...], workers: int | None, max_file_mb: float | None,
           quiet: bool, as_json: bool) -> None:
    """Read files or folders (txt, html, jsonl, RSS/Atom) and store their articles."""
    ingest_over: dict[str, Any] = {}
    if workers is not None:
        ingest_over["workers"] = workers
    if max_file_mb is not None:
        ingest_over["max_file_mb"] = max_file_mb
    if ingest_over:
        obj.overrides["ingest"] = ingest_over
    fr = obj.open()

    def on_reject(r: Rejection) -> None:
        if not quiet:
            click.echo(f"filrouge: rejected {r}", err=True)

    show_bar = not quiet and not as_json and sys.stderr.isatty()
    if show_bar:
        from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        with Bar(TextColumn("ingesting"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[n]} articles"),
                 TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task("ingest", total=None, n=0)

            def on_progress(p: Progress) -> None:
                bar.update(task, completed=p.bytes_done, total=p.bytes_total, n=p.articles)

            report = fr.ingest(paths, on_progress=on_progress, on_reject=on_reject)
    else:
        report = fr.ingest(paths, on_reject=on_reject)
    if as_json:
        click.echo(to_json(report.as_dict()))
    else:
        click.echo(report.summary())
    if not quiet:
        _say_outdated(fr)
    if report.interrupted:
        click.echo("filrouge: interrupted; what was committed is kept: run the same command to finish",
                   err=True)
        sys.exit(EXIT_INTERRUPTED)
    if report.rejected:
        sys.exit(EXIT_REJECTED)


@cli.command()
@json_option
@click.pass_obj
@library_errors
def articles(obj: Context, as_json: bool) -> None:
    """List the stored articles (by publication date)."""
    fr = obj.open()
    if as_json:
        click.echo(to_json([a.summary_dict() for a in fr.iter_articles()]))
        return
    for a in fr.iter_articles():
        click.echo(f"{a.id}\t{_date(a.published)}\t{a.language or '-'}\t{a.word_count}w\t{a.title}")


def _date(p: PublishedDate | None) -> str:
    return p.label if p is not None else "undated"


@cli.command()
@click.argument("article_id")
@json_option
@click.option("--raw", "show_raw", is_flag=True, help="Also print the raw input.")
@click.pass_obj
@library_errors
def show(obj: Context, article_id: str, as_json: bool, show_raw: bool) -> None:
    """One article: metadata, clean text, and what cleaning removed (and why)."""
    fr = obj.open()
    a = fr.article(article_id)
    if as_json:
        click.echo(to_json(fr.show(article_id)))
        return
    p = a.published
    date = f"{p.value} ({p.granularity}, from {p.source}{', inferred' if p.inferred else ''})" if p else "unknown"
    lines = [
        click.style(a.title, bold=True),
        f"id: {a.id}   version: {a.version}   language: {a.language or 'unknown'}",
        f"published: {date}",
        f"source: {a.source or '-'}   url: {a.url or '-'}   author: {a.author or '-'}",
        (f"from: {a.path}{':' + str(a.line) if a.line else ''} ({a.format}, {a.encoding})   "
         f"{a.word_count} words, {len(a.paragraphs)} paragraphs, {len(a.sentences)} sentences"),
    ]
    lines += [f"warning: {w}" for w in a.warnings]
    placed = fr.store.story_of_article(article_id)
    if placed:
        lines.append(f"event: {placed[0]}   story: {placed[1]}   (filrouge story {placed[1]})")
    lines += ["", a.text, ""]
    if a.dates:
        lines.append(click.style(f"date mentions ({len(a.dates)}):", bold=True))
        lines += ["  " + _mention_line(m) for m in a.dates]
        lines.append("")
    data = fr.show(article_id)
    if data["entities"]:
        names: dict[str, tuple[str, str, int]] = {}
        for m in data["entities"] + data["other_entities"]:
            eid = m["entity_id"] or m["text"]
            name, etype, n = names.get(eid, (m["name"], m["type"], 0))
            names[eid] = (name, etype, n + 1)
        lines.append(click.style(f"entities ({len(names)}):", bold=True))
        lines += [f"  {etype:<4} {name} ({n})  [{eid}]" for eid, (name, etype, n) in
                  sorted(names.items(), key=lambda kv: (-kv[1][2], kv[1][0]))]
        lines.append("")
    if data["quotes"]:
        lines.append(click.style(f"quotations ({len(data['quotes'])}):", bold=True))
        lines += ["  " + _quote_line(q["text"], q["speaker"], q["direct"]) for q in data["quotes"]]
        lines.append("")
    group = fr.copy_group(article_id)
    if group:
        lines.append(click.style(f"copy group {group.id} ({len(group.articles)} articles):", bold=True))
        lines += ["  " + _member_line(group, m) for m in group.members if m.id != a.id]
        lines.append("")
    passages = fr.shared_passages(article_id)
    if passages:
        lines.append(click.style(f"passages found in other articles ({len(passages)}):", bold=True))
        lines += [f"  [{', '.join(p.articles)}] {_clip(p.text, 160)}" for p in passages]
        lines.append("")
    if a.removed:
        lines.append(click.style(f"removed by cleaning ({len(a.removed)}):", bold=True))
        lines += [f"  [{r.reason}] {r.text}" for r in a.removed]
    else:
        lines.append("removed by cleaning: nothing")
    if show_raw:
        lines += ["", click.style("raw:", bold=True), a.raw]
    click.echo("\n".join(lines))


def _quote_line(text: str, speaker: str | None, direct: bool) -> str:
    said = f"{speaker or '(speaker not named)'}: "
    return said + (f"« {_clip(text, 140)} »" if direct else f"(reported) {_clip(text, 140)}")


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _member_line(group: CopyGroup, m: CopyMember) -> str:
    sim = [(j, c) for a, b, j, c in group.links if m.id in (a, b)]
    best = max(sim) if sim else None
    date = _date(m.published)
    tags = []
    if m.id == group.first:
        tags.append("first")
    elif m.id == group.reference:
        tags.append("reference")
    if m.added:
        tags.append(f"+{len(m.added)} passage{'s' if len(m.added) > 1 else ''}")
    if m.missing:
        tags.append(f"-{len(m.missing)} passage{'s' if len(m.missing) > 1 else ''}")
    similarity = f"jaccard {best[0]:.2f}, containment {best[1]:.2f}" if best else ""
    return f"{m.id}  {date}  {m.source or '-'}  {similarity}  {' '.join(tags)}  {_clip(m.title, 60)}"


@cli.command()
@json_option
@click.option("--passages", is_flag=True, help="Also print what each member adds and leaves out.")
@click.pass_obj
@library_errors
def copies(obj: Context, as_json: bool, passages: bool) -> None:
    """Copy groups: articles that are one text in several outlets, who had it first, and
    what each version adds or leaves out."""
    groups = obj.open().copies()
    if as_json:
        click.echo(to_json([g.as_dict() for g in groups]))
        return
    if not groups:
        click.echo("no copies found")
        return
    for g in groups:
        first = g.first or f"unknown ({g.first_reason})"
        click.echo(click.style(f"{g.id}: {len(g.articles)} articles, first: {first}", bold=True))
        for m in g.members:
            click.echo("  " + _member_line(g, m))
            if passages:
                for p in m.added:
                    click.echo(f"      + {_clip(p.text, 150)}")
                for p in m.missing:
                    click.echo(f"      - {_clip(p.text, 150)}")
        click.echo("")


@cli.command()
@click.option("--type", "etype", type=click.Choice(["PER", "LOC", "ORG", "MISC"], case_sensitive=False),
              help="Only entities of this type.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the N most mentioned.")
@json_option
@click.pass_obj
@library_errors
def entities(obj: Context, etype: str | None, limit: int | None, as_json: bool) -> None:
    """Canonical entities (people, places, organisations, events), every spelling merged,
    most mentioned first."""
    fr = obj.open()
    found = fr.entities(etype.upper() if etype else None)[:limit]
    _say_outdated(fr)
    if as_json:
        click.echo(to_json([e.as_dict() for e in found]))
        return
    if not found:
        click.echo("no entities found")
        return
    for e in found:
        others = [a for a, _ in e.aliases if a != e.name]
        dates = f"{e.first or '?'} → {e.last or '?'}" if e.first or e.last else "undated"
        line = f"{e.type:<4} {click.style(e.name, bold=True)}  [{e.id}]  {e.mentions} mentions, " \
               f"{len(e.articles)} article{'s' if len(e.articles) != 1 else ''}, {dates}"
        click.echo(line + (f"\n       also: {', '.join(others)}" if others else ""))


def _say_outdated(fr: Filrouge) -> None:
    """On stderr, when an older filrouge found some stored articles' entities."""
    n = fr.outdated()
    if n:
        click.echo(f"filrouge: the entities of {n} stored article{'s were' if n != 1 else ' was'} found by an "
                   "older version of filrouge: `filrouge enrich` finds them again", err=True)


@cli.command()
@click.argument("name_or_id")
@json_option
@click.pass_obj
@library_errors
def entity(obj: Context, name_or_id: str, as_json: bool) -> None:
    """One entity, by id or any of its names: aliases, articles, co-occurring entities, quotations."""
    e = obj.open().entity(name_or_id)
    if as_json:
        click.echo(to_json(e))
        return
    click.echo(click.style(f"{e['name']}", bold=True) + f"  {e['type']}  [{e['id']}]")
    click.echo(f"{e['mentions']} mentions in {len(e['articles'])} articles, {e['first'] or '?'} → {e['last'] or '?'}")
    click.echo("aliases: " + ", ".join(f"{a} ({n})" for a, n in e["alias_counts"].items()))
    click.echo("articles: " + ", ".join(e["articles"]))
    if e["cooccurring"]:
        click.echo("named with: " + ", ".join(f"{c['name']} ({c['articles']})" for c in e["cooccurring"]))
    if e["quotes"]:
        click.echo(click.style(f"quotations ({len(e['quotes'])}):", bold=True))
        for q in e["quotes"]:
            click.echo(f"  {q['date'] or 'undated'}  {', '.join(q['sources'])}  " + _quote_line(q["text"], None, q["direct"])
                       .removeprefix("(speaker not named): "))


@cli.command()
@click.option("--speaker", metavar="NAME", help="Only what this person (or organisation) said: a name or an id.")
@click.option("--direct", "direct_only", is_flag=True, help="Only direct quotations (between quote marks).")
@json_option
@click.pass_obj
@library_errors
def quotes(obj: Context, speaker: str | None, direct_only: bool, as_json: bool) -> None:
    """Quotations with their speakers, in date order."""
    found = obj.open().quotes(speaker)
    if direct_only:
        found = [q for q in found if q["direct"]]
    if as_json:
        click.echo(to_json(found))
        return
    if not found:
        click.echo("no quotations found")
        return
    for q in found:
        click.echo(f"{q['date'] or 'undated'}  {q['article']}  " + _quote_line(q["text"], q["speaker"], q["direct"]))


def _story_lines(st: Story, events: int | None = None) -> list[str]:
    when = f"{st.start or '?'} → {st.end or '?'}" if st.start or st.end else "undated"
    n = len(st.articles)
    out = [click.style(st.label, bold=True) + f"  [{st.id}]  {when}, {n} article{'s' if n != 1 else ''}, "
           f"{len(st.events)} event{'s' if len(st.events) != 1 else ''}, {', '.join(st.languages) or '?'}"]
    for e in st.events[:events]:
        date = f"{e.date} ({e.granularity})" if e.date else "undated"
        out.append(f"  {date:<20} {_clip(e.title, 70)}  [{e.id}, {len(e.articles)}]")
    if events is not None and len(st.events) > events:
        out.append(f"  … {len(st.events) - events} more events (filrouge story {st.id})")
    return out


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), help="Only the N most recent stories.")
@json_option
@click.pass_obj
@library_errors
def stories(obj: Context, limit: int | None, as_json: bool) -> None:
    """Stories (threads of events) with their events, dates, articles and languages, the
    most recent first."""
    found = obj.open().stories()[:limit]
    if as_json:
        click.echo(to_json([s.as_dict() for s in found]))
        return
    if not found:
        click.echo("no stories yet (ingest articles first)")
        return
    for st in found:
        click.echo("\n".join(_story_lines(st, events=5)))


@cli.command()
@click.argument("story_id")
@json_option
@click.option("--md", "as_md", is_flag=True, help="Print Markdown.")
@click.pass_obj
@library_errors
def story(obj: Context, story_id: str, as_json: bool, as_md: bool) -> None:
    """One story in detail (by its id, an old merged id or one of its events' ids): its
    summary and timeline with their sources, events with their articles, key entities,
    quotations with their speakers, copy groups and sources."""
    fr = obj.open()
    st, report = fr.story_view(story_id)
    if as_json:
        click.echo(to_json(report))
        return
    notes = _Notes(fr)
    summary = [_cited_from(d) for d in report["summary"]]
    entries = [_entry_from(d) for d in report["timeline"]]
    if as_md:
        outlets = f"{len(st.sources)} outlets · " if st.sources else ""   # none known: not "0 sources"
        click.echo(f"# {st.label}\n\n{st.start or '?'} – {st.end or '?'} · {len(st.articles)} articles · "
                   f"{outlets}{', '.join(st.languages)}\n")
        click.echo("## Summary\n")
        click.echo("\n".join(_md_cited(c, notes) for c in summary) + "\n")
        click.echo("## Timeline\n")
        click.echo(_md_timeline(entries, notes))
        if report["quotes"]:
            click.echo("## Who said what\n")
            for q in report["quotes"][:20]:
                click.echo(f"- {q['speaker'] or 'unknown speaker'}: « {q['text']} » {notes.marks(q['sources'], md=True)}")
            click.echo("")
        click.echo("## Sources\n\n" + notes.md())
        return
    click.echo("\n".join(_story_lines(st)))
    if st.entities:
        click.echo("key entities: " + ", ".join(n for _, n in st.entities))
    if st.terms:
        click.echo("key terms: " + ", ".join(st.terms))
    if st.sources:
        click.echo("sources: " + ", ".join(st.sources))
    click.echo(click.style("\nSummary", bold=True))
    for c in summary:
        click.echo(_wrap(f"• {c.text}{_speakers(c)} {notes.marks(c.sources)}", "  "))
    click.echo(click.style("\nTimeline", bold=True))
    click.echo(_text_timeline(entries, notes))
    titles = {a: t for a, (_, _, t) in fr.store.story_article_info(st.articles).items()}
    click.echo(click.style("\nEvents", bold=True))
    for e in st.events:
        click.echo(click.style(f"{e.date or 'undated'}  {e.title}", bold=True) + f"  [{e.id}]")
        for a in e.articles:
            click.echo(f"    {a}  {_clip(titles.get(a, ''), 80)}")
    if report["quotes"]:
        click.echo(click.style("\nWho said what", bold=True))
        for q in report["quotes"][:20]:
            click.echo(_wrap(f"{q['speaker'] or 'unknown speaker'}: « {_clip(q['text'], 200)} » "
                             f"{notes.marks(q['sources'])}", "    "))
    if report["copies"]:
        click.echo(click.style("\nCopies", bold=True))
        for g in report["copies"]:
            click.echo(f"  {g['id']}: {', '.join(g['articles'])} (first: {g['first'] or 'unknown'})")
    click.echo(click.style("\nSources", bold=True))
    click.echo(notes.text())


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only; 0.0.0.0 exposes it: set a --token).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--token", envvar="FILROUGE_TOKEN", metavar="TOKEN",
              help="Writes (POST /api/articles) need 'Authorization: Bearer TOKEN' (also FILROUGE_TOKEN).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (each serves one request at a time; 2 on 2 cores).")
@click.pass_obj
@library_errors
def serve(obj: Context, host: str, port: int, token: str | None, workers: int) -> None:
    """Serve the web app (stories, timelines, articles, entities, search) and the JSON API
    under /api/ (OpenAPI at /docs)."""
    from .web import serve as run

    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        click.echo(f"filrouge: warning: listening on {host} with no --token: anyone who reaches it can write",
                   err=True)
    if obj.config:
        import os

        os.environ["FILROUGE_CONFIG"] = obj.config
    run(obj.open(), host=host, port=port, token=token, workers=workers)


@cli.command()
@click.argument("query")
@click.option("--from", "start", metavar="DATE", help="Published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "end", metavar="DATE", help="Published on or before DATE.")
@click.option("--lang", "language", metavar="LANG", help="Only articles in this language (fr, en, de, es).")
@click.option("--entity", metavar="NAME", help="Only articles naming this entity (a name, a spelling or an id).")
@click.option("--source", metavar="NAME", help="Only articles from a source whose name contains NAME.")
@click.option("--limit", type=int, default=20, show_default=True, help="How many articles.")
@click.option("--mode", type=click.Choice(["hybrid", "text", "semantic"]), default="hybrid", show_default=True,
              help="Full text and meaning fused, or one of them alone.")
@json_option
@click.pass_obj
@library_errors
def search(obj: Context, query: str, start: str | None, end: str | None, language: str | None,
           entity: str | None, source: str | None, limit: int, mode: str, as_json: bool) -> None:
    """Search the articles by words and by meaning (a French query finds English articles);
    results grouped by story, with the matching words highlighted."""
    fr = obj.open()
    hits = fr.search(query, start=start, end=end, language=language, entity=entity, source=source,
                     limit=limit, mode=mode)
    if as_json:
        click.echo(to_json([h.as_dict() for h in hits]))
        return
    if not hits:
        click.echo("no articles found")
        return
    groups: dict[str | None, list[Any]] = {}
    for h in hits:
        groups.setdefault(h.story, []).append(h)
    labels = fr.story_labels(g for g in groups if g)
    for sid, found in groups.items():
        head = f"{labels.get(sid, sid)}  [{sid}]" if sid else "no story yet"
        click.echo(click.style(head, bold=True) + f"  {len(found)} article{'s' if len(found) != 1 else ''}")
        for h in found:
            click.echo(f"  {h.score:.4f}  {h.article}  {h.published or 'undated'}  {h.language or '?'}  "
                       f"{_clip(h.title, 70)}")
            marked, last = "", 0
            for a, b in h.highlights:
                marked += h.snippet[last:a] + click.style(h.snippet[a:b], bold=True, underline=True)
                last = b
            click.echo(_wrap(marked + h.snippet[last:], "         "))


@cli.command()
@click.argument("story_id")
@click.option("--dates", type=int, default=None, metavar="N",
              help="How many dates (default: those enough independent sources name, at most 12).")
@click.option("--sentences", type=int, default=2, show_default=True, metavar="M", help="Sentences per date.")
@json_option
@click.option("--md", "as_md", is_flag=True, help="Print Markdown.")
@click.pass_obj
@library_errors
def timeline(obj: Context, story_id: str, dates: int | None, sentences: int, as_json: bool, as_md: bool) -> None:
    """The dated timeline of a story: the dates its articles say things happened on (copies
    count once), each with what happened, every sentence with its sources. Dates well
    before the first article are marked as background."""
    fr = obj.open()
    entries = fr.timeline(story_id, dates=dates, sentences=sentences)
    if as_json:
        click.echo(to_json([e.as_dict() for e in entries]))
        return
    notes = _Notes(fr)
    if as_md:
        click.echo(f"# Timeline: {fr.story(story_id).label}\n")
        click.echo(_md_timeline(entries, notes))
        click.echo("## Sources\n\n" + notes.md())
        return
    if not entries:
        click.echo("no dated sentences in this story")
        return
    click.echo(_text_timeline(entries, notes))
    click.echo(click.style("\nSources", bold=True))
    click.echo(notes.text())


@cli.command()
@click.argument("story_or_event_id")
@click.option("--sentences", type=int, default=5, show_default=True, metavar="N", help="Sentences in the summary.")
@json_option
@click.option("--md", "as_md", is_flag=True, help="Print Markdown.")
@click.pass_obj
@library_errors
def summary(obj: Context, story_or_event_id: str, sentences: int, as_json: bool, as_md: bool) -> None:
    """A short extractive summary of a story or an event, in time order: each sentence
    followed by the articles that print it (every outlet of a copied dispatch)."""
    fr = obj.open()
    sm = fr.summary(story_or_event_id, sentences=sentences)
    if as_json:
        click.echo(to_json(sm.as_dict()))
        return
    notes = _Notes(fr)
    if as_md:
        click.echo(f"# Summary of {sm.kind} {sm.id}\n")
        click.echo("\n".join(_md_cited(c, notes) for c in sm.sentences) + "\n")
        click.echo("## Sources\n\n" + notes.md())
        return
    for c in sm.sentences:
        click.echo(_wrap(f"• {c.text}{_speakers(c)} {notes.marks(c.sources)}", "  "))
    click.echo(click.style("\nSources", bold=True))
    click.echo(notes.text())


class _Notes:
    """Numbered source notes: each article cited gets a number the first time."""

    def __init__(self, fr: Filrouge) -> None:
        self.fr = fr
        self.order: dict[str, int] = {}

    def marks(self, ids: Any, md: bool = False) -> str:
        nums = []
        for a in ids:
            nums.append(self.order.setdefault(a, len(self.order) + 1))
        if md:
            return "".join(f"[^{n}]" for n in nums)
        return "[" + ", ".join(str(n) for n in nums) + "]"

    def _rows(self) -> list[tuple[int, str, str]]:
        info = self.fr.store.story_article_info(list(self.order))
        dates = self.fr.store.published_dates(list(self.order))
        rows = []
        for a, n in self.order.items():
            _, src, title = info.get(a, (None, None, ""))
            d = dates.get(a)
            rows.append((n, a, " · ".join(x for x in (src, d.label if d else None, title) if x)))
        return rows

    def text(self) -> str:
        return "\n".join(f"  [{n}] {a}  {_clip(desc, 90)}" for n, a, desc in self._rows())

    def md(self) -> str:
        return "\n".join(f"[^{n}]: `{a}` {desc}" for n, a, desc in self._rows())


def _cited_from(d: dict[str, Any]) -> Cited:
    return Cited(d["text"], tuple(d["sources"]), tuple(d.get("outlets", ())), d.get("date"), d.get("granularity"),
                 d.get("independent_sources", 1), tuple((q["text"], q["speaker"]) for q in d.get("quotes", ())))


def _entry_from(d: dict[str, Any]) -> TimelineEntry:
    return TimelineEntry(d["date"], d["granularity"], d["background"],
                         tuple(_cited_from(c) for c in d["sentences"]), d.get("independent_sources", 0))


def _wrap(text: str, indent: str) -> str:
    import shutil
    import textwrap

    width = max(40, min(110, shutil.get_terminal_size((100, 20)).columns))
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent + "  ")


def _speakers(c: Cited) -> str:
    said = [s for _, s in c.quotes if s]
    return f" (quoting {', '.join(dict.fromkeys(said))})" if said else ""


def _text_timeline(entries: list[TimelineEntry], notes: _Notes) -> str:
    lines = []
    for e in entries:
        head = f"{e.date}  ({e.granularity}, {e.independent_sources} source{'s' if e.independent_sources != 1 else ''})"
        if e.background:
            head += "  background"
        lines.append(click.style(head, bold=True, dim=e.background))
        for c in e.sentences:
            lines.append(_wrap(f"• {c.text}{_speakers(c)} {notes.marks(c.sources)}", "  "))
    return "\n".join(lines)


def _md_cited(c: Cited, notes: _Notes) -> str:
    return f"- {c.text}{_speakers(c)} {notes.marks(c.sources, md=True)}"


def _md_timeline(entries: list[TimelineEntry], notes: _Notes) -> str:
    out = []
    for e in entries:
        out.append(f"### {e.date}" + (" *(background)*" if e.background else "") + "\n")
        out += [_md_cited(c, notes) for c in e.sentences]
        out.append("")
    return "\n".join(out)


@cli.command()
@click.option("--quiet", "-q", is_flag=True, help="No progress line.")
@click.pass_obj
@library_errors
def recluster(obj: Context, quiet: bool) -> None:
    """Rebuild every event and story from scratch: all articles replayed through the
    online clustering in stream order (the result of ingesting them in that order)."""
    fr = obj.open()
    n = fr.recluster(_progress("assigned", quiet))
    found = fr.stories()
    events = sum(len(s.events) for s in found)
    if not quiet:
        click.echo(f"{_after_progress()}reclustered {n} articles: {events} events in {len(found)} stories", err=True)


@cli.command()
@click.argument("article_ids", nargs=-1, required=True)
@click.pass_obj
@library_errors
def remove(obj: Context, article_ids: tuple[str, ...]) -> None:
    """Delete articles (all their versions); their copies are regrouped and redated."""
    n = obj.open().remove(article_ids)
    click.echo(f"removed {n} article{'s' if n != 1 else ''}")


@cli.command()
@click.argument("article_id")
@json_option
@click.pass_obj
@library_errors
def versions(obj: Context, article_id: str, as_json: bool) -> None:
    """Every stored version of an article, oldest first."""
    vs = obj.open().versions(article_id)
    if as_json:
        click.echo(to_json([v.summary_dict() | {"content_hash": v.content_hash, "ingested_at": v.ingested_at}
                            for v in vs]))
        return
    for v in vs:
        click.echo(f"v{v.version}\t{v.ingested_at}\t{v.word_count}w\t{v.title}")


@cli.command()
@json_option
@click.pass_obj
@library_errors
def rejected(obj: Context, as_json: bool) -> None:
    """Inputs that were refused, each with its reason."""
    rs = obj.open().rejected()
    if as_json:
        click.echo(to_json([r.as_dict() for r in rs]))
        return
    for r in rs:
        click.echo(str(r))


def _mention_line(m: DateMention) -> str:
    ref = f"  (from {m.reference})" if m.reference else ""
    return f"{m.start:>5}-{m.end:<5} {m.type:<8} {m.value:<22} {m.granularity:<8} {m.text}{ref}"


@cli.command()
@click.argument("text")
@click.option("--ref", metavar="DATE", help="Reference date: YYYY, YYYY-MM or YYYY-MM-DD (none: values stay relative).")
@click.option("--lang", default="fr", show_default=True, help="Language of the text.")
@json_option
@library_errors
def dates(text: str, ref: str | None, lang: str, as_json: bool) -> None:
    """Find and resolve the temporal expressions of TEXT ("-" reads standard input)."""
    if text == "-":
        text = sys.stdin.read()
    mentions = Filrouge.dates(text, ref, lang)
    if as_json:
        click.echo(to_json([m.as_dict() for m in mentions]))
        return
    for m in mentions:
        click.echo(_mention_line(m))


@cli.command()
@click.pass_obj
@click.option("--quiet", "-q", is_flag=True, help="No progress line.")
@library_errors
def enrich(obj: Context, quiet: bool) -> None:
    """Recompute the stored articles' dates, entities and quotations, build the copy index,
    and assign articles stored before the story index (after an upgrade; ingest does it all
    itself)."""
    fr = obj.open()
    n = fr.enrich(_progress("enriched", quiet))
    if not quiet:
        click.echo(f"{_after_progress()}enriched {n} articles", err=True)
        if fr.relinked:
            click.echo(f"the entities of {fr.relinked} articles changed: every event and story was rebuilt "
                       "(their ids may have changed)", err=True)


def _progress(verb: str, quiet: bool) -> Callable[[int, int], None]:
    """A "\\r<verb> done/total" line on a terminal's stderr (nothing when quiet or piped)."""
    def progress(done: int, total: int) -> None:
        if not quiet and sys.stderr.isatty():
            click.echo(f"\r{verb} {done}/{total}", err=True, nl=False)
    return progress


def _after_progress() -> str:
    """What ends the progress line before the summary: a newline on a terminal."""
    return "\n" if sys.stderr.isatty() else ""


@cli.group(name="eval")
def eval_group() -> None:
    """Measure quality on labelled data (../shared/eval)."""


@eval_group.command(name="timex")
@click.argument("folder", type=click.Path(exists=True))
@click.option("--lang", default="fr", show_default=True, help="Language of the documents.")
@click.option("--part", type=click.Choice(["all", "dev", "held-out"]), default="all", show_default=True,
              help="held-out: every third document by name, kept aside while developing; dev: the others.")
@click.option("--errors", "show_errors", is_flag=True, help="Also list every miss, spurious and wrong mention.")
@json_option
@library_errors
def eval_timex(folder: str, lang: str, part: str, show_errors: bool, as_json: bool) -> None:
    """Score temporal tagging against ISO-TimeML files (.tml, inline TIMEX3, DCT as reference)."""
    from .dates.timeml import evaluate

    r = evaluate(folder, lang, part)
    errors = r.pop("errors")
    if as_json:
        if show_errors:
            r["errors"] = errors
        click.echo(to_json(r))
        return
    click.echo(f"{r['documents']} documents ({part}), {r['gold']} gold and {r['system']} system mentions")
    for key in ("strict", "relaxed", "type", "value"):
        v = r[key]
        click.echo(f"{key + ' F1':<11} {v['f1']:.3f}   (P {v['precision']:.3f}, R {v['recall']:.3f})")
    click.echo(f"type accuracy {r['type_accuracy']:.3f} (over relaxed matches)")
    if show_errors:
        for e in errors:
            click.echo(f"{e['doc']}\t{e['kind']}\t" + "\t".join(f"{k}={v}" for k, v in e.items() if k not in ("doc", "kind")))


@eval_group.command(name="entities")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--corpus", type=click.Path(exists=True), metavar="DIR",
              help="The articles the gold file annotates (default: the corpus folder beside the gold's folder).")
@click.option("--errors", "show_errors", is_flag=True, help="Also list every missed, spurious and mistyped mention.")
@json_option
@library_errors
def eval_entities(gold: str, corpus: str | None, show_errors: bool, as_json: bool) -> None:
    """Score entities and quotations against a gold file (sample/gold/entities.json): NER
    precision and recall per type, alias-merge BCubed, quotation and speaker accuracy. The
    corpus is ingested into a fresh temporary database."""
    from .entities.evaluate import evaluate

    r = evaluate(gold, corpus)
    errors = r.pop("errors")
    if as_json:
        if show_errors:
            r["errors"] = errors
        click.echo(to_json(r))
        return
    click.echo(f"{r['articles']} articles, {r['gold_mentions']} gold and {r['system_mentions']} system mentions")
    click.echo(f"{'NER':<10} {'P':>6} {'R':>6} {'F1':>6}   (exact span and type)")
    for t, v in r["ner"].items():
        click.echo(f"{t:<10} {v['precision']:>6.3f} {v['recall']:>6.3f} {v['f1']:>6.3f}   ({v['gold']} gold)")
    b = r["merge"]
    click.echo(f"alias merge BCubed (over matched mentions): P {b['precision']:.3f}  R {b['recall']:.3f}  "
               f"F1 {b['f1']:.3f}   ({b['mentions']} mentions, {b['gold_entities']} gold entities)")
    q = r["quotes"]
    click.echo(f"quotations: P {q['precision']:.3f}  R {q['recall']:.3f}  F1 {q['f1']:.3f}   "
               f"speaker accuracy {q['speaker_accuracy']:.3f} over {q['matched']} found")
    if show_errors:
        for e in errors:
            click.echo("\t".join(str(v) for v in e.values()))


@eval_group.command(name="clustering")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--shuffle", "seeds", type=int, multiple=True, metavar="SEED",
              help="Also ingest in a random order (repeatable: --shuffle 1 --shuffle 2 ...) and report the spread.")
@json_option
@click.pass_obj
@library_errors
def eval_clustering(obj: Context, folder: str, seeds: tuple[int, ...], as_json: bool) -> None:
    """Ingest DIR/articles.jsonl into a fresh temporary database in stream order (publication
    date, file order when undated) and score its events and stories against DIR/gold.jsonl:
    BCubed precision, recall, F1 and AMI. With --db, the stream-order run's database is
    kept at PATH (which must not exist yet)."""
    from .stories.evaluate import evaluate

    settings = Settings.load(obj.config, obj.overrides or None)
    r = evaluate(folder, settings, db=obj.eval_db())
    runs = [evaluate(folder, settings, seed=s) for s in seeds]
    if runs:
        r["shuffled"] = runs
        for level in ("event", "story"):
            f1s = [r[level]["f1"]] + [x[level]["f1"] for x in runs]
            r[level]["f1_spread"] = round(max(f1s) - min(f1s), 4)
    if as_json:
        click.echo(to_json(r))
        return
    click.echo(f"{r['dataset']}: {r['articles']} articles in stream order, {r['seconds']}s "
               f"({r['articles_per_second']} articles/s)")
    for level in ("event", "story"):
        v = r[level]
        line = (f"{level:<6} BCubed P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}   "
                f"AMI {v['ami']:.3f}   {v['clusters']} clusters ({v['gold_clusters']} in the gold)")
        if runs:
            line += f"   F1 spread over {len(runs) + 1} orders {v['f1_spread']:.3f}"
        click.echo(line)


@eval_group.command(name="timeline")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@json_option
@click.pass_obj
@library_errors
def eval_timeline(obj: Context, folder: str, as_json: bool) -> None:
    """Ingest DIR/articles.jsonl into a fresh temporary database, build each gold story's
    timeline (as many dates as DIR/timelines/<story>.txt, as many sentences a date as its
    average) and score it with tilse's Date F1 and alignment ROUGE (AR-1, AR-2), beside a
    baseline (the most-published days and their articles' first sentences). With --db, the
    database is kept at PATH (which must not exist yet)."""
    from .tell.evaluate import evaluate_timelines

    settings = Settings.load(obj.config, obj.overrides or None)
    r = evaluate_timelines(folder, settings, db=obj.eval_db(),
                           on_progress=None if as_json else lambda m: click.echo(m, err=True))
    if as_json:
        click.echo(to_json(r))
        return
    click.echo(f"{r['dataset']}: timelines of {len(r['stories'])} stories (Date F1, AR-1 F, AR-2 F; "
               f"concat ROUGE-1/2 F)")
    rows = [(n, v[s]) for n, v in r["stories"].items() for s in ("filrouge", "baseline")]
    rows += [("mean", r["filrouge"]), ("mean", r["baseline"])]
    for i, (name, v) in enumerate(rows):
        system = ("filrouge", "baseline")[i % 2]
        click.echo(f"  {name:<8} {system:<9} Date F1 {v['date_f1']:.3f}  AR-1 {v['ar1_f']:.3f}  "
                   f"AR-2 {v['ar2_f']:.3f}   concat R-1 {v['concat_r1_f']:.3f}  R-2 {v['concat_r2_f']:.3f}")


@eval_group.command(name="summary")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--words", type=click.IntRange(min=10), default=100, show_default=True,
              help="Summary length in words (ROUGE reads this many).")
@json_option
@click.pass_obj
@library_errors
def eval_summary(obj: Context, folder: str, words: int, as_json: bool) -> None:
    """Ingest DIR/articles.jsonl into a fresh temporary database, summarise each gold event
    that DIR/summaries/<event>_A<n>.txt describes in WORDS words, and score ROUGE-1/2/L F
    against those human summaries, beside a lead and a centroid baseline. With --db, the
    database is kept at PATH (which must not exist yet)."""
    from .tell.evaluate import evaluate_summaries

    settings = Settings.load(obj.config, obj.overrides or None)
    r = evaluate_summaries(folder, settings, db=obj.eval_db(), words=words,
                           on_progress=None if as_json else lambda m: click.echo(m, err=True))
    if as_json:
        click.echo(to_json(r))
        return
    click.echo(f"{r['dataset']}: {len(r['clusters'])} clusters, {r['words']}-word summaries, ROUGE F "
               f"(mean over clusters)")
    for system in ("filrouge", "lead", "centroid"):
        v = r[system]
        click.echo(f"  {system:<9} ROUGE-1 {v['rouge_1']:.4f}  ROUGE-2 {v['rouge_2']:.4f}  ROUGE-L {v['rouge_l']:.4f}")
    if r["rouge_2_gain"] is not None:
        click.echo(f"  ROUGE-2 gain over the better baseline: {r['rouge_2_gain'] * 100:+.1f}%")


def main() -> None:
    try:
        cli.main(prog_name="filrouge", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("filrouge: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
