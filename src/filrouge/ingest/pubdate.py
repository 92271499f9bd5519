"""Publication dates: parse the dates that metadata fields, feeds and datelines carry.

This is not the temporal tagger (that resolves expressions in the text against a
reference); it reads absolute calendar dates, keeping the precision they have.

>>> parse_date("2023-09-13T10:00:00+02:00")
('2023-09-13', 'day')
>>> parse_date("14/09/2023 mis à jour: 23:00")
('2023-09-14', 'day')
>>> parse_date("Publié le 3 octobre 2024 à 09h12")
('2024-10-03', 'day')
>>> parse_date("2023-11")
('2023-11', 'month')
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from email.utils import parsedate_to_datetime

_MONTHS: dict[str, int] = {}
for _names in (
    # French
    "janvier janv jan|février fevrier févr fevr fév fev|mars mar|avril avr|mai|juin|"
    "juillet juil|août aout aoû|septembre sept sep|octobre oct|novembre nov|décembre decembre déc dec",
    # English
    "january jan|february feb|march mar|april apr|may|june jun|july jul|august aug|"
    "september sept sep|october oct|november nov|december dec",
    # German
    "januar jänner jan|februar feb|märz maerz mär|april apr|mai|juni jun|juli jul|august aug|"
    "september sep sept|oktober okt|november nov|dezember dez",
    # Spanish
    "enero ene|febrero feb|marzo mar|abril abr|mayo may|junio jun|julio jul|agosto ago|"
    "septiembre setiembre sep sept|octubre oct|noviembre nov|diciembre dic",
):
    for _i, _group in enumerate(_names.split("|"), start=1):
        for _name in _group.split():
            _MONTHS.setdefault(_name, _i)

_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

_ISO = re.compile(
    r"\b(?P<y>(?:19|20)\d\d)(?:-(?P<m>[01]\d)(?:-(?P<d>[0-3]\d))?)?"
    r"(?:[T ](?P<H>[0-2]\d):(?P<M>[0-5]\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?\b"
)
# Day first (14/09/2023), or month first where the second number cannot be a month
# (09/14/2023) or a US time zone stamps the line (:func:`date_stamp`).
# Tokenised text spaces the separators ("11 / 27 / 2005", "08. 07. 2012"): one space each
# side at most, and the same separator twice.
_NUMERIC = re.compile(r"\b(?P<d>[0-3]?\d) ?(?P<sep>[/.]) ?(?P<m>[0-3]?\d) ?(?P=sep) ?(?P<y>(?:19|20)\d\d)\b")
# A two-digit year ("11/28/05", "8 / 2 / 13 at 1:30 PM"): slashes only (dots number
# sections: "2.1.10"), and only where a line is nothing but a stamp (:func:`date_stamp`).
_NUMERIC_SHORT = re.compile(r"\b(?P<d>[0-3]?\d) ?/ ?(?P<m>[0-3]?\d) ?/ ?(?P<y>\d\d)\b(?! ?[/.:] ?\d)")
# ET, EST, PDT ... right after a clock time ("3:21 PM ET", "11:34 a.m. EST"): upper case, and
# not after "10H00" ("PUBLIÉ À 10H00 ET MIS À JOUR", where it is French "et").
_US_ZONE = re.compile(r"(?:\d:\d\d|\b[AaPp]\.?\s?[Mm]\b\.?),?\s*[ECMP][DS]?T\b")
_NOT_US = re.compile(r"\b(?:publi[ée]e?|mis\s+[àa]\s+jour|le|à|ver[öo]ffentlicht|aktualisiert|publicado|"
                     r"actualizado|el|a\s+las)\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<d>[0-3]?\d)(?:er|\.|º)?\s+(?:de\s+)?(?P<mon>{_MONTH_RE})\.?,?\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<mon>{_MONTH_RE})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"^\s*(?P<mon>{_MONTH_RE})\.?\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)\s*$", re.I)


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return 1900 <= y <= 2100


def _month(name: str) -> int | None:
    key = unicodedata.normalize("NFC", name.lower().rstrip("."))
    return _MONTHS.get(key)


def parse_date(text: str, month_first: bool = False) -> tuple[str, str] | None:
    """The first absolute calendar date in ``text`` as ``(value, granularity)``, or None.
    A numeric date is read day first, unless that cannot be a date or ``month_first``
    (where the source is known to write dates the American way).

    >>> parse_date("12/25/2011"), parse_date("01/05/2011"), parse_date("01/05/2011", month_first=True)
    (('2011-12-25', 'day'), ('2011-05-01', 'day'), ('2011-01-05', 'day'))
    """
    if not text:
        return None
    s = text.strip()
    found: list[tuple[int, str, str]] = []  # (position, value, granularity)
    m = _ISO.search(s)
    if m:
        y, mo, d = m.group("y"), m.group("m"), m.group("d")
        if d and _valid(int(y), int(mo), int(d)):
            found.append((m.start(), f"{y}-{mo}-{d}", "day"))
        elif mo and not d and 1 <= int(mo) <= 12 and m.group(0) == s:
            found.append((m.start(), f"{y}-{mo}", "month"))
        elif not mo and m.group(0) == s:
            found.append((m.start(), y, "year"))
    for rx in (_NUMERIC, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        m = rx.search(s)
        if not m:
            continue
        mon = int(m.group("m")) if "m" in rx.groupindex else _month(m.group("mon"))
        if mon is None:
            continue
        y, d = int(m.group("y")), int(m.group("d"))
        if rx is _NUMERIC and (month_first or not _valid(y, mon, d)) and _valid(y, d, mon):
            d, mon = mon, d
        if _valid(y, mon, d):
            found.append((m.start(), f"{y:04d}-{mon:02d}-{d:02d}", "day"))
    if found:
        found.sort()
        return found[0][1], found[0][2]
    m = _MONTH_YEAR.match(s)
    if m and (mon := _month(m.group("mon"))):
        return f"{int(m.group('y')):04d}-{mon:02d}", "month"
    try:  # RFC 822 (feeds, e-mail style headers)
        dt = parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        dt = None
    if dt is not None and 1900 <= dt.year <= 2100:
        return dt.date().isoformat(), "day"
    return None


# A line that is only a date stamp: "14/09/2023 mis à jour: 23:00", "Publié le 3 octobre
# 2024 à 09h12", "Updated: Sept. 14, 2023 11:02 am", "Mis à jour le 12/03/2024".
_STAMP_WORDS = (
    r"publi[ée]e?s?\s+le|mis\s+[àa]\s+jour(?:\s+le)?|modifi[ée]e?\s+le|actualis[ée]e?\s+le|"
    r"le|(?:article\s+)?(?:published|updated|posted)(?:\s+(?:on|at))?|last\s+updated|"
    r"ver[öo]ffentlicht(?:\s+am)?|aktualisiert(?:\s+am)?|stand|am|"
    r"publicado(?:\s+el)?|actualizado(?:\s+el)?|el|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:mon|tue|wed|thu|fri|sat|sun)\.?|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo"
)
_TIME = r"(?:[àa]|at|um|a\s+las)?\s*\d{1,2}\s*[:hH.]\s*\d{2}(?:\s*[:.]\s*\d{2})?(?:\s*(?:[ap]\.?\s?m\b\.?|uhr|h))?"
_STAMP_FILLER = re.compile(
    rf"(?:{_STAMP_WORDS}|{_TIME}|\d{{1,2}}\s*h\b|[|:,.\-–—()/@]|\s|\b(?:GMT|UTC|CET|CEST|HEC|BST|IST|MEZ|MESZ|[ECMP][DS]?T)\b)+",
    re.IGNORECASE,
)
_UPDATE_ONLY = re.compile(r"^\s*(mis\s+[àa]\s+jour|updated|last\s+updated|modifi|aktualisiert|actualizado)", re.I)


def date_stamp(line: str, language: str | None = None, near: str | None = None) -> tuple[str, str, bool] | None:
    """Read a line that is nothing but a date stamp.

    Returns ``(value, granularity, is_update_only)`` or None when the line says more than
    a date (a sentence that mentions a date is content, not a stamp).

    A numeric date that reads both ways (04/09/2007) is read month first beside a US time
    zone or with slashes in English (``language``), day first otherwise, unless ``near``
    (the date the article's URL gives, ``YYYY-MM[-DD]``) agrees with the other reading only.

    >>> date_stamp("14/09/2023 mis à jour: 23:00")
    ('2023-09-14', 'day', False)
    >>> date_stamp("Le 14 septembre 2023, Kim a rencontré Poutine.") is None
    True

    A numeric date beside a US time zone is read month first:

    >>> date_stamp("Posted at 3:21 PM ET, 01/5/2011")
    ('2011-01-05', 'day', False)

    Tokenised stamps space their separators, and a stamp may have a two-digit year:

    >>> date_stamp("Posted 11 / 27 / 2005 7: 21 AM"), date_stamp("11 / 28 / 05")
    (('2005-11-27', 'day', False), ('2005-11-28', 'day', False))
    >>> date_stamp("Updated 4 / 9 / 2007"), date_stamp("Updated 4 / 9 / 2007", "en")
    (('2007-09-04', 'day', True), ('2007-04-09', 'day', True))
    >>> date_stamp("11 / 09 / 2010", "en", near="2010-09")
    ('2010-09-11', 'day', False)
    """
    s = line.strip()
    if not s or len(s) > 90:
        return None
    parsed = None
    rest = s
    not_us = _NOT_US.search(s) is not None
    us = _US_ZONE.search(s) is not None and not not_us

    def numeric(text: str) -> tuple[str, str] | None:
        """Its reading by ``us`` (or English and slashes: dots are day first, 08.07.2012),
        or the other one where only that agrees with ``near``."""
        first = us or (language == "en" and "/" in text and not not_us)
        p = parse_date(text, month_first=first)
        if p and near and not p[0].startswith(near):
            q = parse_date(text, month_first=not first)
            p = q if q and q[0].startswith(near) else p
        return p

    for rx in (_NUMERIC, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO):
        m = rx.search(rest)
        if m and (p := numeric(m.group(0)) if rx is _NUMERIC else parse_date(m.group(0))) and p[1] == "day":
            parsed = p
            rest = rest[: m.start()] + " " + rest[m.end() :]
            break
    if parsed is None and (m := _NUMERIC_SHORT.search(rest)):
        yy = int(m.group("y"))
        if (p := numeric(f"{m.group('d')}/{m.group('m')}/{yy + (1900 if yy >= 50 else 2000)}")) and p[1] == "day":
            parsed = p
            rest = rest[: m.start()] + " " + rest[m.end() :]
    if parsed is None:
        return None
    # Whatever is left must be stamp words, times, other dates and punctuation.
    for rx in (_NUMERIC, _NUMERIC_SHORT, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO):
        rest = rx.sub(" ", rest)
    if _STAMP_FILLER.fullmatch(rest) is None and rest.strip():
        return None
    return parsed[0], parsed[1], bool(_UPDATE_ONLY.match(s))


# An agency dateline opening a paragraph: "PARIS, 14 sept 2023 (AFP) -", "MOSCOU, 3 mars (Reuters) -".
_AGENCY_DATELINE = re.compile(
    r"^[A-ZÀ-Ý][A-ZÀ-Ý' \-]{1,40}(?:\s*\([^)]{1,30}\))?,\s*(?P<date>[^()]{4,40}?)\s*"
    r"\((?:AFP|Reuters|AP|DPA|EFE|ANSA|Belga|ATS|Xinhua|Yonhap|Interfax|TASS)\)\s*[-–—]",
)


def agency_dateline(paragraph: str) -> tuple[str, str] | None:
    """The date of an agency dateline at the start of ``paragraph``, when it has a year.

    >>> agency_dateline("SÉOUL, 14 septembre 2023 (AFP) - Kim Jong Un a quitté ...")
    ('2023-09-14', 'day')
    """
    m = _AGENCY_DATELINE.match(paragraph)
    if not m:
        return None
    return parse_date(m.group("date"))


# Dates in a URL's path, as news sites write them: /2013/05/03/, /2013/may/03/, /2013-05-03-,
# _20130504, /2013/05/ (the month only). A part of the path is bounded by / - _ . or its end.
_URL_SEP = r"(?:[/_.\-]|$)"
_URL_DATES = (
    re.compile(rf"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/(?P<d>[0-3]?\d){_URL_SEP}"),
    re.compile(rf"/(?P<y>(?:19|20)\d\d)/(?P<mon>[^\W\d_]{{3,9}})/(?P<d>[0-3]?\d){_URL_SEP}"),
    # A section between the year and the day (CNN's /2009/POLITICS/03/03/).
    re.compile(rf"/(?P<y>(?:19|20)\d\d)/[^\W\d_][\w\-]{{0,23}}/(?P<m>[01]\d)/(?P<d>[0-3]\d){_URL_SEP}"),
    re.compile(rf"[/_\-](?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d){_URL_SEP}"),
    re.compile(rf"[/_\-](?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d){_URL_SEP}"),
)
_URL_MONTH = re.compile(rf"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d){_URL_SEP}")
_URL_HOST = re.compile(r"^[a-z][a-z0-9+.\-]*://[^/]*", re.IGNORECASE)


def url_date(url: str | None, today: date | None = None) -> tuple[str, str] | None:
    """The publication date a URL's path carries, as ``(value, granularity)``: news sites
    file articles under their day (or month). Only the path is read (not the host, not the
    query), only real calendar dates count, and none after ``today``.

    >>> url_date("http://articles.latimes.com/2013/may/03/local/la-me-lohan-rehab")
    ('2013-05-03', 'day')
    >>> url_date("https://example.org/news/lohan-rehab-20130504")
    ('2013-05-04', 'day')
    >>> url_date("http://edition.cnn.com/2009/POLITICS/03/03/endangered.species.act/")
    ('2009-03-03', 'day')
    >>> url_date("https://example.org/2023/09/kim-poutine.html")
    ('2023-09', 'month')
    >>> url_date("https://www.example.com/news/10473630.print/") is None
    True
    """
    if not url:
        return None
    path = _URL_HOST.sub("", url.strip()).split("?")[0].split("#")[0]
    limit = today or date.today()
    for rx in _URL_DATES:
        for m in rx.finditer(path):
            mon = int(m.group("m")) if "m" in rx.groupindex else _month(m.group("mon"))
            y, d = int(m.group("y")), int(m.group("d"))
            if mon and _valid(y, mon, d) and date(y, mon, d) <= limit:
                return f"{y:04d}-{mon:02d}-{d:02d}", "day"
    for m in _URL_MONTH.finditer(path):
        y, mon = int(m.group("y")), int(m.group("m"))
        if 1 <= mon <= 12 and (y, mon) <= (limit.year, limit.month):
            return f"{y:04d}-{mon:02d}", "month"
    return None
