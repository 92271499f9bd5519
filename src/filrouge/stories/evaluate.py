"""``filrouge eval clustering DIR``: ingest ``DIR/articles.jsonl`` into a fresh store in
stream order (or a shuffled one), then score the events and stories against
``DIR/gold.jsonl`` with BCubed precision / recall / F1 and adjusted mutual information.

>>> round(ami(["a", "a", "b", "b"], ["x", "x", "y", "y"]), 3)
1.0
"""

from __future__ import annotations

import json
import math
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..entities.evaluate import bcubed
from ..errors import FilrougeError
from ..settings import Settings
from . import stream_order


def ami(system: Sequence[str], gold: Sequence[str]) -> float:
    """Adjusted mutual information (Vinh et al. 2010), arithmetic-mean normalisation."""
    n = len(system)
    if n == 0:
        return 0.0
    a, b = Counter(system), Counter(gold)
    joint = Counter(zip(system, gold))
    if len(a) == len(b) == 1 or len(a) == len(b) == n:
        return 1.0
    mi = sum(nij / n * math.log(n * nij / (a[i] * b[j])) for (i, j), nij in joint.items())
    ha = -sum(x / n * math.log(x / n) for x in a.values())
    hb = -sum(x / n * math.log(x / n) for x in b.values())
    lg = math.lgamma
    emi = 0.0
    for ai in a.values():
        for bj in b.values():
            for nij in range(max(1, ai + bj - n), min(ai, bj) + 1):
                term = nij / n * math.log(n * nij / (ai * bj))
                logp = (lg(ai + 1) + lg(bj + 1) + lg(n - ai + 1) + lg(n - bj + 1) - lg(n + 1) - lg(nij + 1)
                        - lg(ai - nij + 1) - lg(bj - nij + 1) - lg(n - ai - bj + nij + 1))
                emi += term * math.exp(logp)
    denom = (ha + hb) / 2 - emi
    return (mi - emi) / denom if abs(denom) > 1e-12 else 0.0


def read_dataset(folder: str | Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    d = Path(folder)
    for name in ("articles.jsonl", "gold.jsonl"):
        if not (d / name).is_file():
            raise FilrougeError(f"{d / name} not found: eval clustering needs DIR/articles.jsonl and DIR/gold.jsonl")
    records = [json.loads(line) for line in (d / "articles.jsonl").open(encoding="utf-8") if line.strip()]
    gold = {}
    for line in (d / "gold.jsonl").open(encoding="utf-8"):
        if line.strip():
            g = json.loads(line)
            gold[g["id"]] = g
    return records, gold


def scores(pairs: dict[str, tuple[str, str]], gold: dict[str, dict[str, str]]) -> dict[str, Any]:
    """BCubed and AMI of (event, story) per article against the gold; an article the
    system does not have counts as a cluster of its own."""
    ids = sorted(gold)
    out: dict[str, Any] = {"articles": len(ids), "missing": sum(i not in pairs for i in ids)}
    for level, k in (("event", 0), ("story", 1)):
        sys_labels = [pairs[i][k] if i in pairs else f"missing:{i}" for i in ids]
        gold_labels = [gold[i][level] for i in ids]
        b = bcubed(sys_labels, gold_labels)
        out[level] = {**{m: round(v, 4) for m, v in b.items()}, "ami": round(ami(sys_labels, gold_labels), 4),
                      "clusters": len(set(sys_labels)), "gold_clusters": len(set(gold_labels))}
    return out


def evaluate(folder: str | Path, settings: Settings | None = None, seed: int | None = None,
             db: str | Path | None = None, on_progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Ingest the dataset into a fresh store (``db``, or a temporary one) in stream order,
    or in a random order given ``seed``, and score the clustering."""
    records, gold = read_dataset(folder)
    with ingested(records, settings, seed, db) as (fr, report, seconds):
        pairs = {a: (e, s or e) for a, e, s, _ in fr.store.story_assignments()}
    out = scores(pairs, gold)
    out.update({"dataset": Path(folder).name, "order": "stream" if seed is None else f"shuffled (seed {seed})",
                "seconds": round(seconds, 1), "articles_per_second": round(report.stored / seconds, 1) if seconds else None})
    return out


@contextmanager
def ingested(records: list[dict[str, Any]], settings: Settings | None = None, seed: int | None = None,
             db: str | Path | None = None) -> Iterator[tuple[Any, Any, float]]:
    """A fresh store (``db``, or a temporary one) with the records ingested in stream
    order, or in a random order given ``seed``: (Filrouge, ingest report, seconds)."""
    from ..api import Filrouge

    ids = [str(r.get("id")) for r in records]
    by_id = {str(r.get("id")): r for r in records}
    if seed is None:
        order = stream_order(ids, {i: by_id[i].get("published") for i in ids})
    else:
        order = ids[:]
        random.Random(seed).shuffle(order)
    with tempfile.TemporaryDirectory(prefix="filrouge-eval-") as tmp:
        path = Path(db) if db else Path(tmp) / "eval.db"
        if path.exists():
            raise FilrougeError(f"{path} already exists: an evaluation needs a fresh database")
        stream = Path(tmp) / "stream.jsonl"
        with stream.open("w", encoding="utf-8") as f:
            for i in order:
                f.write(json.dumps(by_id[i], ensure_ascii=False) + "\n")
        started = time.perf_counter()
        with Filrouge(path, settings) as fr:
            report = fr.ingest([stream])
            yield fr, report, time.perf_counter() - started
