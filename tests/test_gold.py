"""The hand-written gold of sample/gold stays in step with the text filrouge stores."""

from __future__ import annotations

import json
import re

from .conftest import REPO, cli_json, run_cli

GOLD = REPO / "sample" / "gold" / "entities.json"


def test_gold_offsets_point_at_their_names_in_the_stored_text(tmp_path):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    db = tmp_path / "s.db"
    run_cli("ingest", str(REPO / "sample" / "corpus"), db=db)
    texts = {a["id"]: a["text"] for a in cli_json("articles", db=db)}
    assert {a["id"] for a in gold["articles"]} == set(texts)
    for art in gold["articles"]:
        text = texts[art["id"]]
        for m in art["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"], (art["id"], m)
            assert gold["entities"][m["entity"]]["type"] == m["type"], (art["id"], m)
        flat = re.sub(r"[’']", "'", text)
        for q in art["quotes"]:
            assert re.sub(r"[’']", "'", q["starts"]) in flat, (art["id"], q)
            assert q["speaker"] is None or q["speaker"] in gold["entities"], (art["id"], q)


def test_gold_merges_the_variants_the_issue_names():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    forms: dict[str, set[str]] = {}
    for art in gold["articles"]:
        for m in art["mentions"]:
            forms.setdefault(m["entity"], set()).add(m["text"])
    assert {"Vladimir Poutine", "V. Poutine", "Vladimir Vladimirovitch Poutine", "Poutine", "Putin"} <= forms["vladimir-putin"]
    assert {"Kim Jong Un", "Kim Jong-un", "Kim Jung Un", "Kim"} <= forms["kim-jong-un"]
    assert forms["kim-jong-il"] == {"Kim Jong Il"}
    assert {"Sergueï Choïgou", "Choïgou", "Sergueï Choïgu", "Sergueï Choïgo", "Sergei Shoigu"} <= forms["sergei-shoigu"]
