"""Ingest throughput (articles/s) and peak memory, each case in a fresh process and database.

Cases:
  eval       all of ../shared/eval/data/*/articles.jsonl (pre-extracted text)
  html       HTML pages built from the eval articles (nav, footer, captions around the text)
  generated  a generated JSONL corpus (default 100,000 articles; no language field, so
             language detection runs), and a tenth of it, to show memory flat in size

    python bench/ingest.py [--cases eval,html,generated] [--n 100000] [--workers 0]

Figures include reading, decoding, cleaning, sentence splitting, language detection and
storing (SQLite, FTS5). Peak memory is the largest resident set of the main process and of
any one worker.
"""

from __future__ import annotations

import argparse
import html as htmllib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval" / "data"


def _run_case(files: list[Path], workers: int) -> dict:
    import filrouge
    from filrouge.settings import Settings

    settings = Settings.load(overrides={"ingest": {"workers": workers}})
    with tempfile.TemporaryDirectory() as d:
        with filrouge.open(Path(d) / "bench.db", settings) as fr:
            t = time.perf_counter()
            report = fr.ingest(files)
            seconds = time.perf_counter() - t
            count = fr.count()
    return {
        "articles": report.stored + report.unchanged,
        "stored": count,
        "rejected": len(report.rejected),
        "seconds": round(seconds, 2),
        "articles_per_s": round((report.stored + report.unchanged) / seconds, 1),
        "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "input_mb": round(sum(f.stat().st_size for f in _walk(files)) / 2**20, 1),
    }


def _walk(files: list[Path]) -> list[Path]:
    out: list[Path] = []
    for f in files:
        out += sorted(p for p in f.rglob("*") if p.is_file()) if f.is_dir() else [f]
    return out


_PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} - Le Bench</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Le Bench">
<meta property="article:published_time" content="{date}T08:00:00+01:00"></head><body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Monde</a></li><li><a href="/eco">Économie</a></li></ul></nav>
<div class="cookies">Ce site utilise des cookies. <button>OK</button></div>
<article><h1>{title}</h1><p class="byline">Par la rédaction</p>{body}</article>
<aside><h3>Lire aussi</h3><ul><li><a href="/a">Un autre article</a></li><li><a href="/b">Encore un</a></li></ul></aside>
<footer><p>© 2024 Le Bench - Tous droits réservés</p><a href="/mentions">Mentions légales</a></footer></body></html>"""


def make_html(folder: Path, limit: int = 1200) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for src in sorted(EVAL.glob("*/articles.jsonl")):
        for line in src.open(encoding="utf-8"):
            rec = json.loads(line)
            paras = [p for p in rec.get("text", "").split("\n") if p.strip()]
            if not paras or len(rec["text"]) > 50_000:
                continue
            body = "".join(f"<p>{htmllib.escape(p)}</p>" for p in paras[:40])
            page = _PAGE.format(lang=rec.get("language", "fr"), title=htmllib.escape(rec.get("title", "")),
                                date=rec.get("published", "2024-01-01"), body=body)
            (folder / f"page{n:05d}.html").write_text(page, encoding="utf-8")
            n += 1
            if n >= limit:
                return [folder]
    return [folder]


_VOCAB = ("le la les un une des de du en à au aux pour par avec sans sur sous dans entre ministre "
          "gouvernement accord sommet visite délégation Moscou Pyongyang Paris crue tempête banque taux "
          "inflation étape coureur victoire annonce réunion frontière armée missile satellite commerce "
          "énergie gaz pétrole élection vote président député préfet habitants route pluie euro").split()


def make_generated(path: Path, n: int, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            paras = []
            for _ in range(rng.randint(4, 9)):
                sents = []
                for _ in range(rng.randint(1, 4)):
                    ws = rng.choices(_VOCAB, k=rng.randint(8, 24))
                    sents.append(ws[0].capitalize() + " " + " ".join(ws[1:]) + f" {i}.")
                paras.append(" ".join(sents))
            rec = {"id": f"g{i}", "title": f"Dépêche {i}", "text": "\n".join(paras),
                   "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return [path]


def main() -> None:
    ap = argparse.ArgumentParser(description="filrouge ingest benchmark")
    ap.add_argument("--cases", default="eval,html,generated")
    ap.add_argument("--n", type=int, default=100_000, help="size of the generated corpus")
    ap.add_argument("--workers", type=int, default=0, help="0: one per core")
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        files = [Path(p) for p in json.loads(args._child)]
        print(json.dumps(_run_case(files, args.workers)))
        return
    cases = args.cases.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        plan: list[tuple[str, list[Path]]] = []
        if "eval" in cases:
            if not EVAL.is_dir():
                print(f"skip eval and html: {EVAL} is absent")
            else:
                plan.append(("eval jsonl", sorted(EVAL.glob("*/articles.jsonl"))))
        if "html" in cases and EVAL.is_dir():
            plan.append(("html pages", make_html(Path(tmp) / "html")))
        if "generated" in cases:
            small = max(1000, args.n // 10)
            plan.append((f"generated {small}", make_generated(Path(tmp) / "small.jsonl", small)))
            plan.append((f"generated {args.n}", make_generated(Path(tmp) / "big.jsonl", args.n)))
        print(f"{'case':<20}{'articles':>9}{'rejected':>9}{'seconds':>9}{'art/s':>9}"
              f"{'main MB':>9}{'worker MB':>10}{'input MB':>9}")
        for name, files in plan:
            out = subprocess.run([sys.executable, __file__, "--workers", str(args.workers),
                                  "--_child", json.dumps([str(f) for f in files])],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                print(f"{name}: failed\n{out.stderr}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{name:<20}{r['articles']:>9}{r['rejected']:>9}{r['seconds']:>9}{r['articles_per_s']:>9}"
                  f"{r['peak_rss_main_mb']:>9}{r['peak_rss_worker_mb']:>10}{r['input_mb']:>9}", flush=True)


if __name__ == "__main__":
    main()
