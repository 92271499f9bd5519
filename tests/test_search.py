"""Search: the query grammar, snippets, the three modes, filters and the command."""

from __future__ import annotations

import pytest

import filrouge
from filrouge.errors import FilrougeError, NotFound
from filrouge.search import fts_query, query_terms, snippet_of

from .conftest import cli_json, run_cli


def test_search_query_folds_accents_stems_to_prefixes_and_drops_function_words():
    assert query_terms("Les élections de Choïgou") == [("elect", True), ("choigou", False)]
    assert fts_query("le la les") == ""
    assert fts_query('un "guillemet" OR NEAR(') == '"guillemet" OR "near"'   # operators are words


def test_search_snippet_is_the_window_with_the_most_query_words():
    text = " ".join(["remplissage"] * 50) + " Le ministre Choïgou est arrivé à Pyongyang mardi. " + \
        " ".join(["suite"] * 50)
    snippet, marks = snippet_of(text, query_terms("Choigou Pyongyang"), words=12)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert [snippet[a:b] for a, b in marks] == ["Choïgou", "Pyongyang"]


def test_search_modes_and_filters(sample_store):
    with filrouge.open(sample_store) as fr:
        text = [h.article for h in fr.search("vigilance rouge Gard", mode="text")]
        assert text and all(h.text_rank is not None for h in fr.search("vigilance rouge Gard", mode="text"))
        meaning = fr.search("heavy rain and floods", mode="semantic", language="fr")
        assert meaning and all(h.language == "fr" for h in meaning)
        assert any("gard" in h.article for h in meaning[:3])          # English words, French articles
        hybrid = fr.search("vigilance rouge Gard")
        assert hybrid[0].article in text[:3]
        assert all(h.source and "Agence" in h.source for h in fr.search("Pyongyang", source="agence"))
        june = fr.search("BCE taux", start="2024-06", end="2024-06")
        assert june and all(h.published.startswith("2024-06") for h in june)
        with pytest.raises(FilrougeError, match="empty"):
            fr.search("   ")
        with pytest.raises(NotFound):
            fr.search("taux", entity="Personne Inconnue")
        with pytest.raises(FilrougeError, match="mode"):
            fr.search("taux", mode="fuzzy")


def test_search_command_groups_by_story(sample_store):
    hits = cli_json("search", "Vostotchny accord ferroviaire", db=sample_store)
    assert {"article", "story", "score", "snippet"} <= set(hits[0])
    assert hits[0]["article"] == "003_fr_vostotchny_accord_rail"
    out = run_cli("search", "Tour des Causses", "--limit", "5", db=sample_store, check=True).stdout
    assert "Mathis Reynaud" in out or "Causses" in out.splitlines()[0]
    bad = run_cli("search", "taux", "--to", "2024-02-30", db=sample_store)
    assert bad.returncode == 1 and "not a date" in bad.stderr and bad.stderr.count("\n") == 1
