"""Sentence splitting: the rule splitter against spaCy's senter, on the eval datasets.

Prints, per dataset, the boundary agreement (precision / recall / F1 of the rule
splitter's sentence ends, taking senter's as the reference) and both speeds.

    python bench/sentences.py [--max-paragraphs 3000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from filrouge.sentences import split_sentences, split_sentences_spacy

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-paragraphs", type=int, default=3000)
    ap.add_argument("--show", type=int, default=0, help="print N disagreements per dataset")
    args = ap.parse_args()
    print(f"{'dataset':<14}{'paras':>7}{'P':>7}{'R':>7}{'F1':>7}{'rules p/s':>11}{'senter p/s':>11}")
    for path in sorted(EVAL.glob("*/articles.jsonl")):
        paragraphs: list[tuple[str, str]] = []
        for line in path.open(encoding="utf-8"):
            rec = json.loads(line)
            lang = rec.get("language") or "fr"
            paragraphs += [(p, lang) for p in rec.get("text", "").split("\n") if len(p) > 20]
            if len(paragraphs) >= args.max_paragraphs:
                break
        paragraphs = paragraphs[: args.max_paragraphs]
        t = time.perf_counter()
        ours = [{e for _, e in split_sentences(p)} for p, _ in paragraphs]
        t_rules = time.perf_counter() - t
        split_sentences_spacy("Échauffement.", "fr"), split_sentences_spacy("Warm up.", "en")
        t = time.perf_counter()
        ref = [{e for _, e in split_sentences_spacy(p, lang)} for p, lang in paragraphs]
        t_spacy = time.perf_counter() - t
        tp = sum(len(a & b) for a, b in zip(ours, ref))
        n_ours, n_ref = sum(map(len, ours)), sum(map(len, ref))
        prec, rec = tp / n_ours, tp / n_ref
        print(f"{path.parent.name:<14}{len(paragraphs):>7}{prec:>7.3f}{rec:>7.3f}{2 * prec * rec / (prec + rec):>7.3f}"
              f"{len(paragraphs) / t_rules:>11.0f}{len(paragraphs) / t_spacy:>11.0f}")
        shown = 0
        for (p, _), a, b in zip(paragraphs, ours, ref):
            if a != b and shown < args.show:
                shown += 1
                print("   rules :", [p[x:y] for x, y in split_sentences(p)])
                print("   senter:", [p[x:y] for x, y in split_sentences_spacy(p, "fr")])


if __name__ == "__main__":
    main()
