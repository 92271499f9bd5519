"""``filrouge eval timeline DIR`` and ``filrouge eval summary DIR``.

Timelines are scored as tilse defines it (Martschat & Markert 2017, 2018): **Date F1**
on the set of dates, and **alignment-based ROUGE** (AR-1, AR-2: tilse's ``align+ m:1``):
each predicted date is matched to the reference date of least cost, the cost being the
date distance factor ``1 - 1/(|d - d'| + 1)`` times ``1 - `` an approximate ROUGE-1 F of
the two days' texts; the day's ROUGE hits count with weight ``1/(|d - d'| + 1)``. Recall
is the same from the reference side. Tokens are stemmed and function words dropped, as
tilse sets ROUGE for timelines. The setup is the standard one of news-tls (Gholipour
Ghalandari & Ifrim 2020): as many dates as the reference, as many sentences per date as
its average (rounded), dates kept within the reference's first and last day.

Summaries are scored with ROUGE-1, -2 and -L F (stems, no stop list) of the first 100
words against every human summary of the cluster, averaged over clusters.

>>> tl = {date(2011, 1, 25).toordinal(): ["Manifestation au Caire ."]}
>>> date_f1(tl, tl)["f"]
1.0
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import FilrougeError
from ..settings import Settings
from ..stories.evaluate import ingested, read_dataset
from . import Source, TellSettings, _pub_day, centroid_baseline, lead_baseline, summarize, timeline
from .rouge import Rouge, prf, truncate_words

Timeline = dict[int, list[str]]   # day ordinal → sentences

_DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_timeline(path: Path) -> Timeline:
    """A tilse-format timeline: a ``YYYY-MM-DD`` line, its sentences, a dashed line."""
    out: Timeline = {}
    day: int | None = None
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if _DATE_LINE.match(line):
            day = date.fromisoformat(line).toordinal()
            out.setdefault(day, [])
        elif line.startswith("---") or not line:
            day = None
        elif day is not None:
            out[day].append(line)
    return {d: s for d, s in out.items() if s}


def date_f1(pred: Timeline, ref: Timeline) -> dict[str, float]:
    hit = len(set(pred) & set(ref))
    return prf(hit, len(pred), len(ref))


def _approx_r1(pred: list[str], ref: list[str]) -> float:
    """tilse's cheap ROUGE-1 F on whitespace tokens, used only to align dates."""
    pc = Counter(t for s in pred for t in s.split())
    rc = Counter(t for s in ref for t in s.split())
    if not pc or not rc:
        return 0.0
    return prf(sum((pc & rc).values()), pc.total(), rc.total())["f"]


def align_rouge(pred: Timeline, ref: Timeline, rouge: Rouge) -> dict[str, dict[str, float]]:
    """AR-1 and AR-2 (tilse's align+ m:1) of one predicted timeline against one reference."""
    if not pred or not ref:
        return {m: prf(0, 0, 0) for m in ("rouge_1", "rouge_2")}
    pd, rd = sorted(pred), sorted(ref)
    content = np.array([[_approx_r1(pred[p], ref[r]) for r in rd] for p in pd])
    dist = np.abs(np.array(pd)[:, None] - np.array(rd)[None, :])
    cost = (1 - 1 / (dist + 1)) * (1 - content)
    num = {1: 0.0, 2: 0.0}
    pden = {1: 0.0, 2: 0.0}
    rnum = {1: 0.0, 2: 0.0}
    rden = {1: 0.0, 2: 0.0}
    for i, p in enumerate(pd):                    # precision: each predicted date
        j = int(np.argmin(cost[i]))
        c = rouge.counts(pred[p], [ref[rd[j]]])
        for n in (1, 2):
            hits, cand, _ = c[f"rouge_{n}"]
            num[n] += hits / float(dist[i, j] + 1)
            pden[n] += cand
    for j, r in enumerate(rd):                    # recall: each reference date
        i = int(np.argmin(cost[:, j]))
        c = rouge.counts(pred[pd[i]], [ref[r]])
        for n in (1, 2):
            hits, _, refc = c[f"rouge_{n}"]
            rnum[n] += hits / float(dist[i, j] + 1)
            rden[n] += refc
    out = {}
    for n in (1, 2):
        p = num[n] / pden[n] if pden[n] else 0.0
        r = rnum[n] / rden[n] if rden[n] else 0.0
        out[f"rouge_{n}"] = {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}
    return out


def concat_rouge(pred: Timeline, ref: Timeline, rouge: Rouge) -> dict[str, dict[str, float]]:
    c = rouge.counts([s for d in sorted(pred) for s in pred[d]], [[s for d in sorted(ref) for s in ref[d]]])
    return {m: prf(*v) for m, v in c.items()}


def score_timeline(pred: Timeline, ref: Timeline, rouge: Rouge) -> dict[str, Any]:
    ar = align_rouge(pred, ref, rouge)
    cr = concat_rouge(pred, ref, rouge)
    return {"date_f1": date_f1(pred, ref)["f"], "ar1_f": ar["rouge_1"]["f"], "ar2_f": ar["rouge_2"]["f"],
            "concat_r1_f": cr["rouge_1"]["f"], "concat_r2_f": cr["rouge_2"]["f"],
            "dates": len(pred), "reference_dates": len(ref)}


def _sources(fr: Any, ids: Sequence[str]) -> list[Source]:
    """The stored ones of ``ids`` (an article the ingest rejected is simply absent)."""
    stored = set(fr.store.content_hashes(ids))
    return fr.sources([i for i in ids if i in stored])


def baseline_timeline(sources: Sequence[Source], dates: int, sentences: int, span: tuple[int, int]) -> Timeline:
    """The most-published days (copies once), each with the first sentences of its
    articles."""
    by_day: dict[int, list[Source]] = {}
    for s in sources:
        d = _pub_day(s.article)
        if d is not None and span[0] <= d <= span[1]:
            by_day.setdefault(d, []).append(s)
    ranked = sorted(by_day, key=lambda d: (-len({s.group for s in by_day[d]}), d))[:dates]
    out: Timeline = {}
    for d in ranked:
        firsts = [a for s in by_day[d] for a in s.article.sentence_texts()[:1]]
        firsts += [a for s in by_day[d] for a in s.article.sentence_texts()[1:sentences]]
        out[d] = firsts[:sentences]
    return out


def evaluate_timelines(folder: str | Path, settings: Settings | None = None, db: str | Path | None = None,
                       on_progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    d = Path(folder)
    refs = sorted((d / "timelines").glob("*.txt")) if (d / "timelines").is_dir() else []
    if not refs:
        raise FilrougeError(f"{d / 'timelines'} has no *.txt timelines: eval timeline needs DIR/timelines/<story>.txt")
    records, gold = read_dataset(folder)
    tell = (settings or Settings.load()).tell
    with ingested(records, settings, None, db) as (fr, _report, seconds):
        out = timeline_scores(fr, refs, gold, tell, on_progress)
    out.update({"dataset": d.name, "ingest_seconds": round(seconds, 1)})
    return out


def timeline_scores(fr: Any, refs: Sequence[Path], gold: dict[str, dict[str, str]], tell: TellSettings,
                    on_progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Scores of filrouge's timelines and of the baseline, per story and averaged."""
    rouge = Rouge("fr", stopwords=True)
    out: dict[str, Any] = {"stories": {}}
    for path in refs:
        name = path.stem
        ref = read_timeline(path)
        ids = [i for i, g in gold.items() if g["story"] == name]
        sources = _sources(fr, ids)
        k = max(1, round(statistics.mean(len(s) for s in ref.values())))
        span = (min(ref), max(ref))
        if on_progress:
            on_progress(f"{name}: {len(sources)} articles, {len(ref)} reference dates, {k} sentences a date")
        entries = timeline(sources, tell, dates=len(ref), sentences=k, granularities=("day",), span=span,
                           background=fr.background())
        pred = {date.fromisoformat(e.date).toordinal(): [s.text for s in e.sentences] for e in entries}
        base = baseline_timeline(sources, len(ref), k, span)
        out["stories"][name] = {"articles": len(sources), "filrouge": score_timeline(pred, ref, rouge),
                                "baseline": score_timeline(base, ref, rouge)}
    for system in ("filrouge", "baseline"):
        out[system] = {m: round(statistics.mean(s[system][m] for s in out["stories"].values()), 4)
                       for m in ("date_f1", "ar1_f", "ar2_f", "concat_r1_f", "concat_r2_f")}
    return out


_SUMMARY_FILE = re.compile(r"^(?P<cluster>.+)_A(?P<n>\d+)$")


def read_summaries(folder: Path) -> dict[str, list[list[str]]]:
    """Cluster → its human summaries (``<cluster>_A<n>.txt``), each as one text."""
    out: dict[str, list[list[str]]] = {}
    for p in sorted(folder.glob("*.txt")):
        m = _SUMMARY_FILE.match(p.stem)
        if m:
            out.setdefault(m["cluster"], []).append([p.read_text(encoding="utf-8-sig").strip()])
    return out


def evaluate_summaries(folder: str | Path, settings: Settings | None = None, db: str | Path | None = None,
                       words: int = 100, on_progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    d = Path(folder)
    refs = read_summaries(d / "summaries") if (d / "summaries").is_dir() else {}
    if not refs:
        raise FilrougeError(f"{d / 'summaries'} has no <cluster>_A<n>.txt files: eval summary needs DIR/summaries")
    records, gold = read_dataset(folder)
    tell = (settings or Settings.load()).tell
    with ingested(records, settings, None, db) as (fr, _report, seconds):
        out = summary_scores(fr, refs, [str(r.get("id")) for r in records], gold, tell, words,
                             on_progress=on_progress)
    out.update({"dataset": d.name, "ingest_seconds": round(seconds, 1)})
    return out


def summary_scores(fr: Any, refs: dict[str, list[list[str]]], file_order: Sequence[str],
                   gold: dict[str, dict[str, str]], tell: TellSettings, words: int = 100,
                   on_progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """ROUGE of filrouge's summaries and of the two baselines, per gold event and averaged."""
    events: dict[str, list[str]] = {}
    for i in file_order:
        if i in gold:
            events.setdefault(gold[i]["event"].replace("-", "_"), []).append(i)
    rouge = Rouge("fr")
    background = fr.background()
    systems = ("filrouge", "lead", "centroid")
    per: dict[str, dict[str, Any]] = {}
    for cluster, summaries in refs.items():
        ids = events.get(cluster)
        if not ids:
            raise FilrougeError(f"summaries for '{cluster}' but no gold event of that name")
        sources = _sources(fr, ids)
        texts = {
            "filrouge": [c.text for c in summarize(sources, tell, words=words, background=background)],
            "lead": lead_baseline(sources, 30),
            "centroid": centroid_baseline(sources, words, background),
        }
        per[cluster] = {}
        for system, sents in texts.items():
            sc = rouge.score(truncate_words(sents, words), summaries)
            per[cluster][system] = {m: round(v["f"], 4) for m, v in sc.items()}
        if on_progress:
            on_progress(f"{cluster}: " + ", ".join(f"{s} R-2 {per[cluster][s]['rouge_2']:.3f}" for s in systems))
    out: dict[str, Any] = {"clusters": per, "words": words}
    for system in systems:
        out[system] = {m: round(statistics.mean(c[system][m] for c in per.values()), 4)
                       for m in ("rouge_1", "rouge_2", "rouge_l")}
    best = max(out["lead"]["rouge_2"], out["centroid"]["rouge_2"])
    out["rouge_2_gain"] = round(out["filrouge"]["rouge_2"] / best - 1, 4) if best else None
    return out
