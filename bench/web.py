"""The web app under load: requests/s and latency of story pages and search over a store of
100,000 articles, from a load generator on localhost bounded in time.

The store: ECB+ and RPM2 (972 articles) go through the whole pipeline once; then copies of
them, each copy moved 500 days later than the one before (so copies make new stories, not
one giant story), with its embedding moved a little (Gaussian noise, sigma 0.05), are stored
with their entities and assigned to events and stories by the real online clustering, until
the store holds --articles articles. It is kept (--db) for the next run.

Then ``filrouge serve`` runs in its own process, and --clients threads ask for random story
pages (/stories/ID: summary, timeline, chart, quotes, copies, sources), random searches
(/api/search?q=: hybrid, over the query set of bench/search_queries.jsonl) and the search
page, each for --seconds seconds, a new connection for each request. A story page is made
once per version of the store and kept (256 at most, in each server process): the figures
give the first visits (cold) and the later ones apart.

    python bench/web.py [--articles 100000] [--seconds 20] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx2
import numpy as np

import filrouge
from filrouge.article import PublishedDate

HERE = Path(__file__).resolve().parent
EVAL = HERE.parent.parent / "shared" / "eval" / "data"


def build(db: Path, seed_db: Path, n: int) -> None:
    if not seed_db.exists():
        with filrouge.open(seed_db) as fr:
            print("ingesting ecbplus + rpm2 through the pipeline (once)...", flush=True)
            fr.ingest([EVAL / "ecbplus" / "articles.jsonl", EVAL / "rpm2" / "articles.jsonl"])
    with filrouge.open(seed_db) as seed:
        base = [seed.article(i) for i in seed.store.ids()]
        vectors = seed.store.story_vectors([a.id for a in base])
    rng = np.random.default_rng(7)
    started = time.perf_counter()
    with filrouge.open(db) as fr:
        done = fr.count()
        r = done // len(base)
        while done < n:
            batch = []
            for a in base:
                if done + len(batch) >= n:
                    break
                when = date.fromisoformat(a.published.value[:10]) if a.published and len(a.published.value) >= 10 \
                    else date(2008, 7, 1)
                moved = when + timedelta(days=500 * r)
                v = vectors.get(a.id)
                if v is None:
                    continue
                v = v + rng.normal(0, 0.05, v.shape).astype(np.float32)
                v = (v / np.linalg.norm(v)).astype("<f4")
                batch.append(a.evolve(id=f"{a.id}~{r}", published=PublishedDate(moved.isoformat(), "day", "header"),
                                      embedding=v.tobytes(), path=None, line=None))
            for k in range(0, len(batch), 500):
                part = batch[k:k + 500]
                with fr.store.transaction():
                    fr.store.put_many(part)
                    for a in part:
                        fr.entity_index.add(a)
                    fr.story_index.add(part)
            done += len(batch)
            r += 1
            print(f"\r  {done:,} articles stored ({time.perf_counter() - started:.0f}s)", end="", flush=True)
    print()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(url: str, paths: list[str], seconds: float, clients: int) -> tuple[list[tuple[str, float]], int]:
    """Ask for random paths from ``clients`` threads for ``seconds``: (path, seconds) of each
    answer, and the number of errors."""
    out: list[tuple[str, float]] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def work(k: int) -> None:
        # A new connection for each request, as many browsers make: the server processes
        # each take their share (kept-alive connections stay with the process that took them).
        rnd = random.Random(k)
        with httpx2.Client(base_url=url, timeout=30, limits=httpx2.Limits(max_keepalive_connections=0)) as c:
            while time.perf_counter() < stop:
                p = rnd.choice(paths)
                t = time.perf_counter()
                r = c.get(p)
                dt = time.perf_counter() - t
                with lock:
                    if r.status_code != 200:
                        errors[0] += 1
                    out.append((p, dt))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, errors[0]


def figures(name: str, times: list[float], seconds: float, errors: int) -> dict[str, float | str | int]:
    ms = sorted(1000 * t for t in times)
    if not ms:
        return {"case": name, "requests": 0}
    return {"case": name, "requests": len(ms), "per_second": round(len(ms) / seconds, 1),
            "p50_ms": round(statistics.median(ms), 1), "p99_ms": round(ms[min(len(ms) - 1, int(0.99 * len(ms)))], 1),
            "errors": errors}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2, help="server processes (filrouge serve --workers)")
    ap.add_argument("--db", default=None, help="the store (default /tmp/filrouge-bench/web-N.db)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not EVAL.is_dir():
        print(f"no eval data at {EVAL}", file=sys.stderr)
        return 1
    db = Path(args.db or f"/tmp/filrouge-bench/web-{args.articles}.db")
    db.parent.mkdir(parents=True, exist_ok=True)
    build(db, db.parent / "web-seed.db", args.articles)
    with filrouge.open(db) as fr:
        count = fr.count()
        stories = [s.id for s in fr.store.story_clusters("story")]
    queries = [json.loads(x)["q"] for x in (HERE / "search_queries.jsonl").open(encoding="utf-8") if x.strip()]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "filrouge.cli", "--db", str(db), "serve", "--port", str(port),
                             "--workers", str(args.workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while True:
            try:
                if httpx2.get(url + "/api/stories?limit=1", timeout=60).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                print("the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.5)
        httpx2.get(url + "/api/search", params={"q": "warm up"}, timeout=120)   # loads the vectors once
        rnd = random.Random(1)
        story_paths = [f"/stories/{s}" for s in rnd.sample(stories, min(len(stories), 5000))]
        search_paths = [str(httpx2.URL("/api/search", params={"q": q})) for q in queries]
        page_paths = [str(httpx2.URL("/search", params={"q": q})) for q in queries]
        results = []
        t, errors = load(url, story_paths, args.seconds, args.clients)
        seen: set[str] = set()
        cold, warm = [], []
        for p, dt in t:
            (warm if p in seen else cold).append(dt)
            seen.add(p)
        results.append(figures("story page, all", [dt for _, dt in t], args.seconds, errors))
        results.append(figures("story page, first visit", cold, args.seconds, 0))
        results.append(figures("story page, again", warm, args.seconds, 0))
        t, errors = load(url, search_paths, args.seconds, args.clients)
        results.append(figures("search (API, hybrid)", [dt for _, dt in t], args.seconds, errors))
        t, errors = load(url, page_paths, args.seconds, args.clients)
        results.append(figures("search page", [dt for _, dt in t], args.seconds, errors))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    if args.json:
        print(json.dumps({"articles": count, "stories": len(stories), "workers": args.workers,
                          "clients": args.clients, "results": results}, indent=2))
        return 0
    print(f"{count:,} articles, {len(stories):,} stories; {args.workers} server processes, {args.clients} clients, "
          f"{args.seconds:.0f}s a case")
    for r in results:
        if r.get("requests"):
            print(f"  {r['case']:<26} {r['per_second']:>7} req/s   p50 {r['p50_ms']:>7} ms   p99 {r['p99_ms']:>7} ms"
                  f"   ({r['requests']} requests, {r['errors']} errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
