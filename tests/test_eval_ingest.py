"""Every eval dataset ingests with zero rejections, and cleaning removes almost nothing there."""

from __future__ import annotations

import collections

import filrouge


def test_eval_all_articles_ingest_without_rejection(eval_dir, db_path):
    files = sorted(eval_dir.glob("*/articles.jsonl"))
    assert files
    expected = sum(sum(1 for line in f.open(encoding="utf-8") if line.strip()) for f in files)
    with filrouge.open(db_path) as fr:
        report = fr.ingest(files)
        assert report.rejected == []
        assert fr.count() == expected
        # The eval texts are already clean: removals are rare, and real ones (bylines,
        # subscription prompts, repeated paragraphs of forum pages).
        reasons: collections.Counter[str] = collections.Counter()
        forms: set[str] = set()
        sentences = columns = 0
        for a in fr.iter_articles():   # one pass over the store
            reasons.update(r.reason for r in a.removed)
            columns += any(r.reason == "column of other articles' headlines" for r in a.removed)
            forms.update(r.text for r in a.removed if r.reason.startswith("account"))
            sentences += len(a.sentences)
    # A site's account and login forms repeat on every page of ml-crisis-fr's Le Point and Le
    # Monde articles (350 lines, read one by one: 12 distinct forms); a rule that took real
    # text would add lines of its own.
    assert len(forms) <= 15, sorted(forms)
    suspicious = sum(n for reason, n in reasons.items()
                     if not reason.startswith(("repeated", "date stamp", "account", "title", "column")))
    assert suspicious / sentences < 0.005, reasons
    # Le Monde's, Libération's and Le Figaro's crawled pages open on a column of other
    # articles' headlines (46 of ml-crisis-fr's pages, 10 to 41 lines); no other text does.
    assert columns <= 50, columns
    # Title fields that share no word with their text give way to its headline: ml-crisis-fr's
    # crawled pages (122: "Boutique le Point", "Les sites éditoriaux", a sidebar's headline) and
    # two ECB+ records ("APR 28", "THE WHITE HOUSE"); a rule that took real headlines would add
    # many.
    assert reasons["title field (shares no word with the text's lead)"] <= 130, reasons
