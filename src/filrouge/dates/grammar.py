"""Load a language's temporal grammar (``data/timex/<lang>.toml``) and compile it once.

The data file holds the lexicon (``[words]``: surface form → meaning), the rules (``[[rule]]``:
a pattern over the lexicon and the kind of value it builds), filters, and tense clues. This
module turns each rule's pattern into one compiled regular expression with named groups, and
knows, for each group, which lexicon table gives its meaning.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..errors import FilrougeError

_TOKEN = re.compile(r"\w+")
_HAS_DIGIT = re.compile(r"\d")
_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_APOS = "['’]"

# Placeholders that are patterns rather than word lists.
BUILTINS: dict[str, str] = {
    "day": r"(?:[12]\d|3[01]|0?[1-9])(?:er|ᵉʳ|st|nd|rd|th)?",
    "mnum": r"(?:1[0-2]|0?[1-9])",
    "year": r"(?:1[0-9]\d\d|20\d\d|['’]\d\d|\d\d)",
    "year4": r"(?:1[5-9]\d\d|20\d\d)",
    # A year after a month's name and a comma: four digits, or two after an apostrophe
    # ("June 30, '15"); two bare digits there are a number ("le 27 janvier, 16 000
    # manifestants"). Without the comma two digits are a year ("le 10 novembre 93").
    "yearw": r"(?:1[0-9]\d\d|20\d\d|['’]\d\d)",
    "decade": r"(?:1[0-9]\d0|20\d0|\d0)",
    "century": r"(?:[IVX]{1,5}|\d{1,2})",
    "hour": r"(?:2[0-4]|[01]?\d)",
    "minute": r"(?:[0-5]\d)",
}
_DIGITS = r"\d+(?:[.,]\d+)?"


class GrammarError(FilrougeError):
    """A temporal grammar file is malformed (a packaging error, not a user error)."""


def norm(text: str) -> str:
    """The lexicon key of a matched surface form: lower case, one space, straight apostrophe."""
    return " ".join(text.replace("’", "'").lower().split())


def _word_alternation(words: Any) -> str:
    keys = sorted({norm(str(k)) for k in words}, key=len, reverse=True)
    parts = []
    for k in keys:
        esc = re.escape(k).replace("\\ ", " ")
        esc = esc.replace("'", _APOS).replace(" ", r"\s+")
        parts.append(esc)
    return "(?:" + "|".join(parts) + ")"


@dataclass
class Rule:
    kind: str
    pattern: str
    regex: re.Pattern[str]
    groups: dict[str, str]  # group name -> lexicon table (or builtin) name
    index: int
    params: dict[str, Any] = field(default_factory=dict)
    needs: frozenset[str] = frozenset()  # word lists a match cannot do without
    requires: re.Pattern[str] | None = None  # a cheap pattern a paragraph must contain first


@dataclass
class Grammar:
    language: str
    words: dict[str, dict[str, Any]]
    rules: list[Rule]
    filters: dict[str, list[str]]
    # each word of each list entry -> the lists it belongs to (to see which lists a text uses)
    token_tables: dict[str, frozenset[str]] = field(default_factory=dict)
    token_set: frozenset[str] = frozenset()
    past: list[re.Pattern[str]] = field(default_factory=list)
    past_weak: list[re.Pattern[str]] = field(default_factory=list)
    future: list[re.Pattern[str]] = field(default_factory=list)
    future_weak: list[re.Pattern[str]] = field(default_factory=list)
    # Future clues that count only before the mention ("would resume on Thursday", but not
    # "told reporters on Monday he would travel").
    future_before: list[re.Pattern[str]] = field(default_factory=list)
    not_future: frozenset[str] = frozenset()

    def present(self, text: str, start: int = 0, end: int | None = None) -> set[str]:
        """The word lists (and "digit") that may occur in ``text[start:end]``: rules needing
        others are skipped. A superset: a list counts as soon as one word of one of its
        entries is there."""
        found: set[str] = set()
        chunk = text[start:end].lower()
        if _HAS_DIGIT.search(chunk):
            found.update(("digit", "num"))
        for token in set(_TOKEN.findall(chunk)) & self.token_set:
            found.update(self.token_tables[token])
        if "number" in found:
            found.add("num")
        return found

    def meaning(self, table: str, text: str) -> Any:
        """What ``text`` means in lexicon ``table`` (None when it is not there)."""
        return self.words.get(table, {}).get(norm(text))

    def number(self, text: str) -> float | str | None:
        """A number written in digits or words ("30,4", "dix-huit", "vingt et un"); "X" for
        "quelques"."""
        t = norm(text)
        if re.fullmatch(_DIGITS, t):
            return float(t.replace(",", "."))
        words = self.words.get("number", {})
        total = 0.0
        current = 0.0
        prev = None
        for tok in re.split(r"[-\s]+", t):
            if tok in ("et", "and", ""):
                continue
            v = words.get(tok)
            if v is None:
                return None
            if v == "X":
                return "X"
            if v in (100, 1000):
                current = max(current, 1) * v
                if v == 1000:
                    total += current
                    current = 0
            elif v == 20 and prev == 4 and self.language == "fr":
                current = current - 4 + 80
            else:
                current += v
            prev = v
        return total + current


def _literal(text: str) -> str:
    return text.replace("'", _APOS).replace(" ?", r"\s*").replace(" ", r"\s+")


def _expand(pattern: str, number_words: str, tables: dict[str, Any]) -> tuple[str, dict[str, str]]:
    groups: dict[str, str] = {}
    out: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(pattern):
        lit = pattern[pos:m.start()]
        out.append(_literal(lit))
        table, alias = m.group(1), m.group(2) or m.group(1)
        if table == "num":
            body = rf"(?:{_DIGITS}|{number_words}(?:(?:-et-|\s+et\s+|-|\s+){number_words})*)"
        elif table in BUILTINS:
            body = BUILTINS[table]
        elif table in tables:
            body = _word_alternation(tables[table])
        else:
            raise GrammarError(f"pattern {pattern!r} names an unknown word list {{{table}}}")
        n = 2
        base = alias
        while alias in groups:  # the same word list twice: "{shift} ... | the {shift}"
            alias = f"{base}__{n}"
            n += 1
        groups[alias] = table
        out.append(f"(?P<{alias}>{body})")
        pos = m.end()
    out.append(_literal(pattern[pos:]))
    return "".join(out), groups


_DIGIT_TABLES = {"day", "mnum", "year", "yearw", "year4", "decade", "hour", "minute"}


def mandatory_tables(pattern: str) -> frozenset[str]:
    """The placeholders a pattern cannot match without (not inside an optional group nor
    an alternative), as the names of what they need: a word list, or "digit"."""
    needs: set[str] = set()
    stack: list[int] = []  # start offsets of open groups
    optional_spans: list[tuple[int, int]] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            start = stack.pop()
            nxt = pattern[i + 1:i + 2]
            body = pattern[start:i]
            depth, alt = 0, False
            for c in body[1:]:
                depth += c == "("
                depth -= c == ")"
                alt = alt or (c == "|" and depth == 0)
            if nxt in ("?", "*") or alt:
                optional_spans.append((start, i))
        i += 1
    top_alt = False
    depth = 0
    for c in pattern:
        depth += c == "("
        depth -= c == ")"
        top_alt = top_alt or (c == "|" and depth == 0)
    if top_alt:
        return frozenset()
    for m in _PLACEHOLDER.finditer(pattern):
        if any(s <= m.start() <= e for s, e in optional_spans):
            continue
        table = m.group(1)
        if table in _DIGIT_TABLES:
            needs.add("digit")
        elif table == "num" or table not in BUILTINS:
            needs.add(table)
    return frozenset(needs)


@functools.lru_cache(maxsize=1)
def available_languages() -> list[str]:
    folder = resources.files("filrouge") / "data" / "timex"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


@functools.cache
def grammar(language: str) -> Grammar:
    """The compiled grammar of ``language`` (compiled once per process)."""
    path = resources.files("filrouge") / "data" / "timex" / f"{language}.toml"
    if not path.is_file():
        raise GrammarError(
            f"no temporal grammar for language '{language}' (available: {', '.join(available_languages())})"
        )
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    tables = {name: {norm(str(k)): v for k, v in t.items()} for name, t in data.get("words", {}).items()}
    number_words = _word_alternation(tables.get("number", {}))
    rules: list[Rule] = []
    for i, r in enumerate(data.get("rule", [])):
        body, groups = _expand(r["pattern"], number_words, tables)
        try:
            regex = re.compile(rf"(?<!\w)(?:{body})(?![\w])", re.IGNORECASE)
        except re.error as e:
            raise GrammarError(f"{language} rule {i} ({r['pattern']!r}): {e}") from e
        params = {k: v for k, v in r.items() if k not in ("kind", "pattern", "requires")}
        requires = re.compile(r["requires"], re.IGNORECASE) if "requires" in r else None
        rules.append(Rule(r["kind"], r["pattern"], regex, groups, i, params,
                          mandatory_tables(r["pattern"]), requires))
    token_tables: dict[str, set[str]] = {}
    for name, table in tables.items():
        for entry in table:
            for token in _TOKEN.findall(entry):
                token_tables.setdefault(token, set()).add(name)
    tense = data.get("tense", {})
    flags = re.IGNORECASE

    def clues(name: str) -> list[re.Pattern[str]]:
        return [re.compile(p.replace("'", _APOS), flags) for p in tense.get(name, [])]

    return Grammar(
        language=language,
        words=tables,
        rules=rules,
        token_tables={w: frozenset(t) for w, t in token_tables.items()},
        token_set=frozenset(token_tables),
        filters={k: [norm(x) for x in v] for k, v in data.get("filters", {}).items()},
        past=clues("past"),
        past_weak=clues("past_weak"),
        future=clues("future"),
        future_weak=clues("future_weak"),
        future_before=clues("future_before"),
        not_future=frozenset(norm(x) for x in tense.get("not_future", [])),
    )
