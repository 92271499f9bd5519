"""Bytes to text: refuse binaries, detect the encoding, and sniff what a file holds."""

from __future__ import annotations

import codecs
import json
import re

from ..errors import InputRejected

# Magic numbers of binary formats people drop into news folders by mistake.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to text; returns ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as they are; anything
    else goes to charset-normalizer, so a Latin-1 or Windows-1252 French file comes out
    with its accents. Raises :class:`InputRejected` for empty and binary input.

    >>> decode("Élysée, été".encode("latin-1"))[0]
    'Élysée, été'
    """
    if not data:
        raise InputRejected("empty file")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputRejected(f"binary file ({what}), not text")
    if data.startswith(codecs.BOM_UTF8):
        text, enc = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, enc = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        if b"\x00" in data[:65536]:
            raise InputRejected("binary file (contains NUL bytes), not text")
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = _guess(data)
    if not text.strip():
        raise InputRejected("empty file (only whitespace)")
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputRejected("binary file (too many control characters), not text")
    return text, enc


def _guess(data: bytes) -> tuple[str, str]:
    """Decode text that is not UTF-8.

    filrouge reads French, English, German and Spanish news, whose legacy encoding is
    Windows-1252 (a superset of Latin-1 for printable text). Statistical detectors guess
    wrong on short French texts (Arabic or Cyrillic code pages), so cp1252 comes first;
    only bytes it cannot decode send the file to charset-normalizer.
    """
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("latin-1"), "latin-1"


_FEED = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|p|div)[\s>]", re.IGNORECASE)


def sniff(head: bytes) -> str:
    """Guess the format of a file from its first bytes: feed, html, jsonl or txt.

    >>> sniff(b'{"text": "x"}\\n')
    'jsonl'
    >>> sniff(b'<?xml version="1.0"?><rss version="2.0">')
    'feed'
    """
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    if _FEED.search(stripped[:4096]):
        return "feed"
    if _HTML.search(stripped[:4096]) and stripped.startswith(b"<"):
        return "html"
    if stripped.startswith(b"{"):
        first = stripped.split(b"\n", 1)[0]
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except ValueError:
            pass
    if stripped.startswith(b"<") and _HTML.search(stripped[:65536]):
        return "html"
    return "txt"
