"""The SQLite store: migrations, versions, full-text index in step, round trips."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from filrouge.article import Article, PublishedDate, Removed
from filrouge.errors import NotFound, StoreError
from filrouge.store import SQLiteStore
from filrouge.store.sqlite import migrations


def _article(aid: str = "x1", text: str = "Le texte de l'article.", **kw) -> Article:
    return Article(id=aid, title=kw.pop("title", "Titre"), text=text, raw=kw.pop("raw", text),
                   language="fr", published=PublishedDate("2024-03", "month", "marker"),
                   content_hash=kw.pop("content_hash", str(hash(text))), **kw)


def test_store_schema_is_migrated_and_versioned(db_path):
    with SQLiteStore(db_path) as store:
        assert store.schema_version == migrations()[-1][0]
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.execute("PRAGMA user_version = 999")
    con.close()
    with pytest.raises(StoreError, match="newer than this filrouge knows"):
        SQLiteStore(db_path)


def test_store_not_a_database(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match="bad.db"):
        SQLiteStore(bad)


def test_store_versions_and_full_text_in_step(db_path):
    with SQLiteStore(db_path) as store:
        assert store.put(_article(text="Les inondations frappent Nîmes.")) == "new"
        assert store.put(_article(text="Les inondations frappent Nîmes.")) == "unchanged"
        assert [i for i, _ in store.search_text("nimes")] == ["x1"]  # accents folded
        assert store.put(_article(text="La tempête s'éloigne de Montpellier.")) == "version"
        assert store.search_text("Nîmes") == []
        assert [i for i, _ in store.search_text("tempete")] == ["x1"]
        vs = store.versions("x1")
        assert [v.version for v in vs] == [1, 2]
        assert vs[0].text == "Les inondations frappent Nîmes."
        assert store.count() == 1
        with pytest.raises(NotFound):
            store.get("nope")


def test_store_batch_is_one_transaction(db_path):
    with SQLiteStore(db_path) as store:
        good = _article("g1")
        broken = _article("g2").evolve(title=None)  # NOT NULL violation inside the batch
        with pytest.raises(sqlite3.IntegrityError):
            store.put_many([good, broken])
        assert store.count() == 0


_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_text, title=_text, removed=st.lists(st.tuples(_text, _text), max_size=3),
       aid=st.text(min_size=1, max_size=30))
def test_store_round_trip(tmp_path_factory, text, title, removed, aid):
    db = tmp_path_factory.mktemp("rt") / "rt.db"
    art = _article(aid, text=text, title=title, removed=tuple(Removed(a, b) for a, b in removed),
                   paragraphs=((0, len(text)),), sentences=((0, len(text)),), warnings=("w",))
    with SQLiteStore(db) as store:
        store.put(art)
        got = store.get(aid)
    assert got.as_dict() | {"ingested_at": None} == art.as_dict() | {"ingested_at": None}
