"""Copy detection: quality on a generated gold set, and speed at scale.

    python bench/copies.py --quality          # pair precision / recall, dev and test halves
    python bench/copies.py --sweep            # the threshold grid on the dev half (how the defaults were chosen)
    python bench/copies.py --speed [--n 1000000] [--queries 20000]
    python bench/copies.py --minhash          # rensa against datasketch on the same shingles

Quality: ``copygen.build`` makes copies of the eval articles the way outlets do (see its
docstring); every article goes through the whole ingest pipeline into a fresh SQLite store,
and the copy groups found are scored as pairs against the gold groups. Settings were chosen
with ``--sweep`` on the dev half (seed 1, one half of the originals) and are reported on the
test half (seed 2, the other half), which the sweep never sees.

Speed: a generated corpus of ``--n`` articles is bulk-loaded into the index (signatures and
LSH bands in SQLite), then a stream of ``--queries`` new articles (a tenth of them copies of
indexed ones) is timed through signature + index lookup + exact check of the candidates.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import copygen

import filrouge
from filrouge.settings import Settings


# ---------------------------------------------------------------------------- quality
def _ingest(gold: copygen.Gold, settings: Settings, folder: str) -> filrouge.Filrouge:
    fr = filrouge.open(Path(folder) / "copies.db", settings)
    fr.ingest_records(gold.records, origin="copygen")
    return fr


def _pairs(groups: list[list[str]] | list[set[str]]) -> set[frozenset[str]]:
    out: set[frozenset[str]] = set()
    for g in groups:
        out |= {frozenset(p) for p in itertools.combinations(sorted(g), 2)}
    return out


def score(gold: copygen.Gold, predicted: set[frozenset[str]]) -> dict:
    truth = gold.copy_pairs()
    judged = predicted - gold.unlabelled
    tp = len(judged & truth)
    p = tp / len(judged) if judged else 1.0
    r = tp / len(truth) if truth else 1.0
    return {
        "precision": round(p, 4), "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "gold_pairs": len(truth), "predicted_pairs": len(predicted), "true_positives": tp,
        "false_positives": len(judged - truth),
        "hard_negative_pairs": len(gold.hard_negatives),
        "hard_negatives_grouped": len(predicted & gold.hard_negatives),
        "grey_pairs": len(gold.unlabelled), "grey_grouped": len(predicted & gold.unlabelled),
    }


def _components(edges: list[tuple[str, str]]) -> list[set[str]]:
    sets = copygen.UnionFind()
    for a, b in edges:
        sets.union(a, b)
    return list(sets.groups().values())


def quality(args: argparse.Namespace) -> dict:
    out = {}
    for name, seed, half in (("dev", 1, 0), ("test", 2, 1)):
        gold = copygen.build(seed, half)
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            fr = _ingest(gold, Settings.load(args.config), d)
            seconds = time.perf_counter() - t
            predicted = _pairs(list(fr.store.copy_groups().values()))
            result = score(gold, predicted) | {"articles": len(gold.records), "ingest_seconds": round(seconds, 1)}
            if args.misses:
                truth = gold.copy_pairs()
                missed = sorted(tuple(sorted(p)) for p in truth - predicted)
                wrong = sorted(tuple(sorted(p)) for p in predicted - truth - gold.unlabelled)
                links = {frozenset((a, b)): (j, c) for a, b, j, c in fr.store.copy_links(
                    [x for p in missed + wrong for x in p])}
                why: Counter[str] = Counter()
                for a, b in missed:
                    for x in (a, b):
                        for t_ in gold.transforms.get(x, []):
                            why[t_.split()[-1] if "%" in t_ else t_] += 1
                result["missed_by_transform"] = dict(why.most_common())
                result["missed"] = [[a, b, links.get(frozenset((a, b)))] for a, b in missed[:20]]
                result["wrong"] = [[a, b, links.get(frozenset((a, b)))] for a, b in wrong[:20]]
            fr.close()
        out[name] = result
    return out


def sweep(args: argparse.Namespace) -> dict:
    """Ingest the dev half once with every candidate linked (thresholds 0), then score the
    components of the links that pass each threshold pair."""
    gold = copygen.build(1, 0)
    settings = Settings.load(args.config, {"copies": {"min_jaccard": 0.0, "min_containment": 0.0}})
    rows = []
    with tempfile.TemporaryDirectory() as d:
        fr = _ingest(gold, settings, d)
        ids = [r["id"] for r in gold.records]
        links = fr.store.copy_links(ids)
        fr.close()
    for mj in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        for mc in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
            kept = [(a, b) for a, b, j, c in links if j >= mj and c >= mc]
            s = score(gold, _pairs(_components(kept)))
            rows.append({"min_jaccard": mj, "min_containment": mc, **{k: s[k] for k in (
                "precision", "recall", "f1", "false_positives", "hard_negatives_grouped", "grey_grouped")}})
    return {"candidate_links": len(links), "grid": rows}


# ---------------------------------------------------------------------------- speed
def _vocabulary() -> tuple[list[str], list[float]]:
    counts: Counter[str] = Counter()
    for a in copygen.load_originals():
        counts.update(a["text"].split())
    words = [w for w, _ in counts.most_common()]
    weights = [c ** 0.9 for _, c in counts.most_common()]
    return words, weights


def _documents(n: int, seed: int, words: list[str], weights: list[float], size: int = 300) -> list[str]:
    import numpy as np

    rng = np.random.default_rng(seed)
    p = np.array(weights) / sum(weights)
    vocab = np.array(words, dtype=object)
    lengths = rng.integers(size // 2, size * 3 // 2, n)
    idx = rng.choice(len(words), size=int(lengths.sum()), p=p)
    out, k = [], 0
    for length in lengths:
        out.append(" ".join(vocab[idx[k:k + length]]))
        k += length
    return out


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def speed(args: argparse.Namespace) -> dict:
    from filrouge.copies import signature as sig

    words, weights = _vocabulary()
    settings = Settings.load(args.config)
    folder = tempfile.mkdtemp(dir=args.tmp)
    path = Path(folder) / "speed.db"
    fr = filrouge.open(path, settings)
    db = fr.store.db  # bulk load straight into the index tables
    db.execute("PRAGMA cache_size = -262144")
    t0 = time.perf_counter()
    sig_seconds = 0.0
    chunk = 20_000
    for start in range(0, args.n, chunk):
        texts = _documents(min(chunk, args.n - start), 1000 + start, words, weights)
        t = time.perf_counter()
        shingles = [sig.shingles(x) for x in texts]
        sigs = sig.signatures(shingles)
        keys = [sig.band_keys(s) for s in sigs]
        sig_seconds += time.perf_counter() - t
        with fr.store.transaction():
            # Only every tenth article keeps its text (the queries copy those): a million
            # texts would make this a benchmark of the full-text index instead.
            db.executemany(
                "INSERT INTO articles (rowid, id, version, content_hash, title, text, raw, word_count, data, "
                "ingested_at) VALUES (?, ?, 1, '', '', ?, '', 0, '{}', '')",
                [(start + i + 1, f"g{start + i}", texts[i] if (start + i) % 10 == 0 else "")
                 for i in range(len(texts))])
            db.executemany("INSERT INTO copy_signatures (article, index_version, signature, passages) "
                           "VALUES (?, ?, ?, x'')",
                           [(start + i + 1, sig.INDEX_VERSION, sigs[i].astype("<u4").tobytes())
                            for i in range(len(texts))])
            db.executemany("INSERT INTO copy_bands (key, article) VALUES (?, ?)",
                           sorted((k, start + i + 1) for i in range(len(texts)) for k in keys[i]))
        if args.progress:
            print(f"  loaded {start + len(texts):,} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    load_seconds = time.perf_counter() - t0
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size_mb = sum(os.path.getsize(p) for p in Path(folder).iterdir()) / 2**20
    fr.close()

    # The lookups run in a fresh process, as a new ingest would: its memory is the index's.
    proc = subprocess.run([sys.executable, __file__, "--query-db", str(path), "--n", str(args.n),
                           "--queries", str(args.queries)], check=False, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(proc.stderr)
    result = json.loads(proc.stdout)
    shutil.rmtree(folder, ignore_errors=True)
    return {"indexed_articles": args.n, "load_seconds": round(load_seconds, 1),
            "load_signatures_per_s": round(args.n / sig_seconds), "database_mb": round(size_mb, 1),
            **result, "peak_rss_mb_loading": _rss_mb()}


def _sign(texts: list[str]):
    from filrouge.copies import signature as sig

    return sig.signatures([sig.shingles(t) for t in texts])


def _vm_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def query(args: argparse.Namespace) -> dict:
    """Signature + lookup + exact check of each query: one process, then with the
    signatures computed by two worker processes while this one looks them up (as ingest
    does: workers compute signatures, the main process owns the index)."""
    from multiprocessing import get_context

    from filrouge.copies import signature as sig
    from filrouge.copies.index import CopyIndex

    words, weights = _vocabulary()
    queries = _documents(args.queries, 99, words, weights)
    pool = get_context("fork").Pool(2)
    before = _vm_rss_mb()
    fr = filrouge.open(args.query_db, Settings.load(args.config))
    index = CopyIndex(fr.store, fr.settings.copies)
    rng = random.Random(7)
    sources = fr.store.texts([f"g{rng.randrange(args.n // 10) * 10}" for _ in range(args.queries // 10)])
    for k, text in enumerate(sources.values()):
        w = text.split()
        for _ in range(len(w) // 20):
            w[rng.randrange(len(w))] = rng.choice(words[:5000])
        queries[k * 10] = "(AFP) - " + " ".join(w)
    half = args.queries // 2
    found = 0
    t = time.perf_counter()
    for text in queries[:half]:
        s = sig.signatures([sig.shingles(text)])[0]
        found += bool(index.links("query", text, s, sig.band_keys(s))[0])
    one = time.perf_counter() - t
    chunks = [queries[i:i + 100] for i in range(half, len(queries), 100)]
    t = time.perf_counter()
    for chunk, sigs in zip(chunks, pool.imap(_sign, chunks)):
        for text, s in zip(chunk, sigs):
            found += bool(index.links("query", text, s, sig.band_keys(s))[0])
    two = time.perf_counter() - t
    pool.close()
    after = _vm_rss_mb()
    fr.close()
    return {"queries": args.queries, "copies_among_queries": len(sources), "queries_with_a_copy_found": found,
            "signature_and_lookup_per_s_one_process": round(half / one),
            "signature_and_lookup_per_s_two_cores": round((args.queries - half) / two),
            "rss_mb_before_opening_index": before, "rss_mb_after_queries": after}


def minhash(args: argparse.Namespace) -> dict:
    """Signature time per article, rensa against datasketch, on the same shingle hashes."""
    import datasketch
    import numpy as np

    from filrouge.copies import signature as sig

    texts = [a["text"] for a in copygen.load_originals()]
    shingles = [sig.shingles(t) for t in texts]
    t = time.perf_counter()
    sig.signatures(shingles)
    rensa_batch = time.perf_counter() - t
    t = time.perf_counter()
    for s in shingles:
        sig.signatures([s])
    rensa_one = time.perf_counter() - t
    t = time.perf_counter()
    for s in shingles:
        m = datasketch.MinHash(num_perm=sig.NUM_PERM, seed=1, hashfunc=lambda x: x)
        m.update_batch(np.asarray(s, dtype=np.uint64) >> np.uint64(32))
    ds = time.perf_counter() - t
    n = len(texts)
    return {"articles": n, "mean_shingles": round(sum(map(len, shingles)) / n),
            "rensa_batch_us": round(rensa_batch / n * 1e6, 1), "rensa_one_by_one_us": round(rensa_one / n * 1e6, 1),
            "datasketch_us": round(ds / n * 1e6, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--minhash", action="store_true")
    ap.add_argument("--misses", action="store_true", help="with --quality: list missed and wrong pairs")
    ap.add_argument("--n", type=int, default=1_000_000, help="articles in the index (--speed)")
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--config", help="a settings TOML file")
    ap.add_argument("--tmp", help="folder for the --speed database (default: the system's)")
    ap.add_argument("--progress", action="store_true")
    ap.add_argument("--query-db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.query_db:
        print(json.dumps(query(args)))
        return
    if not any((args.quality, args.sweep, args.speed, args.minhash)):
        args.quality = args.minhash = True
    if not copygen.EVAL.exists():
        sys.exit(f"no eval data at {copygen.EVAL}")
    out = {}
    for name in ("minhash", "quality", "sweep", "speed"):
        if getattr(args, name):
            out[name] = globals()[name](args)
            print(json.dumps({name: out[name]}, indent=1, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
