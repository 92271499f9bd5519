"""Temporal tagging throughput: paragraphs per second on one core.

Paragraphs come from the eval sets (French: rpm2 and ml-crisis-fr; English: ecbplus), each
tagged against its article's date (or a fixed one). Prints figures; asserts nothing.

    python bench/timex.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from filrouge.dates import tag_dates, tagger

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "data"


def paragraphs(name: str) -> list[tuple[str, str]]:
    out = []
    with open(EVAL / name / "articles.jsonl", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            ref = rec.get("published") or "2010-06-15"
            out += [(p, ref) for p in rec["text"].split("\n") if p.strip()]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="passes over the paragraphs (best is kept)")
    args = ap.parse_args()
    if not EVAL.is_dir():
        print(f"skipped: {EVAL} is absent")
        return 0
    print(f"{'set':<14}{'lang':<6}{'paragraphs':>11}{'chars/para':>12}{'mentions':>10}{'para/s':>10}")
    for name, lang in (("rpm2", "fr"), ("ml-crisis-fr", "fr"), ("ecbplus", "en")):
        paras = paragraphs(name)
        tagger(lang)  # compile the grammar outside the timing
        best = float("inf")
        mentions = 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            mentions = sum(len(tag_dates(p, ref, lang)) for p, ref in paras)
            best = min(best, time.perf_counter() - t0)
        chars = sum(len(p) for p, _ in paras) / len(paras)
        print(f"{name:<14}{lang:<6}{len(paras):>11}{chars:>12.0f}{mentions:>10}{len(paras) / best:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
