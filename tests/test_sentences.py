"""Sentence splitting: hard cases for the rule splitter, and spaCy's senter as the reference."""

from __future__ import annotations

import json

import pytest

from filrouge.sentences import split_sentences, split_sentences_spacy

CASES = [
    ("Pour Kim, ce sommet avec V. Poutine compte. M. Kozlov est arrivé mardi.",
     ["Pour Kim, ce sommet avec V. Poutine compte.", "M. Kozlov est arrivé mardi."]),
    ("Kim Jong Un est arrivé. Kim Jong-un est reparti.", ["Kim Jong Un est arrivé.", "Kim Jong-un est reparti."]),
    ("« Pourquoi ? » a-t-il demandé. Puis il est parti.", ["« Pourquoi ? » a-t-il demandé.", "Puis il est parti."]),
    ("Il a parlé (...) Et il y a des perspectives, a-t-il dit.", ["Il a parlé (...) Et il y a des perspectives, a-t-il dit."]),
    ("Sergueï Choïgo.La Corée du Nord est soumise.", ["Sergueï Choïgo.", "La Corée du Nord est soumise."]),
    ("Mr. Smith met J.-C. Juncker. They talked.", ["Mr. Smith met J.-C. Juncker.", "They talked."]),
    ("He said \"No.\" Then he left.", ["He said \"No.\"", "Then he left."]),
    ("Le n° 5 et le No. 6 sont là. Fin.", ["Le n° 5 et le No. 6 sont là.", "Fin."]),
    ("Il a payé 3.5 millions. En 2023, rien.", ["Il a payé 3.5 millions.", "En 2023, rien."]),
    # An acronym without dots ends its sentence; letters with dots are initials.
    ("Il a été cité par l'agence KCNA. Vladimir Poutine a répondu.",
     ["Il a été cité par l'agence KCNA.", "Vladimir Poutine a répondu."]),
    ("Les U.S. Marines sont là. La BCE aussi.", ["Les U.S. Marines sont là.", "La BCE aussi."]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_sentences_rules_hard_cases(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_sentences_spacy_keeps_initials_whole():
    text = "Pour Kim, ce sommet avec V. Poutine compte. M. Kozlov est arrivé mardi."
    got = [text[s:e] for s, e in split_sentences_spacy(text, "fr")]
    assert got == ["Pour Kim, ce sommet avec V. Poutine compte.", "M. Kozlov est arrivé mardi."]


def test_sentences_rules_agree_with_spacy_on_eval(eval_dir):
    """Boundary agreement with spaCy's senter on French eval paragraphs (the full
    measurement, on every dataset, is bench/sentences.py)."""
    paragraphs = []
    for line in (eval_dir / "rpm2" / "articles.jsonl").open(encoding="utf-8"):
        paragraphs += [p for p in json.loads(line)["text"].split("\n") if len(p) > 40]
        if len(paragraphs) > 300:
            break
    ours = theirs = both = 0
    for p in paragraphs:
        a = {e for _, e in split_sentences(p)}
        b = {e for _, e in split_sentences_spacy(p, "fr")}
        ours, theirs, both = ours + len(a), theirs + len(b), both + len(a & b)
    f1 = 2 * both / (ours + theirs)
    assert f1 >= 0.9, f"boundary F1 against senter {f1:.3f}"
