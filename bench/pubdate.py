"""How well an undated article's publication date is guessed from its text.

    filrouge --db /tmp/ecb.db eval clustering ../shared/eval/data/ecbplus
    python bench/pubdate.py /tmp/ecb.db [more stores]

Every stored article with a date of its own to the day (from its metadata, a dateline or
its URL; not one guessed, nor one taken from a copy) is read again without it, as if it
had come undated: :func:`filrouge.dates.date_article` on its clean text. Printed per
store: how many got a guess, and how many guesses have the right year and the right
month. A guess cannot be more precise than the month (a text is written some time after
what it reports), so the month is the best it can get right. Figures are given by where
the article's own date came from, and for all.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from filrouge.dates import date_article
from filrouge.store import open_store


def measure(db: Path) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    store = open_store(db)
    try:
        for a in store.iter_articles():
            p = a.published
            if p is None or p.inferred or p.granularity != "day":
                continue
            c = out.setdefault(p.source, Counter())
            c["dated"] += 1
            guess, _ = date_article(a.text, None, a.language, a.sentences)
            if guess is None:
                continue
            c["guessed"] += 1
            c["right year"] += guess.value[:4] == p.value[:4]
            c["right month"] += guess.value[:7] == p.value[:7]
    finally:
        store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stores", nargs="+", type=Path, help="stores an evaluation kept (filrouge --db DB eval ...)")
    for db in ap.parse_args().stores:
        by_source = measure(db)
        total: Counter[str] = sum(by_source.values(), Counter())
        for source, c in [*sorted(by_source.items()), ("all", total)]:
            g = c["guessed"] or 1
            print(f"{db} ({source}): {c['dated']} articles with a date of their own; guessed without it: "
                  f"{c['guessed']}; right year {c['right year']} ({c['right year'] / g:.0%} of the guesses), "
                  f"right month {c['right month']} ({c['right month'] / g:.0%})")


if __name__ == "__main__":
    main()
