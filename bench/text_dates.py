"""What dates do to the clustering targets: the settings of default.toml run on each eval
set's features as they are, then without the dates the text names (the days and years an
article names and the dates of its happening; its publication date kept), then without any
date (its publication date left out too).

    python bench/text_dates.py [--cache /tmp/filrouge-tune] [--gap 14]

The features are bench/tune_clusters.py's (each eval set ingested once into ``--cache``);
the clusterer runs online in stream order, then consolidates, as ``eval clustering`` does.
The settings are not tuned again without the dates: this shows what the fitted date
signals do, not the best that could be done without them (``tune_clusters.py
--without-dates text|all`` tunes them again).

ecbplus gives no publication dates; ours come from the first lines of its pages
("WEDNESDAY, MARCH 4, 2009"). Its gold events are the halves of its topics (ECB and ECB+),
and a half may hold several happenings of its kind: Lindsay Lohan entering the Betty Ford
Center (3 May 2013) and leaving it for a Malibu clinic (13 June), the Kraft shooting
(September 2010) and the trial two years later. rpm2's two events of each story are the
same story a month apart. Dates are what tells rpm2's events apart, and what cuts
ecbplus's halves into their happenings. With ``--gap DAYS`` it also scores the events (as
is) against each gold event cut wherever its articles' publication dates leave more than DAYS
days between them (undated articles stay with the largest part): the gold as it would be with
one happening per event.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tune_clusters import DATA, TARGETS, clustered, load, without_dates

from filrouge.entities.evaluate import bcubed
from filrouge.settings import Settings


def cut_at_gaps(feats: list, gold: dict, gap: float) -> dict[str, str]:
    """Each article's gold event, cut where its dated articles leave more than ``gap`` days
    between them; the undated ones stay with the event's largest part."""
    members: dict[str, list] = {}
    for f in feats:
        members.setdefault(gold[f.id]["event"], []).append(f)
    out = {}
    for event, fs in members.items():
        dated = sorted((f for f in fs if f.day is not None), key=lambda f: f.day)
        parts: list[list] = []
        for f in dated:
            if not parts or f.day - parts[-1][-1].day > gap:
                parts.append([])
            parts[-1].append(f)
        largest = max(range(len(parts)), key=lambda k: len(parts[k]), default=0)
        for k, part in enumerate(parts):
            for f in part:
                out[f.id] = f"{event}/{k}"
        for f in fs:
            if f.day is None:
                out[f.id] = f"{event}/{largest}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/filrouge-tune"),
                    help="where each eval set is ingested once (tune_clusters.py's cache)")
    ap.add_argument("--gap", type=float,
                    help="also score events against the gold cut at date gaps of more than GAP days")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    settings = Settings.load().stories
    print(f"{'eval set':14} {'level':6} {'target':>6} {'as is':>6} {'no text dates':>14} {'no dates':>9}")
    for name, levels in TARGETS.items():
        if not (DATA / name).is_dir():
            print(f"{name}: {DATA / name} not found, skipped")
            continue
        feats, gold = load(name, args.cache)
        topics = {g["story"] for g in gold.values()}
        finals = [clustered(without_dates(feats, which), gold, settings, topics) for which in (None, "text", "all")]
        ids = sorted(finals[0])
        for k, level in enumerate(("event", "story")):
            target = "yes" if level in levels else ""
            f1s = [bcubed([final[i][k] for i in ids], [gold[i][level] for i in ids])["f1"] for final in finals]
            print(f"{name:14} {level:6} {target:>6} " + " ".join(f"{f:{w}.3f}" for f, w in zip(f1s, (6, 14, 9))))
        if args.gap is not None and "event" in levels:   # ml-crisis-fr's gold events are its stories
            labels = cut_at_gaps(feats, gold, args.gap)
            n, cut = len({g["event"] for g in gold.values()}), len(set(labels.values()))
            r = bcubed([finals[0][i][0] for i in ids], [labels[i] for i in ids])   # the events as they are
            print(f"{name:14} events against the gold cut at {args.gap:g}-day gaps ({n} events become {cut}): "
                  f"F1 {r['f1']:.3f} (P {r['precision']:.3f}, R {r['recall']:.3f})")


if __name__ == "__main__":
    main()
