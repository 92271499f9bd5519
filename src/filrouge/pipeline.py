"""From a reader's ``RawArticle`` to a cleaned, described ``Article``.

``process`` is pure per-article work (no shared state), so it runs in worker processes;
``process_many`` is the batch helper over it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from .article import Article, PublishedDate, RawArticle, Rejection, Removed
from .clean import clean, derive_title, title_shares_words
from .copies.signature import signature
from .dates import date_article
from .entities import extract_entities
from .errors import InputRejected
from .ingest.pubdate import date_stamp, url_date
from .language import detect_language
from .settings import Settings
from .stories.features import embed

_WORDS = re.compile(r"\w+")


def process(raw: RawArticle, settings: Settings) -> Article:
    """Clean, split and describe one article. Raises InputRejected when nothing is left."""
    # Detect on the body before cleaning: boilerplate is a small share, and cleaning's
    # per-language rules need the language.
    language = raw.language or detect_language(
        (raw.title or "") + "\n" + raw.body[:1200], settings.language.supported
    )
    # A title field that holds nothing but a date ("Jan 05, 2011", "Posted on January 5,
    # 2011, 3: 37 PM EDT") is the article's dateline, not its headline: its date is the publication
    # date when none is given, and the headline is looked for in the text.
    given, stamped, moved = raw.title, None, ()
    from_url = _from_url(raw.url)
    near = from_url.value if from_url else None   # settles a stamp that reads both ways
    stamp = date_stamp(given, language, near) if given else None
    if stamp is not None:
        value, granularity, update_only = stamp
        stamped = None if update_only else PublishedDate(value, granularity, "dateline")
        given, moved = None, (Removed(raw.title or "", "date stamp (title field)"),)
    cleaned = clean(
        raw.body,
        settings.clean,
        language=language,
        find_title=given is None and (raw.first_line_may_be_title or stamp is not None),
        near=near,
    )
    if not cleaned.text.strip():
        raise InputRejected("no article text left after cleaning (everything looked like boilerplate)")
    if given and title_shares_words(given, cleaned.text, max_words=settings.clean.title_max_words) is False:
        # A title field that is not this text's headline (a crawler took the page's shop
        # link or a sidebar's headline for it) gives way to a headline in the text, if the
        # text opens on one that fits it; else it stays (a pun, a rubric).
        found = clean(raw.body, settings.clean, language=language, find_title=True, near=near, title_must_fit=True)
        if found.title:
            moved += (Removed(given, "title field (shares no word with the text's lead)"),)
            given, cleaned = None, found
    sentences = [cleaned.text[s:e] for s, e in cleaned.sentences]
    if given:
        title, title_source = given, raw.title_source or "field"
    elif cleaned.title:
        title, title_source = cleaned.title, "first line"
    else:
        title, title_source = derive_title(sentences), "derived"
    article = redate(Article(
        id=raw.id or "",
        title=" ".join(title.split()),
        text=cleaned.text,
        raw=raw.raw,
        language=language,
        published=raw.published or stamped or cleaned.published or from_url,
        source=raw.source,
        url=raw.url,
        author=raw.author,
        title_source=title_source,
        paragraphs=cleaned.paragraphs,
        sentences=cleaned.sentences,
        removed=raw.removed + moved + cleaned.removed,
        warnings=raw.warnings,
        word_count=len(_WORDS.findall(cleaned.text)),
        content_hash=raw.content_hash,
        path=raw.path,
        line=raw.line,
        format=raw.format,
        encoding=raw.encoding,
    ))
    return article.evolve(minhash=signature(article.text).astype("<u4").tobytes())


def _from_url(url: str | None) -> PublishedDate | None:
    """The date a news URL files the article under (``/2013/05/03/``), if any."""
    found = url_date(url)
    return PublishedDate(found[0], found[1], "url") if found else None


def redate(article: Article, copy_date: PublishedDate | None = None) -> Article:
    """The article with its date mentions computed, and its publication date inferred when
    it has none of its own: from its dated copies (``copy_date``) if it has any, else from
    its text. An earlier inference is redone, not trusted."""
    own = article.published if article.published and not article.published.inferred else None
    published, mentions = date_article(article.text, own or copy_date, article.language, article.sentences,
                                       [r.text for r in article.removed])
    return article.evolve(published=published, dates=tuple(mentions))


def process_safe(raw: RawArticle, settings: Settings) -> Article | Rejection:
    """``process``, with a rejection (never an exception) for an input that cannot be used."""
    try:
        return process(raw, settings)
    except InputRejected as e:
        return Rejection(raw.path, e.reason, raw.line)
    except RecursionError:
        return Rejection(raw.path, "text is nested too deeply to process", raw.line)


def process_batch(items: Sequence[RawArticle | Rejection], settings: Settings) -> list[Article | Rejection]:
    """``process_safe`` over a batch, then entities, quotes and embeddings for the whole
    batch at once (the models are fastest on batches). Rejections pass through."""
    done = [r if isinstance(r, Rejection) else process_safe(r, settings) for r in items]
    articles = [a for a in done if isinstance(a, Article)]
    try:
        articles = extract_entities(articles)
    except Exception:  # noqa: BLE001 - one bad article must not cost the batch its entities
        articles = [_entities_or_warning(a) for a in articles]
    try:
        articles = embed(articles, settings.stories.lead_words)
    except Exception as e:  # noqa: BLE001 - the story index embeds them again when it can
        articles = [a.evolve(warnings=a.warnings + (f"embedding not computed here: {e}",)) for a in articles]
    found = iter(articles)
    return [next(found) if isinstance(a, Article) else a for a in done]


def _entities_or_warning(article: Article) -> Article:
    """An article with its entities, or without them and a warning saying why: entity
    extraction failing never loses the article."""
    try:
        return extract_entities([article])[0]
    except Exception as e:  # noqa: BLE001
        return article.evolve(warnings=article.warnings + (f"entities not extracted: {e}",))


def process_many(raws: Iterable[RawArticle], settings: Settings, batch: int = 16) -> Iterator[Article | Rejection]:
    chunk: list[RawArticle | Rejection] = []
    for raw in raws:
        chunk.append(raw)
        if len(chunk) >= batch:
            yield from process_batch(chunk, settings)
            chunk = []
    yield from process_batch(chunk, settings)
