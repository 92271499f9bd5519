"""How far the eval sets let each method go: oracle ceilings next to our figures.

    filrouge --db /tmp/ecb.db eval clustering ../shared/eval/data/ecbplus
    python bench/ceilings.py clustering /tmp/ecb.db ../shared/eval/data/ecbplus

    filrouge --db /tmp/crisis.db eval timeline ../shared/eval/data/ml-crisis-fr
    python bench/ceilings.py timeline /tmp/crisis.db ../shared/eval/data/ml-crisis-fr

Both read a store an evaluation kept (``--db``) and change nothing in it.

- clustering: event BCubed of the stored partition; the same with perfect precision (each
  event cut along the gold events: what no wrong merge would give, the recall left as it
  is); and each gold event the partition splits, with the days its dated articles span
  (a span past the level's ``max_apart`` cannot be one event online).
- timeline: Date F1 and AR-1 F (tilse, as ``eval timeline`` scores them) of our
  timelines, then three oracles that know the reference: our dates with the best
  sentences for each date we got right; the reference dates the articles name or were
  published on, with the best of the sentences a timeline may tell for them (those that
  name the day, the lead sentences of that day's and the next day's articles); and every
  reference date with the best sentences of the whole story, dated or not. "Best" is a
  greedy choice of as many sentences as the setup allows, by ROUGE-1 F against the
  reference's sentences for that date. The last is the ceiling of any extractive method
  that could date every sentence; the second, of one that dates a sentence by the day it
  names or the day it was published.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from filrouge.api import Filrouge
from filrouge.settings import Settings
from filrouge.stories.evaluate import read_dataset, scores
from filrouge.tell import Unit, timeline, units
from filrouge.tell.evaluate import Timeline, _sources, align_rouge, date_f1, read_timeline
from filrouge.tell.rouge import Rouge, prf


def clustering(db: Path, folder: Path) -> None:
    _, gold = read_dataset(folder)
    settings = Settings.load()
    with Filrouge(db) as fr:
        pairs = {a: (e, s or e) for a, e, s, _ in fr.store.story_assignments()}
        published = {a.id: a.published for a in fr.store.iter_articles()}
    ours = scores(pairs, gold)["event"]
    cut = {a: (f"{e}|{gold[a]['event']}" if a in gold else e, s) for a, (e, s) in pairs.items()}
    exact = scores(cut, gold)["event"]
    print(f"{folder.name} events: ours P {ours['precision']:.3f} R {ours['recall']:.3f} F1 {ours['f1']:.3f}")
    print(f"  with no wrong merge (each event cut along the gold): P {exact['precision']:.3f} "
          f"R {exact['recall']:.3f} F1 {exact['f1']:.3f}")
    parts: dict[str, Counter[str]] = defaultdict(Counter)
    days: dict[str, list[int]] = defaultdict(list)
    for a, g in gold.items():
        parts[g["event"]][pairs[a][0] if a in pairs else f"missing:{a}"] += 1
        p = published.get(a)
        if p is not None and not p.guessed and p.granularity == "day":
            days[g["event"]].append(date.fromisoformat(p.value[:10]).toordinal())
    split = {g: c for g, c in parts.items() if len(c) > 1}
    apart = settings.stories.event.max_apart
    print(f"  gold events split: {len(split)} of {len(parts)} (event max_apart {apart:g} days)")
    for g, c in sorted(split.items(), key=lambda kv: max(kv[1].values()) - sum(kv[1].values())):
        d = days.get(g, [])
        span = f"dated articles span {max(d) - min(d)} days" if len(d) > 1 else "undated"
        print(f"    {g}: {sum(c.values())} articles in {sorted(c.values(), reverse=True)}; {span}")


def _oracle(cands: list[Unit], ref: Counter[str], k: int, tokens: dict[str, Counter[str]]) -> list[str]:
    """Up to ``k`` candidates, taken greedily by ROUGE-1 F of what is taken against ``ref``."""
    pick: list[str] = []
    have: Counter[str] = Counter()
    best_f = 0.0
    texts = list(dict.fromkeys(u.text for u in cands))
    for _ in range(k):
        best = None
        for t in texts:
            if t in pick:
                continue
            both = have + tokens[t]
            f = prf(sum((both & ref).values()), both.total(), ref.total())["f"]
            if best is None or f > best[0]:
                best = (f, t)
        if best is None or (pick and best[0] <= best_f):
            break
        best_f = best[0]
        pick.append(best[1])
        have += tokens[best[1]]
    return pick


def _told(dated: list[Unit], d: int, lead: int) -> list[Unit]:
    """The sentences a timeline may tell for day ``d`` (as :func:`filrouge.tell.timeline`
    gathers them): those that name it, and the lead sentences without a date of the
    articles published that day or the next."""
    iso = date.fromordinal(d).isoformat()
    return [u for u in dated if (iso, "day") in u.dates or (u.index < lead and not u.dates and u.day in (d, d + 1))]


def timelines(db: Path, folder: Path) -> None:
    _, gold = read_dataset(folder)
    tell = Settings.load().tell
    rouge = Rouge("fr", stopwords=True)
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    with Filrouge(db) as fr:
        for path in sorted((folder / "timelines").glob("*.txt")):
            name = path.stem
            ref = read_timeline(path)
            sources = _sources(fr, [i for i, g in gold.items() if g["story"] == name])
            k = max(1, round(statistics.mean(len(s) for s in ref.values())))
            entries = timeline(sources, tell, dates=len(ref), sentences=k, granularities=("day",),
                               span=(min(ref), max(ref)), background=fr.background())
            pred: Timeline = {date.fromisoformat(e.date).toordinal(): [s.text for s in e.sentences] for e in entries}
            dated = units(sources, tell, dated_or_lead=tell.publication_lead)
            every = units(sources, tell, lead=10**6)
            tokens = {u.text: Counter(rouge.tokens(u.text)) for u in every + dated}
            ref_tokens = {d: Counter(t for s in ss for t in rouge.tokens(s)) for d, ss in ref.items()}

            lead = tell.publication_lead
            ours_best = {d: (_oracle(_told(dated, d, lead), ref_tokens[d], k, tokens) or s) if d in ref else s
                         for d, s in pred.items()}
            reachable = {d: p for d in ref if (p := _oracle(_told(dated, d, lead), ref_tokens[d], k, tokens))}
            anywhere = {d: _oracle(every, ref_tokens[d], k, tokens) for d in ref}
            rows[name] = {}
            for label, tl in (("ours", pred), ("our dates, best sentences", ours_best),
                              ("reachable dates, best sentences", reachable),
                              ("every date, best sentence of the story", anywhere)):
                rows[name][label] = (date_f1(tl, ref)["f"], align_rouge(tl, ref, rouge)["rouge_1"]["f"])
            print(f"{name}: {len(sources)} articles, {len(ref)} reference dates, {k} sentences a date, "
                  f"{len(reachable)} reachable", file=sys.stderr)
    labels = list(next(iter(rows.values())))
    names = list(rows)
    print(f"{'':40} " + " ".join(f"{n:>13}" for n in names) + f" {'mean':>13}")
    print(f"{'(Date F1 / AR-1 F)':40}")
    for label in labels:
        cells = [rows[n][label] for n in names]
        mean = (statistics.mean(c[0] for c in cells), statistics.mean(c[1] for c in cells))
        print(f"{label:40} " + " ".join(f"{c[0]:6.3f}/{c[1]:.3f}" for c in cells + [mean]))
    print(json.dumps({n: {lb: {"date_f1": round(v[0], 4), "ar1_f": round(v[1], 4)} for lb, v in r.items()}
                      for n, r in rows.items()}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("clustering", "timeline"))
    ap.add_argument("db", type=Path, help="a store an evaluation kept (filrouge --db DB eval ...)")
    ap.add_argument("folder", type=Path, help="the eval set (../shared/eval/data/<set>)")
    a = ap.parse_args()
    if not a.db.exists():
        sys.exit(f"{a.db}: no such store (run filrouge --db {a.db} eval {a.what} {a.folder} first)")
    (clustering if a.what == "clustering" else timelines)(a.db, a.folder)


if __name__ == "__main__":
    main()
