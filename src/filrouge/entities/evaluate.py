"""``filrouge eval entities``: entities and quotations against a hand-written gold file.

The gold (``sample/gold/entities.json``, see its README) gives, per article, every mention
with its offsets, type and gold entity, and every quotation by its first words with its
speaker. The corpus is ingested through the full pipeline into a fresh database, then:

- **NER**: precision, recall, F1 per type, a mention counting when its span and type are
  exactly the gold's (and span only, type aside);
- **alias merge**: BCubed precision, recall, F1 of the canonical entities over the mentions
  whose span was found (each mention's system entity against its gold entity, corpus-wide);
- **quotations**: a direct quotation is found when its text starts with the gold's first
  words; speaker accuracy is over the quotations found (the speaker's canonical entity is
  mapped to the gold entity most of its mentions carry; no speaker must match no speaker).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ..errors import FilrougeError

TYPES = ("PER", "LOC", "ORG", "MISC")


def _prf(tp: int, n_sys: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "gold": n_gold,
            "system": n_sys, "correct": tp}


def bcubed(system: list[str], gold: list[str]) -> dict[str, float]:
    """BCubed precision, recall and F1 of a clustering (one label per item in each list).

    >>> bcubed(["a", "a", "b"], ["x", "x", "x"])["precision"]
    1.0
    """
    n = len(system)
    if n == 0:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    by_sys: dict[str, list[int]] = defaultdict(list)
    by_gold: dict[str, list[int]] = defaultdict(list)
    for i, (s, g) in enumerate(zip(system, gold)):
        by_sys[s].append(i)
        by_gold[g].append(i)
    p = sum(sum(gold[j] == gold[i] for j in by_sys[system[i]]) / len(by_sys[system[i]]) for i in range(n)) / n
    r = sum(sum(system[j] == system[i] for j in by_gold[gold[i]]) / len(by_gold[gold[i]]) for i in range(n)) / n
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.replace("’", "'").casefold()))


def evaluate(gold_path: str | Path, corpus: str | Path | None = None) -> dict[str, Any]:
    from ..api import Filrouge

    gold_path = Path(gold_path)
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        gold_articles = gold["articles"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise FilrougeError(f"{gold_path}: not a gold entities file ({e})") from None
    corpus = Path(corpus) if corpus else gold_path.parent.parent / "corpus"
    if not corpus.exists():
        raise FilrougeError(f"no corpus at {corpus}: give the annotated articles with --corpus DIR")
    with tempfile.TemporaryDirectory() as tmp:
        fr = Filrouge(Path(tmp) / "eval.db")
        fr.ingest([corpus])
        shown = {}
        for art in gold_articles:
            try:
                shown[art["id"]] = fr.show(art["id"])
            except FilrougeError:
                shown[art["id"]] = None
        fr.close()
    errors: list[dict[str, Any]] = []
    counts = {t: [0, 0, 0] for t in (*TYPES, "all", "span")}  # correct, system, gold
    merge_sys: list[str] = []
    merge_gold: list[str] = []
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    n_sys = 0
    for art in gold_articles:
        data = shown[art["id"]]
        if data is None:
            errors.append({"article": art["id"], "kind": "article not ingested"})
        sys_mentions = data["entities"] if data else []
        n_sys += len(sys_mentions)
        by_span = {(m["start"], m["end"]): m for m in sys_mentions}
        gold_spans = {(m["start"], m["end"]): m for m in art["mentions"]}
        for m in sys_mentions:
            counts[m["type"]][1] += 1
            counts["all"][1] += 1
            counts["span"][1] += 1
        for g in art["mentions"]:
            counts[g["type"]][2] += 1
            counts["all"][2] += 1
            counts["span"][2] += 1
            s = by_span.get((g["start"], g["end"]))
            if s is None:
                errors.append({"article": art["id"], "kind": "missed", "text": g["text"], "type": g["type"],
                               "start": g["start"]})
                continue
            counts["span"][0] += 1
            merge_sys.append(s["entity_id"] or f"{art['id']}:{s['start']}")
            merge_gold.append(g["entity"])
            votes[s["entity_id"] or ""][g["entity"]] += 1
            if s["type"] == g["type"]:
                counts[g["type"]][0] += 1
                counts["all"][0] += 1
            else:
                errors.append({"article": art["id"], "kind": "mistyped", "text": g["text"], "type": g["type"],
                               "system": s["type"]})
        for (st, en), s in by_span.items():
            if (st, en) not in gold_spans:
                errors.append({"article": art["id"], "kind": "spurious", "text": s["text"], "type": s["type"],
                               "start": st})
    # Quotations.
    to_gold = {e: c.most_common(1)[0][0] for e, c in votes.items() if c}
    q_gold = q_sys = q_found = q_right = 0
    indirect = 0
    for art in gold_articles:
        data = shown[art["id"]]
        system = [q for q in (data["quotes"] if data else []) if q["direct"]]
        indirect += sum(1 for q in (data["quotes"] if data else []) if not q["direct"])
        q_sys += len(system)
        used: set[int] = set()
        for g in art.get("quotes", []):
            q_gold += 1
            want = _norm(g["starts"])
            hit = next((i for i, q in enumerate(system) if i not in used and _norm(q["text"]).startswith(want)), None)
            if hit is None:
                errors.append({"article": art["id"], "kind": "quote missed", "text": g["starts"]})
                continue
            used.add(hit)
            q_found += 1
            sid = system[hit]["speaker_id"]
            said = to_gold.get(sid) if sid else None
            if said == g["speaker"]:
                q_right += 1
            else:
                errors.append({"article": art["id"], "kind": "wrong speaker", "text": g["starts"],
                               "gold": g["speaker"], "system": system[hit]["speaker"], "system_id": sid})
        for i, q in enumerate(system):
            if i not in used:
                errors.append({"article": art["id"], "kind": "quote spurious", "text": q["text"][:60]})
    quotes = _prf(q_found, q_sys, q_gold)
    quotes.update({"matched": q_found, "speaker_accuracy": q_right / q_found if q_found else 0.0,
                   "indirect_found": indirect})
    merge = bcubed(merge_sys, merge_gold)
    merge.update({"mentions": len(merge_sys), "gold_entities": len(set(merge_gold)),
                  "system_entities": len(set(merge_sys))})
    return {
        "articles": len(gold_articles), "gold_mentions": counts["all"][2], "system_mentions": n_sys,
        "ner": {t: _prf(*counts[t]) for t in (*TYPES, "all", "span")},
        "merge": merge, "quotes": quotes, "errors": errors,
    }
