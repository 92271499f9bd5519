"""Entity extraction throughput: articles of 500 words per second, on one core and on two.

    python bench/entities.py [--n 600] [--workers 2] [--lang fr]

Articles come from ../shared/eval/data (rpm2 and ml-crisis-fr in French, ecbplus in English),
cut to their first 500 words and cleaned by the pipeline beforehand (not timed). What is timed
is ``extract_entities``: spaCy's NER on the windows around capitalised words, the project's
rules, the grouping of mentions inside each article, and the quotations with their speakers
(the work an ingest worker does for entities). Two workers run as ingest runs them: worker
processes, batches of 16 articles. Target (issue 5): >= 150 articles/s on the 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from filrouge.article import RawArticle
from filrouge.entities import extract_entities
from filrouge.entities.ner import model, one_blas_thread, recognise
from filrouge.pipeline import process
from filrouge.settings import Settings

SHARED = Path(os.environ.get("FILROUGE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SETS = {"fr": ("rpm2", "ml-crisis-fr"), "en": ("ecbplus",)}
WORDS = 500
BATCH = 16


def load(language: str, n: int) -> list:
    settings = Settings.load()
    texts = []
    for name in SETS[language]:
        path = SHARED / "eval" / "data" / name / "articles.jsonl"
        if not path.exists():
            sys.exit(f"no eval data at {path} (set FILROUGE_SHARED)")
        for line in path.open(encoding="utf-8"):
            text = json.loads(line)["text"]
            words = list(re.finditer(r"\S+", text))
            if len(words) >= WORDS:
                texts.append(text[: words[WORDS - 1].end()])  # line breaks kept
    if not texts:
        sys.exit("no article of 500 words or more")
    articles = []
    while len(articles) < n:
        for t in texts:
            if len(articles) >= n:
                break
            raw = RawArticle(raw=t, body=t, path="<bench>", format="text", id=f"b{len(articles)}",
                             title="Titre", language=language)
            articles.append(process(raw, settings))
    return articles


def _work(batch: list) -> int:
    return len(extract_entities(batch))


def _init() -> None:
    one_blas_thread()  # as ingest's workers do


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=600, help="articles to extract from")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--lang", default="fr", choices=sorted(SETS))
    args = ap.parse_args()
    articles = load(args.lang, args.n)
    words = sum(a.word_count for a in articles) / len(articles)
    print(f"{len(articles)} {args.lang} articles, {words:.0f} words on average, {os.cpu_count()} cores")
    one_blas_thread()  # "one process" means one core
    model(args.lang)  # loaded before the clock starts, and before the workers fork
    extract_entities(articles[:BATCH])

    t = time.perf_counter()
    recognise([a.text for a in articles], args.lang)
    ner = time.perf_counter() - t
    t = time.perf_counter()
    found = extract_entities(articles)
    one = time.perf_counter() - t
    mentions = sum(len(a.mentions) for a in found)
    quotes = sum(len(a.quotes) for a in found)

    batches = [articles[i:i + BATCH] for i in range(0, len(articles), BATCH)]
    ctx = get_context("fork")
    with ProcessPoolExecutor(args.workers, mp_context=ctx, initializer=_init) as pool:
        list(pool.map(_work, batches[: args.workers]))  # warm the workers
        t = time.perf_counter()
        done = sum(pool.map(_work, batches))
        many = time.perf_counter() - t
    print(f"NER alone, one core:               {len(articles) / ner:7.1f} articles/s")
    print(f"extraction, one core:              {len(articles) / one:7.1f} articles/s "
          f"({mentions / len(articles):.1f} mentions, {quotes / len(articles):.1f} quotations an article)")
    print(f"extraction, {args.workers} worker processes:      {done / many:7.1f} articles/s   (target >= 150)")


if __name__ == "__main__":
    main()
