"""Reading inputs: walk files and folders, pick a reader per format, never stop the batch.

>>> from filrouge.settings import Settings
>>> items = list(read_paths(["/nonexistent/file.txt"], Settings.load()))
>>> items[0]
Rejection(path='/nonexistent/file.txt', reason='no such file or directory', line=None)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..article import Rejection
from ..errors import InputRejected
from ..settings import Settings
from .decode import sniff
from .readers import Item, from_record, read_feed, read_html, read_json, read_jsonl, read_text

__all__ = ["Item", "from_record", "list_files", "read_file", "read_paths"]

_BY_EXTENSION = {
    ".txt": "txt", ".text": "txt",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
}


def list_files(paths: Iterable[str | os.PathLike[str]], settings: Settings,
               skip: Iterable[str] = ()) -> Iterator[Path | Rejection]:
    """Every file named or found (recursively, sorted) under ``paths``.

    Hidden files and folders, and files with the extensions of ``ingest.skip_extensions``,
    are passed over; ``skip`` names files to leave out (the database itself).
    """
    skipped = {os.path.realpath(s) for s in skip}
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            yield Rejection(str(raw), "no such file or directory")
        elif p.is_dir():
            for root, dirs, files in os.walk(p, onerror=None):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    f = Path(root) / name
                    if name.startswith(".") or f.suffix.lower() in settings.ingest.skip_extensions:
                        continue
                    if os.path.realpath(f) in skipped:
                        continue
                    yield f
        elif os.path.realpath(p) in skipped:
            yield Rejection(str(raw), "this is the filrouge database itself; not ingested")
        else:
            yield p


def read_file(path: Path, settings: Settings) -> Iterator[Item]:
    """The articles of one file, or rejections saying why not. Never raises on bad input."""
    name = str(path)
    try:
        size = path.stat().st_size
        fmt = _BY_EXTENSION.get(path.suffix.lower())
        with open(path, "rb") as fh:
            head = fh.read(65536)
            if fmt is None or fmt == "feed":
                sniffed = sniff(head)
                if fmt == "feed" and sniffed != "feed":
                    if sniffed != "html":
                        raise InputRejected("XML file that is not an RSS or Atom feed")
                fmt = sniffed
            if fmt == "jsonl":
                # Streamed line by line: a large JSONL file is fine, each line is held to the limit.
                fh.seek(0)
                yield from read_jsonl(name, iter(fh), settings.ingest.max_bytes)
                return
            if size > settings.ingest.max_bytes:
                raise InputRejected(
                    f"file of {size / 2**20:.1f} MB is over the {settings.ingest.max_file_mb:g} MB "
                    "limit (raise ingest.max_file_mb to read it)"
                )
            data = head + fh.read()
        reader = {"txt": read_text, "html": read_html, "feed": read_feed, "json": read_json}[fmt]
        yield from reader(name, data)
    except InputRejected as e:
        yield Rejection(name, e.reason, e.line)
    except PermissionError:
        yield Rejection(name, "cannot read: permission denied")
    except IsADirectoryError:
        yield Rejection(name, "is a directory")
    except OSError as e:
        yield Rejection(name, f"cannot read: {e.strerror or e}")
    except RecursionError:
        yield Rejection(name, "document is nested too deeply to parse")


def read_paths(paths: Iterable[str | os.PathLike[str]], settings: Settings,
               skip: Iterable[str] = ()) -> Iterator[Item]:
    for f in list_files(paths, settings, skip):
        if isinstance(f, Rejection):
            yield f
        else:
            yield from read_file(f, settings)
