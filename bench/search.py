"""Search quality: MRR and recall@10 of hybrid search against full text and meaning alone.

The queries (bench/search_queries.jsonl) were written before any search code, in our own
words, about ECB+ events and RPM2 stories (some in another language than the articles:
a French query for English articles and the reverse). An article is relevant when the gold
puts it in the query's event (ecbplus) or story (rpm2). Both sets are ingested into one
store, so every query searches 972 articles.

    python bench/search.py [--db PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import filrouge

HERE = Path(__file__).resolve().parent
EVAL = HERE.parent.parent / "shared" / "eval" / "data"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="/tmp/filrouge-bench/search.db", help="store to build (kept for reruns)")
    ap.add_argument("--eval", default=str(EVAL), help="the eval data folder")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    data = Path(args.eval)
    if not data.is_dir():
        print(f"no eval data at {data}", file=sys.stderr)
        return 1
    queries = [json.loads(x) for x in (HERE / "search_queries.jsonl").open(encoding="utf-8") if x.strip()]
    gold: dict[str, dict[str, str]] = {}
    for name in ("ecbplus", "rpm2"):
        for line in (data / name / "gold.jsonl").open(encoding="utf-8"):
            g = json.loads(line)
            gold[g["id"]] = g
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with filrouge.open(db) as fr:
        if fr.count() < len(gold):
            fr.ingest([data / "ecbplus" / "articles.jsonl", data / "rpm2" / "articles.jsonl"])
        out: dict[str, dict[str, float]] = {}
        per: list[dict[str, object]] = []
        for mode in ("hybrid", "text", "semantic"):
            rr, rec = [], []
            for q in queries:
                level = "event" if "event" in q else "story"
                relevant = {i for i, g in gold.items() if g[level] == q[level]}
                hits = [h.article for h in fr.search(q["q"], limit=100, mode=mode)]
                rank = next((r for r, a in enumerate(hits, start=1) if a in relevant), None)
                rr.append(1 / rank if rank else 0.0)
                rec.append(len(relevant & set(hits[:10])) / min(10, len(relevant)))
                per.append({"q": q["q"], "mode": mode, "first_relevant": rank})
            out[mode] = {"mrr": round(statistics.mean(rr), 4), "recall_at_10": round(statistics.mean(rec), 4)}
    if args.json:
        print(json.dumps({"queries": len(queries), "articles": len(gold), **out, "per_query": per}, indent=2))
        return 0
    print(f"{len(queries)} queries over {len(gold)} articles (ecbplus + rpm2)")
    for mode, v in out.items():
        print(f"  {mode:<9} MRR {v['mrr']:.3f}   recall@10 {v['recall_at_10']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
