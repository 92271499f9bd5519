"""Audit cleaning for false removals: what would it take out of the eval datasets?

The eval texts are already clean, so every removal there (other than true repeats) is a
candidate false removal. Prints counts per dataset and reason, and samples to read.

    python bench/clean_audit.py [../shared/eval/data] [--samples 5]
"""

from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path

from filrouge.ingest.readers import from_record
from filrouge.pipeline import process_safe
from filrouge.article import Article
from filrouge.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?", default=str(Path(__file__).resolve().parents[1].parent / "shared/eval/data"))
    ap.add_argument("--samples", type=int, default=5)
    args = ap.parse_args()
    settings = Settings.load()
    for path in sorted(Path(args.data).glob("*/articles.jsonl")):
        reasons: collections.Counter[str] = collections.Counter()
        samples: dict[str, list[str]] = collections.defaultdict(list)
        n = sentences = 0
        for i, line in enumerate(path.open(encoding="utf-8"), start=1):
            art = process_safe(from_record(json.loads(line), str(path), i), settings)
            if not isinstance(art, Article):
                print("REJECTED", art)
                continue
            n += 1
            sentences += len(art.sentences)
            for r in art.removed:
                reasons[r.reason] += 1
                if len(samples[r.reason]) < args.samples:
                    samples[r.reason].append(f"{art.id}: {r.text[:110]}")
        total = sum(reasons.values())
        print(f"\n{path.parent.name}: {n} articles, {sentences} sentences kept, {total} pieces removed")
        for reason, count in reasons.most_common():
            print(f"  {count:5d}  {reason}")
            for s in samples[reason]:
                print(f"         | {s}")


if __name__ == "__main__":
    main()
