"""Score the temporal tagger against ISO-TimeML documents (inline TIMEX3, creation time in DCT).

Metrics follow TempEval-3: extents matched strictly (same offsets) and relaxed (overlap, one
to one); type accuracy over relaxed matches; *value* precision and recall count the relaxed
matches whose normalised value is right, over the system's and the gold's mentions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FilrougeError
from .tagger import tagger

_TIMEX_OR_TAG = re.compile(r"<TIMEX3([^>]*)>(.*?)</TIMEX3>|<[^>]+>", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_DCT = re.compile(r"<DCT>.*?<TIMEX3([^>]*)/?>", re.DOTALL)


@dataclass
class Timex:
    start: int
    end: int
    type: str
    value: str
    text: str


@dataclass
class Document:
    name: str
    dct: str | None
    text: str
    gold: list[Timex]


def read_tml(path: str | Path) -> Document:
    """A TimeML file as plain text with its gold TIMEX3 spans (entities unescaped)."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise FilrougeError(f"{p}: cannot read TimeML file ({e})") from e
    m = _DCT.search(raw)
    dct = dict(_ATTR.findall(m.group(1))).get("value") if m else None
    try:
        body = raw[raw.index("<TEXT>") + len("<TEXT>"):raw.index("</TEXT>")]
    except ValueError as e:
        raise FilrougeError(f"{p}: no <TEXT> element") from e
    text_parts: list[str] = []
    gold: list[Timex] = []
    length = 0
    pos = 0
    for t in _TIMEX_OR_TAG.finditer(body):
        chunk = html.unescape(body[pos:t.start()])
        text_parts.append(chunk)
        length += len(chunk)
        if t.group(2) is not None:
            inner = html.unescape(re.sub(r"<[^>]+>", "", t.group(2)))
            attrs = dict(_ATTR.findall(t.group(1)))
            gold.append(Timex(length, length + len(inner), attrs.get("type", ""), attrs.get("value", ""), inner))
            text_parts.append(inner)
            length += len(inner)
        pos = t.end()
    text_parts.append(html.unescape(body[pos:]))
    return Document(p.stem, dct, "".join(text_parts), gold)


def tml_files(folder: str | Path) -> list[Path]:
    p = Path(folder)
    if p.is_file():
        return [p]
    files = sorted(p.glob("*.tml"))
    if not files:
        raise FilrougeError(f"{p}: no .tml files found")
    return files


def held_out(files: list[Path]) -> list[Path]:
    """The documents kept aside while developing: every third one, by name."""
    return [f for i, f in enumerate(sorted(files)) if i % 3 == 2]


@dataclass
class Score:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    type_ok: int = 0
    value_ok: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _prf(hit: int, system: int, gold: int) -> dict[str, float]:
        p = hit / system if system else 0.0
        r = hit / gold if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "system": self.system,
            "strict": self._prf(self.strict, self.system, self.gold),
            "relaxed": self._prf(self.relaxed, self.system, self.gold),
            "type_accuracy": round(self.type_ok / self.relaxed, 4) if self.relaxed else 0.0,
            "type": self._prf(self.type_ok, self.system, self.gold),
            "value": self._prf(self.value_ok, self.system, self.gold),
        }


def same_value(system: str, gold: str) -> bool:
    """Values equal up to notation: TimeBank writes the 1960s "196X" where TimeML has "196"."""
    return system == gold or (len(gold) == 4 and gold.endswith("X") and system == gold[:3])


def score_documents(docs: Iterable[Document], language: str = "fr") -> Score:
    t = tagger(language)
    sc = Score()
    for doc in docs:
        system = t.tag(doc.text, doc.dct)
        sc.gold += len(doc.gold)
        sc.system += len(system)
        used: set[int] = set()
        for g in doc.gold:
            match = None
            for i, s in enumerate(system):
                overlaps = i not in used and s.start < g.end and g.start < s.end
                if overlaps and (match is None or (s.start, s.end) == (g.start, g.end)):
                    match = i
            if match is None:
                sc.errors.append({"doc": doc.name, "kind": "missed", "gold": g.text, "gold_value": g.value})
                continue
            used.add(match)
            s = system[match]
            sc.relaxed += 1
            strict = (s.start, s.end) == (g.start, g.end)
            sc.strict += strict
            sc.type_ok += s.type == g.type
            sc.value_ok += same_value(s.base_value, g.value)
            if not strict or s.type != g.type or not same_value(s.base_value, g.value):
                sc.errors.append({"doc": doc.name, "kind": "mismatch", "gold": g.text, "system": s.text,
                                  "gold_type": g.type, "type": s.type,
                                  "gold_value": g.value, "value": s.base_value})
        for i, s in enumerate(system):
            if i not in used:
                ctx = doc.text[max(0, s.start - 30):s.end + 20].replace("\n", " ")
                sc.errors.append({"doc": doc.name, "kind": "spurious", "system": s.text, "value": s.value,
                                  "context": ctx})
    return sc


def evaluate(folder: str | Path, language: str = "fr", part: str = "all") -> dict[str, Any]:
    """Scores on the TimeML files of ``folder``: ``part`` is ``all``, ``dev`` or ``held-out``."""
    files = tml_files(folder)
    aside = set(held_out(files))
    chosen = {"all": files, "held-out": [f for f in files if f in aside],
              "dev": [f for f in files if f not in aside]}[part]
    sc = score_documents((read_tml(f) for f in chosen), language)
    out = sc.as_dict()
    out.update({"documents": len(chosen), "part": part, "errors": sc.errors})
    return out
