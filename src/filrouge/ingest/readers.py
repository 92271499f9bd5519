"""One reader per format. Each takes a file's bytes and yields ``RawArticle`` or ``Rejection``.

Readers only find what the input says (text, title, date, source...). Cleaning and the
metadata that must be inferred (language, dateline dates, derived titles) come after.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..article import PublishedDate, RawArticle, Rejection, Removed
from ..errors import InputRejected
from .decode import decode
from .pubdate import parse_date

Item = RawArticle | Rejection

_MARKER = re.compile(r"^\ufeff?[ \t]*date[ \t]+(?P<d>\d{4}-\d{2}(?:-\d{2})?)(?=\s|$)[ \t]*")


def stable_id(prefix: str, *parts: str) -> str:
    """A short id that stays the same for the same parts: ``prefix`` + 16 hex digits."""
    h = hashlib.sha1("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{prefix}{h[:16]}"


# --------------------------------------------------------------------------- plain text
def read_text(path: str, data: bytes) -> Iterator[Item]:
    """The seeds' format: an optional `` date YYYY-MM[-DD]`` marker, then the text."""
    text, encoding = decode(data)
    warnings: tuple[str, ...] = () if encoding.startswith("utf-8") else (f"decoded as {encoding}",)
    published = None
    m = _MARKER.match(text)
    body = text
    if m:
        value = m.group("d")
        parsed = parse_date(value)
        if parsed:
            published = PublishedDate(parsed[0], parsed[1], "marker")
        else:
            warnings += (f"date marker '{value}' is not a calendar date; ignored",)
        body = text[m.end() :]
    yield RawArticle(
        raw=text,
        body=body,
        path=path,
        format="txt",
        id=Path(path).stem,
        published=published,
        encoding=encoding,
        warnings=warnings,
        first_line_may_be_title=True,
    )


# --------------------------------------------------------------------------- HTML
_META_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "date", "dc.date",
    "dc.date.issued", "dcterms.created", "pubdate", "publishdate", "publication_date",
    "sailthru.date", "parsely-pub-date", "article.published", "published_time",
)


def _html_meta(tree: Any) -> dict[str, str]:
    """Publication date, URL and site name from the page's metadata (not its body)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        if key in _META_DATE_KEYS and "date" not in found:
            if parse_date(content):
                found["date"] = content
            elif re.match(r"\s*\d{4}-\d{1,2}-\d{1,2}", content):
                found.setdefault("bad_date", content)   # an impossible date: "2024-02-30"
        elif key in ("og:url",) and "url" not in found:
            found["url"] = content
        elif key in ("og:site_name", "application-name") and "site" not in found:
            found["site"] = content
    if "date" not in found:
        for script in tree.iter("script"):
            if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
                continue
            m = re.search(r'"datePublished"\s*:\s*"([^"]+)"', script.text)
            if m and parse_date(m.group(1)):
                found["date"] = m.group(1)
                break
    if "date" not in found:
        for t in tree.iter("time"):
            dt = t.get("datetime") or ""
            if (t.get("pubdate") is not None or (t.get("itemprop") or "") == "datePublished") and parse_date(dt):
                found["date"] = dt
                break
    if "url" not in found:
        for link in tree.iter("link"):
            if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
                found["url"] = link.get("href")
                break
    return found


_MIN_HTML_WORDS = 5


def extract_html(html: str) -> dict[str, Any]:
    """Main text and metadata of an HTML page (trafilatura), or InputRejected."""
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        raise InputRejected("broken HTML: nothing could be parsed")
    meta = _html_meta(tree)
    doc = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, date_extraction_params={"extensive_search": False},
    )
    text = (doc.text if doc is not None else "") or ""
    words = len(text.split())
    if words < _MIN_HTML_WORDS:
        raise InputRejected(f"HTML page with no article text found ({words} words extracted: "
                            "broken, empty or not an article)")
    title = (doc.title or "").strip() or None
    published = None
    warnings: list[str] = []
    if "date" in meta and (p := parse_date(meta["date"])):
        published = PublishedDate(p[0], p[1], "html")
    elif "bad_date" in meta:
        # trafilatura reads an impossible date of the metadata as another ("2024-02-30"
        # became 2024-02-01): not that one, and no guess of its own.
        warnings.append(f"unreadable date {meta['bad_date']!r} in the page's metadata; date left unknown")
    elif doc is not None and doc.date and (p := parse_date(doc.date)):
        # trafilatura's (conservative) date finder: bylines and other page markup.
        published = PublishedDate(p[0], p[1], "html")
    removed: tuple[Removed, ...] = ()
    lines = text.split("\n")
    # trafilatura repeats the headline as the first line of the text.
    if title and lines and _norm(lines[0]) == _norm(title):
        removed = (Removed(lines[0], "title (moved to the title field)"),)
        text = "\n".join(lines[1:])
    return {
        "body": text,
        "title": title,
        "published": published,
        "author": (doc.author or None) if doc is not None else None,
        "source": meta.get("site") or ((doc.sitename or None) if doc is not None else None),
        "url": meta.get("url") or ((doc.url or None) if doc is not None else None),
        "removed": removed,
        "warnings": tuple(warnings),
    }


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def read_html(path: str, data: bytes) -> Iterator[Item]:
    html, encoding = decode(data)
    got = extract_html(html)
    warnings = () if encoding.startswith("utf-8") else (f"decoded as {encoding}",)
    yield RawArticle(
        raw=html,
        path=path,
        format="html",
        id=Path(path).stem,
        title_source="html" if got["title"] else None,
        encoding=encoding,
        **{**got, "warnings": warnings + got["warnings"]},
    )


# --------------------------------------------------------------------------- JSONL
_FIELDS = ("id", "title", "text", "html", "published", "language", "url", "source", "author")


def read_jsonl(path: str, lines: Iterator[bytes], max_bytes: int) -> Iterator[Item]:
    """One article per line; a bad line is rejected with its number, the rest go on."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > max_bytes:
            yield Rejection(path, f"line of {len(line) / 2**20:.1f} MB is over the "
                            f"{max_bytes / 2**20:g} MB limit (ingest.max_file_mb)", number)
            continue
        try:
            text = line.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            yield Rejection(path, f"line is not UTF-8 ({e.reason} at byte {e.start})", number)
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as e:
            yield Rejection(path, f"invalid JSON: {e.msg} (column {e.colno})", number)
            continue
        try:
            yield from_record(record, path, number)
        except InputRejected as e:
            yield Rejection(path, e.reason, number)


def from_record(record: Any, path: str, line: int | None = None) -> RawArticle:
    """An article from a JSON object (a JSONL line, or a POST to the HTTP API)."""
    if not isinstance(record, dict):
        raise InputRejected(f"expected a JSON object, got {type(record).__name__}")
    warnings: list[str] = []
    for key in ("text", "html", "title", "url", "source", "language", "author"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputRejected(f"field '{key}' must be a string, got {type(value).__name__}")
    body = record.get("text")
    html = record.get("html")
    headline = (record.get("title") or "").strip()
    if not (body and body.strip()) and not (html and html.strip()):
        if not headline:
            raise InputRejected("no article text: the object needs a non-empty 'text', 'html' or 'title'")
        # A headline-only item (wire flashes, some corpora): the headline is its text.
        body = headline
        warnings.append("no body text: the title stands for the text")
    published = None
    value = record.get("published")
    if value not in (None, ""):
        parsed = parse_date(str(value))
        if parsed:
            published = PublishedDate(parsed[0], parsed[1], "field")
        else:
            warnings.append(f"unreadable 'published' value {value!r}; date left unknown")
    language = record.get("language")
    if language:
        language = language.strip().lower()[:2] if re.fullmatch(r"\s*[A-Za-z]{2}([-_][A-Za-z]+)?\s*", language) else None
        if language is None:
            warnings.append(f"unreadable 'language' value {record['language']!r}; detected instead")
    title = (record.get("title") or "").strip() or None
    url = (record.get("url") or "").strip() or None
    fields: dict[str, Any] = {}
    removed: tuple[Removed, ...] = ()
    raw = body or ""
    if not (body and body.strip()):
        got = extract_html(html or "")
        raw = html or ""
        body = got["body"]
        title = title or got["title"]
        published = published or got["published"]
        url = url or got["url"]
        fields = {"author": record.get("author") or got["author"], "source": record.get("source") or got["source"]}
        removed = got["removed"]
        if published is None:
            warnings += got["warnings"]
    rid = record.get("id")
    if rid is not None and not isinstance(rid, (str, int)):
        raise InputRejected(f"field 'id' must be a string or a number, got {type(rid).__name__}")
    rid = str(rid).strip() if rid is not None else ""
    if not rid:
        rid = stable_id("j_", url) if url else stable_id("j_", title or "", raw)
    return RawArticle(
        raw=raw,
        body=body or "",
        path=path,
        line=line,
        format="jsonl" if not html or record.get("text") else "jsonl-html",
        id=rid,
        title=title,
        title_source="field" if title else None,
        published=published,
        language=language,
        url=url,
        source=fields.get("source", record.get("source")),
        author=fields.get("author", record.get("author")),
        warnings=tuple(warnings),
        removed=removed,
    )


def read_json(path: str, data: bytes) -> Iterator[Item]:
    """A ``.json`` file: one article object, or a list of them."""
    text, _ = decode(data)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputRejected(f"invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})") from None
    records = value if isinstance(value, list) else [value]
    for number, record in enumerate(records, start=1):
        try:
            yield from_record(record, path, number if isinstance(value, list) else None)
        except InputRejected as e:
            where = f"item {number}: " if isinstance(value, list) else ""
            yield Rejection(path, where + e.reason)


# --------------------------------------------------------------------------- RSS / Atom
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article", "figcaption")


def fragment_to_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), one paragraph a line."""
    if "<" not in html:
        return html.strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml raises several types on hopeless input
        return re.sub(r"<[^>]+>", " ", html).strip()
    for el in root.iter("script", "style"):
        el.drop_tree()
    for el in root.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
        if el.text is not None or len(el):
            el.text = "\n" + (el.text or "")
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")
    text = root.text_content()
    lines = [" ".join(x.split()) for x in text.split("\n")]
    return "\n".join(x for x in lines if x)


def read_feed(path: str, data: bytes) -> Iterator[Item]:
    import feedparser

    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            raise InputRejected(f"not a valid RSS/Atom feed ({parsed.get('bozo_exception')})")
        raise InputRejected("feed has no entries")
    outlet = (parsed.get("feed") or {}).get("title") or None
    for number, entry in enumerate(entries, start=1):
        title = (entry.get("title") or "").strip() or None
        link = entry.get("link") or None
        content = ""
        if entry.get("content"):
            content = max((c.get("value") or "" for c in entry["content"]), key=len)
        if not content.strip():
            content = entry.get("summary") or ""
        body = fragment_to_text(content)
        if not body.strip():
            yield Rejection(path, f"entry {number} ({title or link or 'untitled'}): no content or summary")
            continue
        published, warning = _entry_date(entry)
        key = entry.get("id") or link or (title or "") + body[:200]
        yield RawArticle(
            raw=content,
            body=body,
            path=path,
            format="feed",
            id=stable_id("f_", key),
            title=title,
            title_source="feed" if title else None,
            published=published,
            url=link,
            source=outlet,
            author=entry.get("author") or None,
            warnings=(warning,) if warning else (),
        )


def _entry_date(entry: Any) -> tuple[PublishedDate | None, str | None]:
    """A feed entry's date as its feed writes it, and a warning when it cannot be read.

    The day is the one written, in the feed's own time zone: feedparser's parsed stamp is
    in UTC, which moves an article a Paris outlet published at 00:30 to the day before.
    And feedparser rolls an impossible date over ("2024-13-45" became 2025-01-14): its
    stamp is taken only for formats we do not read, and only when the year and the day it
    gives are numbers the feed wrote."""
    unread = []
    for field in ("published", "updated"):
        raw = str(entry.get(field) or "").strip()
        if not raw:
            continue
        parsed = parse_date(raw)
        if parsed:
            return PublishedDate(parsed[0], parsed[1], "feed"), None
        stamp = entry.get(f"{field}_parsed")
        numbers = {int(n) for n in re.findall(r"\d+", raw)}
        if stamp and stamp.tm_year in numbers and stamp.tm_mday in numbers:
            return PublishedDate(f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}", "day", "feed"), None
        unread.append(raw)
    if unread:
        return None, f"unreadable feed date {unread[0]!r}; date left unknown"
    return None, None
