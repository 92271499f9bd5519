"""Timelines and summaries: the metrics, the seeds' timeline, citations over every story
of the eval sets, copies citing every outlet, the commands and their shapes."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

import filrouge
from filrouge.errors import FilrougeError, NotFound
from filrouge.stories.features import fold
from filrouge.tell import summarize, timeline, units
from filrouge.tell.evaluate import align_rouge, date_f1, read_timeline
from filrouge.tell.rouge import Rouge, truncate_words

from .conftest import SAMPLE, STORM_DE_ES, cli_json, run_cli, write_jsonl

_WORDS = re.compile(r"\w+")


def _norm(text: str) -> str:
    return " ".join(_WORDS.findall(fold(text)))


def _assert_cited(fr: filrouge.Filrouge, sentences: list[dict], where: str) -> int:
    """Every told sentence names at least one source, and every source it names prints it."""
    texts: dict[str, str] = {}
    for s in sentences:
        assert s["sources"], f"{where}: a sentence without sources: {s['text']}"
        for a in s["sources"]:
            if a not in texts:
                texts[a] = _norm(fr.article(a).text)
            assert _norm(s["text"]) in texts[a], f"{where}: {a} does not contain: {s['text']}"
    return len(sentences)


# ---------------------------------------------------------------------- metrics
def test_tell_rouge_counts_stems_and_multiple_references():
    r = Rouge("fr")
    same = r.score(["Les manifestants occupent la place Tahrir."], [["Les manifestants occupent la place Tahrir."]])
    assert same["rouge_1"]["f"] == same["rouge_2"]["f"] == same["rouge_l"]["f"] == 1.0
    # Stems: "chars"/"char", "entrés"/"entré" match; two references double the candidate count.
    two = r.counts(["Les chars sont entrés"], [["un char est entré"], ["rien de commun"]])
    assert two["rouge_1"] == (2, 8, 7)
    assert Rouge("fr", stopwords=True).tokens("Les chars sont dans la ville") == ("char", "vill")
    assert truncate_words(["un deux trois", "quatre cinq"], 4) == ["un deux trois", "quatre"]


def test_tell_date_f1_and_alignment_rouge_weigh_date_distance():
    d = date(2011, 1, 25).toordinal()
    ref = {d: ["des milliers de manifestants place Tahrir"]}
    assert date_f1(ref, ref)["f"] == 1.0
    assert align_rouge(ref, ref, Rouge("fr"))["rouge_1"]["f"] == pytest.approx(1.0)
    shifted = {d + 1: ref[d]}
    assert date_f1(shifted, ref)["f"] == 0.0
    # One day off: the same words count half (tilse's 1 / (distance + 1)).
    assert align_rouge(shifted, ref, Rouge("fr"))["rouge_1"]["f"] == pytest.approx(0.5)
    # Two days off either side: the alignment takes the one whose words match (a third).
    two = {d - 2: ["rien"], d + 2: ref[d]}
    assert align_rouge(two, ref, Rouge("fr"))["rouge_1"]["r"] == pytest.approx(1 / 3)


def test_tell_reads_tilse_timelines(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("2011-01-25\nUne manifestation .\nDeux .\n--------------------------------\n"
                 "2011-01-26\nTrois .\n", encoding="utf-8")
    tl = read_timeline(p)
    assert tl == {date(2011, 1, 25).toordinal(): ["Une manifestation .", "Deux ."],
                  date(2011, 1, 26).toordinal(): ["Trois ."]}


# ---------------------------------------------------------------------- the seeds
@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory):
    from .conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS} (set FILROUGE_SHARED to the shared folder)")
    path = tmp_path_factory.mktemp("tell") / "seeds.db"
    with filrouge.open(path) as fr:
        fr.ingest([SEEDS])
    return path


def test_tell_seeds_timeline_has_the_summit_lavrov_kozlov_and_background(seeds_db):
    with filrouge.open(seeds_db) as fr:
        (story,) = fr.stories()
        entries = [e.as_dict() for e in fr.timeline(story.id, sentences=3)]
        by = {(e["date"], e["granularity"]): e for e in entries}
        assert ("2023-09-13", "day") in by, entries                       # the Vostotchny summit
        assert not by[("2023-09-13", "day")]["background"]
        october = [e for e in entries if e["date"].startswith("2023-10")]
        assert october and any("Lavrov" in s["text"] for e in october for s in e["sentences"]), october
        november = [e for e in entries if e["date"].startswith("2023-11")]
        assert november and any("Kozlov" in s["text"] for e in november for s in e["sentences"]), november
        july = [e for e in entries if e["date"].startswith("2023-07")]
        assert july and all(e["background"] for e in july), july          # Choïgou in Pyongyang
        assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
        _assert_cited(fr, [s for e in entries for s in e["sentences"]], "seeds timeline")
        # Quotations keep their speaker.
        quoted = [q for e in entries for s in e["sentences"] for q in s["quotes"]]
        assert any(q["speaker"] for q in quoted), quoted
        # No two near-identical sentences.
        told = [_norm(s["text"]) for e in entries for s in e["sentences"]]
        assert len(told) == len(set(told))


def test_tell_seeds_summary_of_the_story_and_of_an_event(seeds_db):
    with filrouge.open(seeds_db) as fr:
        (story,) = fr.stories()
        sm = fr.summary(story.id, sentences=4).as_dict()
        assert sm["id"] == story.id and sm["kind"] == "story" and len(sm["sentences"]) == 4
        # In time order, articles dated to the month only included (a date guessed from the
        # text does not place a sentence).
        own = [p for s in sm["sentences"] if (p := fr.article(s["sources"][0]).published) and not p.inferred]
        months = [p.value[:7] for p in own]
        assert len(months) >= 2 and months == sorted(months), months
        _assert_cited(fr, sm["sentences"], "seeds summary")
        ev = story.events[0]
        es = fr.summary(ev.id, sentences=2).as_dict()
        assert es["kind"] == "event" and es["sentences"]
        assert {a for s in es["sentences"] for a in s["sources"]} <= set(ev.articles)
        with pytest.raises(FilrougeError, match="sentences"):
            fr.summary(story.id, sentences=0)
        with pytest.raises(NotFound, match="no story or event"):
            fr.summary("nope")


# ---------------------------------------------------------------------- copies
def test_tell_a_cut_line_or_one_that_introduces_what_follows_is_not_told(tmp_path):
    records = [{"id": "b1", "source": "Le Quotidien", "published": "2008-10-21", "title": "Plan pour les banques",
                "text": "Le gouvernement a présenté lundi à Paris son plan de soutien aux six grandes banques.\n"
                        "l'objectif affiché du dispositif est effectivement de relancer le crédit aux ménages\n"
                        "Les banques devront en contrepartie respecter plusieurs engagements précis :\n"
                        "Elles prêteront davantage aux petites entreprises et aux collectivités locales."}]
    with filrouge.open(tmp_path / "b.db") as fr:
        fr.ingest_records(records)
        found = [u.text for u in units(fr.sources(["b1"]), fr.settings.tell, lead=40)]
        assert found[0].startswith("Le gouvernement") and found[-1].startswith("Elles prêteront"), found
        assert len(found) == 2, found   # neither the cut line nor the one ending on a colon


def test_tell_a_live_blog_clock_time_is_not_told(tmp_path):
    # A live blog's entries open on the time the page posted them: the told sentence starts
    # after it (and still cites the article, which prints it).
    records = [{"id": "l1", "source": "Le Direct", "published": "2011-03-19", "language": "fr", "title": "En direct",
                "text": "22h50 : Le Conseil de sécurité se réunit à nouveau pour examiner la situation dans le pays.\n"
                        "21 h 05 - Les premiers avions ont décollé de leur base vers la côte du pays.\n"
                        "15 hommes : ce sont les soldats capturés samedi par les rebelles dans la ville.\n"},
               {"id": "l2", "source": "The Live", "published": "2011-03-19", "language": "en", "title": "Live",
                "text": "9:40 p.m.: The first planes have taken off from their base towards the coast."}]
    with filrouge.open(tmp_path / "l.db") as fr:
        fr.ingest_records(records)
        found = [u.text for u in units(fr.sources(["l1", "l2"]), fr.settings.tell, lead=10)]
        assert found[:2] == ["Le Conseil de sécurité se réunit à nouveau pour examiner la situation dans le pays.",
                             "Les premiers avions ont décollé de leur base vers la côte du pays."], found
        assert found[2].startswith("15 hommes : ce sont"), found   # no clock time
        assert found[3] == "The first planes have taken off from their base towards the coast.", found
        sentences = [s.as_dict() for e in timeline(fr.sources(["l1", "l2"]), fr.settings.tell, dates=1, sentences=3)
                     for s in e.sentences]
        clock = re.compile(r"\d{1,2}(?::\d{2}| ?h ?\d{2})")   # "22h50", "21 h 05", "9:40" ("15 hommes" is none)
        assert sentences and not any(clock.match(s["text"]) for s in sentences), sentences
        _assert_cited(fr, sentences, "live blog")


def test_tell_a_story_is_told_in_its_main_language(sample_store, tmp_path):
    # The sample's storm, told in French (and once in English), gets a German and a Spanish
    # report of 17 October. The summary stays French; the timeline tells 17 October in
    # French (the German report's lead had been its second sentence) and 18 October still
    # with the English report, which tells it best.
    db = tmp_path / "storm.db"
    shutil.copy(sample_store, db)
    with filrouge.open(db) as fr:
        fr.ingest_records(list(STORM_DE_ES))
        language = {a.id: a.language for a in fr.articles()}
        story = next(s for s in fr.stories() if "007_fr_gard_herault_vigilance_rouge" in s.articles)
        assert {"de_ysee", "es_ysee"} <= set(story.articles)
        told = {e.date: e.sentences for e in fr.timeline(story.id)}
        summary = fr.summary(story.id).sentences

    def languages(c) -> set[str | None]:
        return {language[a] for a in c.sources}

    assert all(languages(c) & {"fr"} for c in summary), [c.text for c in summary]
    assert all("fr" in languages(c) for c in told["2024-10-17"]), [c.text for c in told["2024-10-17"]]
    assert any(languages(c) == {"en"} for c in told["2024-10-18"]), [c.text for c in told["2024-10-18"]]


def test_tell_a_summary_of_one_article_has_the_sentences_asked(tmp_path):
    # One article shares no concept with another source: the summary is its lead, in order,
    # as many sentences as asked (it stopped at one).
    text = ("Le port de Brest a rouvert jeudi après trois jours de grève des dockers. "
            "Les syndicats ont obtenu une hausse des salaires de quatre pour cent cette année. "
            "Une centaine de navires attendaient au large depuis le début du mouvement. "
            "La chambre de commerce estime les pertes à plusieurs millions d'euros pour la ville. "
            "Le ministre des Transports a salué un accord qu'il juge équilibré pour tous. "
            "Les premiers cargos ont accosté dans la soirée sous une pluie battante.")
    records = [{"id": "p1", "source": "Ouest Matin", "published": "2024-02-08", "language": "fr",
                "title": "Le port rouvre", "text": text}]
    with filrouge.open(tmp_path / "p.db") as fr:
        fr.ingest_records(records)
        told = [c.text for c in summarize(fr.sources(["p1"]), fr.settings.tell, sentences=4)]
        assert len(told) == 4 and told[0].startswith("Le port de Brest"), told
        assert [text.index(t) for t in told] == sorted(text.index(t) for t in told), told
        assert len(summarize(fr.sources(["p1"]), fr.settings.tell, sentences=20)) == 6
        (story,) = fr.stories()
        assert len(fr.summary(story.events[0].id, sentences=3).as_dict()["sentences"]) == 3


def test_tell_a_copied_sentence_cites_every_outlet(tmp_path):
    wire = ("Le ministre russe des Ressources naturelles a conduit une délégation à Pyongyang cette semaine. "
            "Les deux pays ont signé un protocole sur le commerce, la pêche et les ressources minières. "
            "La délégation a été reçue par le Premier ministre nord-coréen pendant deux jours de discussions. "
            "Moscou promet de nouvelles liaisons aériennes et ferroviaires avec la capitale nord-coréenne.")
    records = [
        {"id": "w1", "title": "Délégation russe à Pyongyang", "text": wire, "source": "Agence", "published": "2023-11-17"},
        {"id": "w2", "title": "Moscou et Pyongyang signent un protocole", "text": wire + " Une reprise.",
         "source": "Quotidien", "published": "2023-11-17"},
        {"id": "w3", "title": "Pyongyang reçoit Moscou",
         "text": "Une délégation russe conduite par le ministre des Ressources naturelles a quitté Pyongyang vendredi. "
                 "Les deux pays ont signé un protocole sur le commerce, la pêche et les ressources minières.",
         "source": "Hebdo", "published": "2023-11-18"},
    ]
    with filrouge.open(tmp_path / "c.db") as fr:
        fr.ingest_records(records)
        assert fr.copy_group("w1") is not None and fr.copy_group("w1") == fr.copy_group("w2")
        (story,) = fr.stories()
        sm = fr.summary(story.id, sentences=3).as_dict()
        _assert_cited(fr, sm["sentences"], "copies")
        protocol = [s for s in sm["sentences"] if "protocole" in s["text"]]
        assert protocol, sm
        # The dispatch's sentence cites both outlets; the third outlet printed it too, and it
        # is an independent source (the two copies count once).
        assert set(protocol[0]["sources"]) == {"w1", "w2", "w3"}
        assert set(protocol[0]["outlets"]) == {"Agence", "Quotidien", "Hebdo"}
        assert protocol[0]["independent_sources"] == 2


def test_tell_a_quotation_printed_by_copies_is_told_once_with_every_source(tmp_path):
    wire = ("Le préfet du Gard, Jérôme Valadier, a placé le département en alerte jeudi. « La situation est "
            "extrêmement dangereuse, restez chez vous », a déclaré Jérôme Valadier. Les écoles resteront fermées "
            "vendredi dans quarante communes du département, selon la préfecture.")
    records = [
        {"id": "g1", "title": "Le Gard en alerte", "text": wire, "source": "Agence", "published": "2024-10-17"},
        {"id": "g2", "title": "Alerte dans le Gard", "text": wire, "source": "Quotidien", "published": "2024-10-17"},
        {"id": "g3", "title": "Les crues continuent",
         "text": "Les crues continuent dans le Gard vendredi. « Les crues vont durer jusqu'à samedi », a estimé "
                 "Jérôme Valadier, préfet du Gard.", "source": "Hebdo", "published": "2024-10-18"},
    ]
    with filrouge.open(tmp_path / "q.db") as fr:
        fr.ingest_records(records)
        (story,) = fr.stories()
        quotes = fr.story_report(story.id)["quotes"]
        said = [q for q in quotes if q["text"].startswith("La situation est extrêmement dangereuse")]
        assert len(said) == 1 and said[0]["sources"] == ["g1", "g2"], quotes
        assert [q["sources"] for q in quotes if q["text"].startswith("Les crues")] == [["g3"]], quotes
        assert all(q["speaker"] == "Jérôme Valadier" for q in quotes), quotes
        person = fr.entity("Jérôme Valadier")["quotes"]
        assert sorted(len(q["sources"]) for q in person) == [1, 2], person
        assert len(fr.quotes(speaker="Jérôme Valadier")) == 3   # `filrouge quotes`: one per article


def test_tell_a_sentence_one_outlet_prints_under_different_articles_is_not_told(tmp_path):
    # A newsletter pitch or a footer in every page of one outlet: many sources seem to agree
    # on it, but it is the page's, not the story's.
    pitch = "Notre rédaction suit pour vous chaque jour la visite de la délégation russe à Pyongyang."
    days = [("2023-11-15", "La délégation russe est arrivée à Pyongyang mercredi pour trois jours de discussions.",
             "Elle compte des industriels du gaz, des pêcheurs de Vladivostok et deux banquiers. "
             "Leur avion a été accueilli par une fanfare militaire sous la neige."),
            ("2023-11-16", "Les deux délégations ont discuté jeudi du commerce, de la pêche et des mines.",
             "Les Russes veulent du charbon et des terres rares, les Coréens du blé et du pétrole. "
             "Un dîner officiel a clos la journée dans un hôtel de la capitale."),
            ("2023-11-17", "Moscou et Pyongyang ont signé vendredi un protocole sur le commerce et la pêche.",
             "Le texte prévoit une ligne aérienne régulière et la réouverture d'un pont ferroviaire. "
             "La délégation est repartie le soir même vers l'Extrême-Orient russe.")]
    records = [{"id": f"q{i}", "title": f"Pyongyang, jour {i + 1}", "source": "Quotidien", "published": d,
                "text": f"{lead} {pitch} {body}"} for i, (d, lead, body) in enumerate(days)]
    records += [{"id": f"h{i}", "title": f"La visite russe, jour {i + 1}", "source": f"Hebdo {i}", "published": d,
                 "text": f"{lead} Les entretiens portaient aussi sur les liaisons aériennes et la monnaie."}
                for i, (d, lead, _) in enumerate(days)]
    with filrouge.open(tmp_path / "p.db") as fr:
        fr.ingest_records(records)
        (story,) = fr.stories()
        told = [s for e in fr.timeline(story.id, dates=3, sentences=2) for s in e.as_dict()["sentences"]]
        assert told and _assert_cited(fr, told, "pitch")
        assert not [s for s in told if "rédaction" in s["text"]], told


def test_tell_a_date_in_page_furniture_gets_no_vote(tmp_path):
    # One outlet's pitch names 1 March in three of its pages, and the bylines name the days
    # the pages were put online or updated: none of it says what happened when. The vote on
    # 3 March, named by two outlets, is the story's first date.
    pitch = "Notre grand dossier du 1er mars sur la crise politique reste à lire sur notre site."
    records = [{"id": f"q{i}", "source": "Le Quotidien", "published": f"2023-03-0{4 + i}", "title": title,
                "text": f"Par Jeanne Martin Publié le {4 + i} mars 2023 à 14h06 - Mis à jour le 6 mars 2023 à 18h10. "
                        f"{lead} {body} {pitch}"}
               for i, (title, lead, body) in enumerate([
                   ("Le cabinet renversé", "Les députés ont voté le 3 mars une motion qui renverse le cabinet du Premier ministre.",
                    "L'opposition parle d'une victoire historique. Le chef du gouvernement a remis sa démission le soir même "
                    "et quitté son bureau sous les applaudissements de ses collaborateurs. Les marchés ont à peine réagi, "
                    "la monnaie a même gagné un peu de terrain face au dollar. Dans les couloirs du palais, on prépare déjà "
                    "la passation de pouvoir et l'inventaire des dossiers laissés en suspens par l'équipe sortante."),
                   ("Qui pour gouverner", "Le président consulte les partis pour nommer un nouveau chef du gouvernement.",
                    "Trois noms circulent, dont celui d'une ancienne ministre des Finances. Les écologistes exigent un "
                    "accord écrit avant d'entrer dans une coalition et les centristes hésitent encore. Un sondage publié "
                    "dans la matinée place les conservateurs en tête des intentions de vote, loin devant la gauche. "
                    "Les constitutionnalistes rappellent que rien n'oblige le chef de l'Etat à dissoudre l'assemblée."),
                   ("La rue attend", "Les syndicats appellent à une nouvelle journée de grève la semaine prochaine.",
                    "Les cheminots et les enseignants promettent de défiler dans toutes les grandes villes. "
                    "Les commerçants du centre craignent une nouvelle baisse de leur chiffre d'affaires. La préfecture "
                    "annonce des renforts de police autour des ministères et des gares. Les étudiants, eux, votent en "
                    "assemblée générale le blocage de plusieurs universités de province.")])]
    records.append({"id": "s1", "source": "Le Soir", "published": "2023-03-04", "title": "Motion adoptée",
                    "text": "Le 3 mars, le parlement a voté une motion de défiance contre le gouvernement. "
                            "Le vote a été acquis à une courte majorité après une longue séance."})
    with filrouge.open(tmp_path / "f.db") as fr:
        fr.ingest_records(records)
        sources = fr.sources([r["id"] for r in records])
        entries = timeline(sources, fr.settings.tell, dates=2)
        assert [e.date for e in entries] == ["2023-03-03", "2023-03-04"], entries
        assert entries[0].independent_sources == 2, entries[0]


def test_tell_a_date_still_named_weeks_later_outranks_a_busier_day_no_one_recalls(tmp_path):
    # Three outlets report a vote on 3 March the day it happens; one reports the 1 March
    # occupation, and another still names it two months on. What is recalled mattered more.
    records = [
        {"id": "o1", "source": "Le Matin", "published": "2023-03-02", "title": "La place centrale occupée",
         "text": "Le 1er mars, des milliers de manifestants ont occupé la place centrale de la capitale. "
                 "Ils réclament le départ du gouvernement et des élections anticipées."},
        {"id": "v1", "source": "Le Soir", "published": "2023-03-05", "title": "Le parlement vote",
         "text": "Le 3 mars, le parlement a voté une motion de défiance contre le gouvernement. "
                 "Le vote a été acquis à une courte majorité après une longue séance."},
        {"id": "v2", "source": "La Gazette", "published": "2023-03-05", "title": "Motion adoptée",
         "text": "Les députés ont adopté le 3 mars une motion qui renverse le cabinet du Premier ministre. "
                 "L'opposition parle d'une victoire historique pour le pays."},
        {"id": "v3", "source": "Le Courrier", "published": "2023-03-05", "title": "Le cabinet renversé",
         "text": "Une motion de défiance a fait tomber le cabinet le 3 mars au terme de débats houleux. "
                 "Le président doit nommer un nouveau chef du gouvernement."},
        {"id": "r1", "source": "L'Hebdo", "published": "2023-05-10", "title": "Deux mois de contestation",
         "text": "Depuis le 1er mars, la contestation n'a pas faibli dans les rues de la capitale. "
                 "Les syndicats appellent à une nouvelle journée de grève la semaine prochaine."},
    ]
    with filrouge.open(tmp_path / "m.db") as fr:
        fr.ingest_records(records)
        sources = fr.sources([r["id"] for r in records])
        settings = fr.settings.tell
        (first,) = timeline(sources, settings, dates=1)
        assert first.date == "2023-03-01", first
        # Without the bonus the vote, named by three outlets, comes first.
        (first,) = timeline(sources, dataclasses.replace(settings, memory_weight=0.0), dates=1)
        assert first.date == "2023-03-03", first


def test_tell_a_date_named_as_a_start_does_not_tell_what_happened_that_day(tmp_path):
    # Two later articles name 1 March as the start of an occupation still going on; they
    # agree with each other, but only the first says what happened on the day.
    records = [
        {"id": "o1", "source": "Le Matin", "published": "2023-03-02", "title": "La place centrale occupée",
         "text": "Le 1er mars, des milliers de manifestants ont occupé la place centrale de la capitale. "
                 "La police a laissé faire."},
        {"id": "r1", "source": "L'Hebdo", "published": "2023-04-10", "title": "Six semaines d'occupation",
         "text": "Depuis le 1er mars, des milliers de manifestants occupent la place centrale de la capitale "
                 "et réclament des élections. Les syndicats appellent à une nouvelle journée de grève."},
        {"id": "r2", "source": "Le Soir", "published": "2023-04-20", "title": "La place tient toujours",
         "text": "La place centrale de la capitale est occupée depuis le 1er mars par des manifestants qui "
                 "réclament des élections. Le gouvernement refuse toujours de céder."},
    ]
    with filrouge.open(tmp_path / "s.db") as fr:
        fr.ingest_records(records)
        (entry,) = timeline(fr.sources([r["id"] for r in records]), fr.settings.tell, dates=1, sentences=1)
        assert entry.date == "2023-03-01", entry
        assert [c.sources for c in entry.sentences] == [("o1",)], entry


def test_tell_the_day_something_was_said_is_not_the_day_it_happened(tmp_path):
    # Two outlets, published on Thursday 16 November, report an arrival on Wednesday that an
    # agency announced on Thursday: the day to tell is Wednesday. A date after a verb of
    # saying ("a annoncé jeudi l'agence", "said on Thursday") is when it was said.
    records = [
        {"id": "a1", "source": "Le Matin", "published": "2023-11-16", "title": "Une délégation russe à Pyongyang",
         "text": "Une délégation russe conduite par Alexandre Kozlov est arrivée mercredi à Pyongyang, a annoncé "
                 "jeudi l'agence officielle KCNA. Elle doit rencontrer les responsables du commerce extérieur."},
        {"id": "a2", "source": "The Courier", "published": "2023-11-16", "title": "Russian delegation in Pyongyang",
         "language": "en",
         "text": "A Russian delegation led by Alexander Kozlov arrived in Pyongyang on Wednesday, the official "
                 "KCNA news agency said on Thursday. It is to meet officials in charge of foreign trade."},
    ]
    with filrouge.open(tmp_path / "a.db") as fr:
        fr.ingest_records(records)
        (entry,) = timeline(fr.sources([r["id"] for r in records]), fr.settings.tell, dates=1)
        assert entry.date == "2023-11-15", entry
        assert entry.independent_sources == 2, entry
    # A verb of announcing with its subject before it is the news itself, not a report of it.
    records = [{"id": "b1", "source": "Le Matin", "published": "2023-11-16", "title": "Frontières fermées",
                "text": "Le gouvernement a annoncé mercredi la fermeture des frontières. Les voyageurs sont bloqués."},
               {"id": "b2", "source": "Le Soir", "published": "2023-11-16", "title": "Les frontières closes",
                "text": "Les autorités ont annoncé mercredi que les frontières resteraient closes jusqu'à nouvel ordre."}]
    with filrouge.open(tmp_path / "b.db") as fr:
        fr.ingest_records(records)
        (entry,) = timeline(fr.sources(["b1", "b2"]), fr.settings.tell, dates=1)
        assert entry.date == "2023-11-15", entry


def test_tell_a_start_named_by_what_began_then_is_a_start_too(tmp_path):
    # "depuis le soulèvement populaire du 1er mars" names 1 March as a start, as "depuis le
    # 1er mars" does; "since then, ... on 3 March" names a happening.
    records = [{"id": "f", "source": "Le Soir", "published": "2023-04-20", "language": "fr", "title": "La place",
                "text": "La place est occupée depuis le soulèvement populaire du 1er mars par des manifestants. "
                        "Le 3 mars au matin, la police a chargé les manifestants sur la place."},
               {"id": "e", "source": "The Courier", "published": "2023-04-20", "language": "en", "title": "The square",
                "text": "Protesters have held the square since the uprising of March 1 and want elections. "
                        "Since then, the police have charged the crowd on March 3 and on March 9 in the morning."}]
    with filrouge.open(tmp_path / "s.db") as fr:
        fr.ingest_records(records)
        found = units(fr.sources(["f", "e"]), fr.settings.tell, lead=10)
        starts = {u.text.split()[0]: (sorted(d for d, _ in u.dates), sorted(d for d, _ in u.since)) for u in found}
        assert starts["La"] == (["2023-03-01"], ["2023-03-01"]), starts
        assert starts["Protesters"] == (["2023-03-01"], ["2023-03-01"]), starts
        assert starts["Since"] == (["2023-03-03", "2023-03-09"], []), starts
        assert starts["Le"] == (["2023-03-03"], []), starts


def test_tell_a_weekday_in_an_article_dated_to_the_month_is_no_day_of_the_month(tmp_path):
    # "lundi" in an article dated June only is some day of June: its sentence is not told
    # under the day the other articles name (it was, as if a month named alone).
    records = [
        {"id": "d1", "source": "Le Matin", "published": "2024-06-20", "title": "Le traité signé",
         "text": "Le traité d'assistance mutuelle a été signé le 19 juin à Pyongyang par les deux dirigeants. "
                 "Il prévoit une aide militaire en cas d'agression."},
        {"id": "d2", "source": "Le Soir", "published": "2024-06-21", "title": "Séoul proteste",
         "text": "Séoul a protesté contre le traité signé le 19 juin à Pyongyang par les deux dirigeants. "
                 "L'ambassadeur a été convoqué."},
        {"id": "m1", "source": "L'Hebdo", "published": "2024-06", "title": "Une délégation à Moscou",
         "text": "Une délégation nord-coréenne est arrivée lundi à Moscou pour appliquer le traité signé "
                 "par les deux dirigeants. Elle doit rester trois jours."},
    ]
    with filrouge.open(tmp_path / "s.db") as fr:
        fr.ingest_records(records)
        entries = timeline(fr.sources([r["id"] for r in records]), fr.settings.tell, dates=2, sentences=3)
        by_date = {e.date: [c.sources for c in e.sentences] for e in entries}
        assert "2024-06-19" in by_date, by_date
        assert all("m1" not in s for s in by_date["2024-06-19"]), by_date
        assert ("m1",) in by_date.get("2024-06", []), by_date


# ---------------------------------------------------------------------- every story of the eval sets
@pytest.mark.slow
@pytest.mark.parametrize("name", ["rpm2", "ml-crisis-fr", "ecbplus"])
def test_tell_every_sentence_of_every_story_cites_a_source_that_contains_it(eval_dir, tmp_path, name):
    with filrouge.open(tmp_path / "e.db") as fr:
        report = fr.ingest([eval_dir / name / "articles.jsonl"])
        assert report.stored > 0
        told = 0
        for st in fr.stories():
            report = fr.story_report(st.id, sentences=3)
            told += _assert_cited(fr, report["summary"], f"{name} {st.id} summary")
            told += _assert_cited(fr, [s for e in report["timeline"] for s in e["sentences"]], f"{name} {st.id}")
            for ev in st.events:
                told += _assert_cited(fr, fr.summary(ev.id, sentences=2).as_dict()["sentences"], ev.id)
        assert told > 50


# ---------------------------------------------------------------------- commands
def test_tell_cli_timeline_summary_story_shapes(tmp_path):
    db = tmp_path / "s.db"
    run_cli("ingest", str(SAMPLE), db=db, check=True)
    stories = cli_json("stories", db=db)
    sid = max(stories, key=lambda s: len(s["articles"]))["id"]
    tl = cli_json("timeline", sid, "--sentences", "1", db=db)
    assert tl and all({"date", "granularity", "background", "sentences"} <= set(e) for e in tl)
    assert all(len(e["sentences"]) == 1 and e["sentences"][0]["sources"] for e in tl)
    sm = cli_json("summary", sid, "--sentences", "3", db=db)
    assert sm["id"] == sid and len(sm["sentences"]) == 3
    assert all(isinstance(s["text"], str) and s["sources"] for s in sm["sentences"])
    st = cli_json("story", sid, db=db)
    assert {"summary", "timeline", "quotes", "copies", "entities", "sources", "events"} <= set(st)
    md = run_cli("timeline", sid, "--md", db=db, check=True).stdout
    assert md.startswith("# Timeline") and "[^1]:" in md
    # The story's Markdown head counts the outlets it knows (the sample's articles name theirs).
    head = run_cli("story", sid, "--md", db=db, check=True).stdout.splitlines()[2]
    assert f"· {len(st['sources'])} outlets ·" in head and len(st["sources"]) > 1, head
    text = run_cli("story", sid, db=db, check=True).stdout
    assert "Summary" in text and "Timeline" in text and "[1]" in text
    # The sources list marks a date inferred (from the text, here) with "~", as `articles` does.
    sources = text[text.index("\nSources"):]
    assert "006_fr_analyse_axe_moscou_pyongyang  ~2024-02 · " in sources
    assert "003_fr_vostotchny_accord_rail  2024-04-18 · " in sources
    bad = run_cli("summary", "no-such-story", db=db)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "no story or event" in bad.stderr
    bad = run_cli("timeline", sid, "--sentences", "0", db=db)
    assert bad.returncode == 1 and "--sentences" in bad.stderr


def test_tell_eval_commands_smoke(eval_dir, tmp_path):
    # A small copy of each set: the yemen story with its reference timeline, two rpm2 events.
    tl_dir = tmp_path / "crisis"
    (tl_dir / "timelines").mkdir(parents=True)
    arts = [json.loads(x) for x in (eval_dir / "ml-crisis-fr" / "articles.jsonl").open(encoding="utf-8")]
    gold = [json.loads(x) for x in (eval_dir / "ml-crisis-fr" / "gold.jsonl").open(encoding="utf-8")]
    write_jsonl(tl_dir / "articles.jsonl", [a for a in arts if a["id"].startswith("yemen/")])
    write_jsonl(tl_dir / "gold.jsonl", [g for g in gold if g["story"] == "yemen"])
    shutil.copy(eval_dir / "ml-crisis-fr" / "timelines" / "yemen.txt", tl_dir / "timelines" / "yemen.txt")
    kept = tmp_path / "kept.db"
    out = cli_json("eval", "timeline", str(tl_dir), db=kept)
    assert set(out["stories"]) == {"yemen"}
    assert out["filrouge"]["date_f1"] > 0 and out["filrouge"]["ar1_f"] > 0
    assert out["baseline"]["date_f1"] >= 0
    # --db keeps the evaluation's database: the story's articles can be read again there.
    with filrouge.open(kept) as fr:
        assert len(fr.articles()) == out["stories"]["yemen"]["articles"] > 0
    again = run_cli("eval", "timeline", str(tl_dir), db=kept)
    assert again.returncode == 1 and "already exists" in again.stderr and str(kept) in again.stderr
    text = run_cli("eval", "timeline", str(tl_dir), db=tmp_path / "second.db", check=True).stdout
    assert "Date F1" in text and "baseline" in text

    sm_dir = tmp_path / "rpm"
    (sm_dir / "summaries").mkdir(parents=True)
    keep = {"T01_C1", "T01_C2"}
    arts = [json.loads(x) for x in (eval_dir / "rpm2" / "articles.jsonl").open(encoding="utf-8")]
    gold = [json.loads(x) for x in (eval_dir / "rpm2" / "gold.jsonl").open(encoding="utf-8")]
    write_jsonl(sm_dir / "articles.jsonl", [a for a in arts if a["id"][:6] in keep])
    write_jsonl(sm_dir / "gold.jsonl", [g for g in gold if g["id"][:6] in keep])
    for p in (eval_dir / "rpm2" / "summaries").glob("T01_*.txt"):
        shutil.copy(p, sm_dir / "summaries" / p.name)
    # FILROUGE_DB names the working database, which an evaluation leaves alone.
    env = {**os.environ, "FILROUGE_DB": str(kept)}
    out = json.loads(run_cli("eval", "summary", str(sm_dir), "--json", env=env, check=True).stdout)
    assert set(out["clusters"]) == keep
    for system in ("filrouge", "lead", "centroid"):
        assert 0 < out[system]["rouge_2"] < 1 and 0 < out[system]["rouge_1"] < 1
    bad = run_cli("eval", "summary", str(tl_dir), db=tmp_path / "unused3.db")
    assert bad.returncode == 1 and "summaries" in bad.stderr


def test_tell_settings_are_checked(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[tell]\nredundancy = 0\n", encoding="utf-8")
    with pytest.raises(FilrougeError, match="tell.redundancy"):
        filrouge.Settings.load(cfg)
    cfg.write_text("[tell]\nforeign = 0\n", encoding="utf-8")
    with pytest.raises(FilrougeError, match="tell.foreign"):
        filrouge.Settings.load(cfg)
    assert Path(cfg).exists()
